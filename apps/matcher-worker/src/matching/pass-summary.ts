import type { ClosedEntry, EntryTotals, KeptMatches, NewDiscrepancy, NewMatch, SideTotals, StoredResultCounts } from '@concilia/persistence';

interface Entry {
  id: string;
  amount: bigint;
  currency: string;
}

/** What a pass read: the entries it matched, and the statement entries a person set aside. */
export interface PassEntries {
  statement: readonly Entry[];
  closedStatement: readonly ClosedEntry[];
  ledger: readonly Entry[];
}

/**
 * The summary's entry totals after a pass, from what the pass read instead of anti-joins over
 * the stored entries (which cost more than the pass at a million entries). Same definition as
 * computeSummary: an entry is unmatched unless an active match holds it (a kept match, or one
 * of the pass's own); closed statement entries count but are never unmatched. The ledger side
 * is what the pass read: the window-widened period, minus entries other reconciliations hold.
 * Entries that arrive during the pass set rematch_requested, so the next pass counts them.
 */
export function entryTotalsAfterPass(currency: string, read: PassEntries, kept: KeptMatches, matches: readonly Pick<NewMatch, 'statementIds' | 'ledgerIds'>[]): EntryTotals {
  const matchedStatement = new Set<string>();
  const matchedLedger = new Set<string>();
  for (const match of matches) {
    for (const id of match.statementIds) matchedStatement.add(id);
    for (const id of match.ledgerIds) matchedLedger.add(id);
  }
  const statement = sideTotals(currency, read.statement, (id) => kept.statementIds.has(id) || matchedStatement.has(id));
  for (const entry of read.closedStatement) {
    statement.count++;
    if (entry.currency === currency) statement.amount += entry.amount;
  }
  const ledger = sideTotals(currency, read.ledger, (id) => kept.ledgerIds.has(id) || matchedLedger.has(id));
  return { statement, ledger };
}

function sideTotals(currency: string, entries: readonly Entry[], inActiveMatch: (id: string) => boolean): SideTotals {
  const totals: SideTotals = { count: entries.length, amount: 0n, unmatched: 0, unmatchedAmount: 0n };
  for (const entry of entries) {
    const sameCurrency = entry.currency === currency;
    if (sameCurrency) totals.amount += entry.amount;
    if (inActiveMatch(entry.id)) continue;
    totals.unmatched++;
    if (sameCurrency) totals.unmatchedAmount += entry.amount;
  }
  return totals;
}

/** The stored result counts once the pass's matches and discrepancies are written beside what was kept. */
export function withPassResults(kept: StoredResultCounts, matches: readonly NewMatch[], discrepancies: readonly NewDiscrepancy[]): StoredResultCounts {
  const counts: StoredResultCounts = {
    accepted: { ...kept.accepted },
    suggested: kept.suggested,
    amountMismatch: { ...kept.amountMismatch },
    statusMismatch: kept.statusMismatch,
    discrepancies: { ...kept.discrepancies, open: kept.discrepancies.open + discrepancies.length },
  };
  for (const match of matches) {
    if (match.status === 'ACCEPTED') {
      counts.accepted.count++;
      counts.accepted.amount += match.statementTotal;
    } else counts.suggested++;
  }
  for (const discrepancy of discrepancies) {
    if (discrepancy.type === 'AMOUNT_MISMATCH') {
      counts.amountMismatch.count++;
      counts.amountMismatch.amount += discrepancy.amount;
    } else if (discrepancy.type === 'STATUS_MISMATCH') counts.statusMismatch++;
  }
  return counts;
}
