import { formatAmount } from '@concilia/domain';
import type { Tx } from '../database';
import { advanceLedgerVersionOf } from './ledger-version';
import { ACTIVE_MATCH_STATUSES } from './match-links';
import { storedResultCounts, type StoredResultCounts } from './matching.repository';

export interface ComputedSummary {
  /** The `summary` object of API.md (amounts as decimal strings in the reconciliation's currency). */
  summary: Record<string, unknown>;
  unmatched: number;
  suggested: number;
  openDiscrepancies: number;
}

/** Counts and sums of both sides' entries; amounts in minor units of the reconciliation's currency. */
export interface EntryTotals {
  statement: SideTotals;
  ledger: SideTotals;
}

export interface SideTotals {
  count: number;
  amount: bigint;
  unmatched: number;
  unmatchedAmount: bigint;
}

/**
 * A reconciliation's summary from what is stored: the same definition for the matcher (after a
 * pass) and the API (after a review action). "Unmatched" means in no active match; statement
 * entries a person set aside (closed) count but are not unmatched; ledger entries count when
 * dated within the period widened by the account's date window and not held by another
 * reconciliation's active match. Amounts in other currencies are counted, not summed.
 */
export async function computeSummary(tx: Tx, reconciliationId: string): Promise<ComputedSummary> {
  const statement = await statementTotals(tx, reconciliationId);
  const ledger = await ledgerTotals(tx, reconciliationId);
  return summaryOf(ledger.currency, { statement, ledger: ledger.totals }, await storedResultCounts(tx, reconciliationId));
}

interface TotalsRow {
  count: string;
  amount: string;
  unmatched: string;
  unmatched_amount: string;
}

const TOTALS = `count(*) AS count,
       coalesce(sum(amount) FILTER (WHERE same_currency), 0)::text AS amount,
       count(*) FILTER (WHERE unmatched) AS unmatched,
       coalesce(sum(amount) FILTER (WHERE unmatched AND same_currency), 0)::text AS unmatched_amount`;

function sideTotals(row: TotalsRow): SideTotals {
  return { count: Number(row.count), amount: BigInt(row.amount), unmatched: Number(row.unmatched), unmatchedAmount: BigInt(row.unmatched_amount) };
}

// An entry is unmatched when no active match holds it. The entries of one side held by the
// reconciliation's own active matches are gathered once and hash-joined: probing the link index
// for every entry costs about four times more at a million entries.
const ownLinks = (side: 'statement' | 'ledger') => `links AS MATERIALIZED (
       SELECT unnest(m.${side}_entry_ids) AS entry_id FROM matches m WHERE m.reconciliation_id = $1 AND m.status IN ${ACTIVE_MATCH_STATUSES})`;

/** The statement side: every entry of the reconciliation. */
export async function statementTotals(tx: Tx, reconciliationId: string): Promise<SideTotals> {
  const [row]: TotalsRow[] = await tx.query(
    `WITH ${ownLinks('statement')},
     s AS (
       SELECT se.amount, se.currency = r.currency AS same_currency, se.closed_at IS NULL AND k.entry_id IS NULL AS unmatched
         FROM reconciliations r JOIN statement_entries se ON se.reconciliation_id = r.id LEFT JOIN links k ON k.entry_id = se.id
        WHERE r.id = $1)
     SELECT ${TOTALS} FROM s`,
    [reconciliationId],
  );
  return sideTotals(row);
}

/**
 * The ledger side: the account's entries in reach. Only entries without a link of this
 * reconciliation are probed for one of another reconciliation (which takes them out of reach).
 */
export async function ledgerTotals(tx: Tx, reconciliationId: string): Promise<{ currency: string; totals: SideTotals }> {
  const [row]: (TotalsRow & { currency: string })[] = await tx.query(
    `WITH r AS (
       SELECT r.id, r.account_id, r.currency, r.period_start - mr.date_window_days AS reach_from, r.period_end + mr.date_window_days AS reach_to
         FROM reconciliations r JOIN matching_rules mr ON mr.account_id = r.account_id WHERE r.id = $1),
     ${ownLinks('ledger')},
     l AS (
       SELECT le.amount, le.currency = r.currency AS same_currency, k.entry_id IS NULL AS unmatched
         FROM r JOIN ledger_entries le ON le.account_id = r.account_id AND le.entry_date BETWEEN r.reach_from AND r.reach_to
         LEFT JOIN links k ON k.entry_id = le.id
        WHERE k.entry_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM match_items mi WHERE mi.entry_id = le.id))
     SELECT (SELECT currency FROM r) AS currency, ${TOTALS} FROM l`,
    [reconciliationId],
  );
  return { currency: row.currency, totals: sideTotals(row) };
}

/**
 * The summary from its parts: the entry totals and the counts of stored results. A matching
 * pass takes the statement side from what it read and wrote (every change to a reconciliation's
 * statement entries waits for the pass, or asks for a follow-up), and the ledger side too when the
 * account's ledger version shows nothing changed since its read (see ledger-version.ts), else from
 * the database at commit; review actions recompute both.
 */
export function summaryOf(currency: string, totals: EntryTotals, stored: StoredResultCounts): ComputedSummary {
  const money = (minor: bigint) => formatAmount(minor, currency);
  return {
    summary: {
      statementEntries: { count: totals.statement.count, amount: money(totals.statement.amount) },
      ledgerEntries: { count: totals.ledger.count, amount: money(totals.ledger.amount) },
      matched: { count: stored.accepted.count, amount: money(stored.accepted.amount) },
      suggested: { count: stored.suggested },
      amountMismatch: { count: stored.amountMismatch.count, amount: money(stored.amountMismatch.amount) },
      statusMismatch: { count: stored.statusMismatch },
      unmatchedStatement: { count: totals.statement.unmatched, amount: money(totals.statement.unmatchedAmount) },
      unmatchedLedger: { count: totals.ledger.unmatched, amount: money(totals.ledger.unmatchedAmount) },
      discrepancies: stored.discrepancies,
    },
    unmatched: totals.statement.unmatched + totals.ledger.unmatched,
    suggested: stored.suggested,
    openDiscrepancies: stored.discrepancies.open,
  };
}

/**
 * Recomputes and stores the summary after a review action (inside the caller's transaction, as
 * its last step). The action may have made or taken apart matches, which moves ledger entries in
 * and out of the reach of the account's other reconciliations: the account's ledger version moves
 * on, so that a pass running meanwhile recomputes its ledger side at commit.
 */
export async function refreshSummary(tx: Tx, reconciliationId: string): Promise<ComputedSummary> {
  const computed = await computeSummary(tx, reconciliationId);
  await tx.query(`UPDATE reconciliations SET summary = $2 WHERE id = $1`, [reconciliationId, JSON.stringify(computed.summary)]);
  await advanceLedgerVersionOf(tx, reconciliationId);
  return computed;
}
