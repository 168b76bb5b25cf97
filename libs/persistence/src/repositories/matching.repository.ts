import type { LedgerItem, MatchList, SettlementDraft, StatementItem } from '@concilia/domain';
import type { Database, Tx } from '../database';
import type { MatchingRunEntity } from '../entities';
import { encodedCriterionJson } from '../entities/explanation-codec';
import { copyBinary, copyBinaryRows, type BinaryColumn, type BinaryRowWriter } from './copy-binary';
import { copyOutRows, copyRows, FieldValues, sqlLiteral, uuidArrayLiteral } from './copy-rows';
import { ACTIVE_MATCH_STATUSES, releaseLinksSql } from './match-links';
import { UuidV7Source, type UuidV7Block } from './uuid-v7-block';

/** The entries as the matcher reads them: exactly the engine's input types. */
export type StatementItemRow = StatementItem;
export type LedgerItemRow = LedgerItem;

/** A statement entry a person set aside: counted in the summary, never matched. */
export interface ClosedEntry {
  amount: bigint;
  currency: string;
}

export interface KeptMatches {
  statementIds: Set<string>;
  ledgerIds: Set<string>;
}

export interface NewMatch {
  id: string;
  method: 'AUTO' | 'MANUAL';
  rule: string;
  status: 'SUGGESTED' | 'ACCEPTED';
  confidence: number;
  currency: string;
  statementTotal: bigint;
  ledgerTotal: bigint;
  difference: bigint;
  explanation: unknown[];
  note: string | null;
  statementIds: string[];
  ledgerIds: string[];
}

export interface NewDiscrepancy {
  id: string;
  matchId: string | null;
  type: string;
  severity: string;
  amount: bigint;
  currency: string;
  statementEntryIds: string[];
  ledgerEntryIds: string[];
  detail: string;
}

export interface NewSettlement {
  id: string;
  matchId: string;
  ledgerEntryId: string;
  currency: string;
  expectedAmount: bigint;
  receivedAmount: bigint;
  difference: bigint;
  breakdown: Record<string, string>;
}

/** An id to insert: its text, or its 16 bytes (see `UuidV7Block`). */
export type RowId = string | Uint8Array;

/** What `insertMatches` and `insertSettlements` take: the same rows, with ids as text or bytes. */
export type MatchRow = Omit<NewMatch, 'id'> & { id: RowId };
export type SettlementRow = Omit<NewSettlement, 'id' | 'matchId'> & { id: RowId; matchId: RowId };

/**
 * A match's settlements as rows. The only settlement of a match (one ledger entry, the common
 * case) takes the match's id, so the primary key alone keeps it one per match; the unique index
 * on (match, ledger entry) holds only the others, those of a match over several ledger entries.
 * One index entry fewer per settlement: about a million at 1M × 1M.
 */
export function settlementRows(drafts: readonly SettlementDraft[], matchId: RowId, newId: () => RowId): SettlementRow[] {
  // Fields named one by one: a spread of the draft measured 1.3 s for a million rows.
  return drafts.map((draft) => ({
    id: takesMatchId(drafts) ? matchId : newId(),
    matchId,
    ledgerEntryId: draft.ledgerEntryId,
    currency: draft.currency,
    expectedAmount: draft.expectedAmount,
    receivedAmount: draft.receivedAmount,
    difference: draft.difference,
    breakdown: draft.breakdown,
  }));
}

function takesMatchId(drafts: readonly SettlementDraft[]): boolean {
  return drafts.length === 1;
}

/** An entry's link to the active match it is in. */
export interface MatchLinkRow {
  matchId: RowId;
  entryId: string;
  side: 'STATEMENT' | 'LEDGER';
}

export interface RunScope {
  tenantId: string;
  reconciliationId: string;
  accountId: string;
  runId: string | null;
}

/**
 * The matcher's reads (both sides in bulk, what is kept, what was rejected) and writes
 * (matches, links, discrepancies, settlements): set-based statements only, no per-row work.
 */
export class MatchingRepository {
  constructor(private readonly database: Database) {}

  /**
   * The reconciliation's statement entries in id order (the engine then skips its own sort),
   * those a person set aside (closed) apart, as amounts only, for the summary. Reading in table
   * order and sorting in the engine measured the same at 1M and 5M entries a side; this way the
   * matcher holds no sorted copies. Their external ids only with `externalIds` (the engine reads
   * them for nothing else than an account's rule to use them as references): otherwise null,
   * about 30 MB fewer at a million entries.
   */
  async statementItems(reconciliationId: string, { externalIds }: { externalIds: boolean }): Promise<{ open: StatementItemRow[]; closed: ClosedEntry[] }> {
    const open: StatementItemRow[] = [];
    const closed: ClosedEntry[] = [];
    const [currencies, dates, statuses, releaseTypes] = [new FieldValues(), new FieldValues(), new FieldValues(), new FieldValues()];
    await copyOutRows(
      this.database,
      `SELECT id, amount, currency, to_char(entry_date, 'YYYY-MM-DD'), refs, ${externalIds ? 'external_id' : 'NULL'}, description, status, release_type, closed_at IS NOT NULL
         FROM statement_entries WHERE reconciliation_id = ${sqlLiteral(reconciliationId, 'uuid')} ORDER BY id`,
      (row) => {
        if (row.ascii(9) === 't') closed.push({ amount: row.bigint(1), currency: row.interned(2, currencies) as string });
        else
          open.push({
            id: row.ascii(0),
            amount: row.bigint(1),
            currency: row.interned(2, currencies) as string,
            date: row.interned(3, dates) as string,
            references: row.textArray(4),
            externalId: row.text(5),
            description: row.text(6),
            status: row.interned(7, statuses),
            releaseType: row.interned(8, releaseTypes),
          });
      },
    );
    return { open, closed };
  }

  /** The account's ledger entries dated in [from, to], minus those held by an active match of another reconciliation; in id order. */
  async ledgerItems(accountId: string, reconciliationId: string, from: string, to: string): Promise<LedgerItemRow[]> {
    const items: LedgerItemRow[] = [];
    const [currencies, dates, statuses, kinds] = [new FieldValues(), new FieldValues(), new FieldValues(), new FieldValues()];
    await copyOutRows(
      this.database,
      `SELECT le.id, le.amount, le.currency, to_char(le.entry_date, 'YYYY-MM-DD'), le.refs, le.external_id, le.description, le.status, le.kind
         FROM ledger_entries le
        WHERE le.account_id = ${sqlLiteral(accountId, 'uuid')} AND le.entry_date BETWEEN ${sqlLiteral(from, 'date')} AND ${sqlLiteral(to, 'date')}
          AND NOT EXISTS (SELECT 1 FROM match_items mi WHERE mi.entry_id = le.id AND mi.reconciliation_id <> ${sqlLiteral(reconciliationId, 'uuid')})
        ORDER BY le.id`,
      (row) => {
        const references = row.textArray(4);
        items.push({
          id: row.ascii(0),
          amount: row.bigint(1),
          currency: row.interned(2, currencies) as string,
          date: row.interned(3, dates) as string,
          references,
          // An order is often referenced by its own id: then one string serves both (a million entries, about 30 MB).
          externalId: references.length === 1 && row.equals(5, references[0]) ? references[0] : (row.text(5) as string),
          description: row.text(6),
          status: row.interned(7, statuses),
          kind: row.interned(8, kinds) as string,
        });
      },
    );
    return items;
  }

  /** Entries in matches a re-match keeps: accepted ones and every manual one still active. */
  async keptMatchEntries(reconciliationId: string): Promise<KeptMatches> {
    const rows: { statement_entry_ids: string[]; ledger_entry_ids: string[] }[] = await this.database.manager.query(
      `SELECT statement_entry_ids, ledger_entry_ids FROM matches
        WHERE reconciliation_id = $1 AND status IN ${ACTIVE_MATCH_STATUSES} AND (status = 'ACCEPTED' OR method = 'MANUAL')`,
      [reconciliationId],
    );
    const kept: KeptMatches = { statementIds: new Set(), ledgerIds: new Set() };
    for (const row of rows) {
      for (const id of row.statement_entry_ids) kept.statementIds.add(id);
      for (const id of row.ledger_entry_ids) kept.ledgerIds.add(id);
    }
    return kept;
  }

  /** Every (statement, ledger) pair of a rejected match, as `${statementId}|${ledgerId}`. */
  async rejectedPairs(reconciliationId: string): Promise<Set<string>> {
    const rows: { pair: string }[] = await this.database.manager.query(
      `SELECT s.id || '|' || l.id AS pair
         FROM matches m CROSS JOIN LATERAL unnest(m.statement_entry_ids) AS s(id) CROSS JOIN LATERAL unnest(m.ledger_entry_ids) AS l(id)
        WHERE m.reconciliation_id = $1 AND m.status = 'REJECTED'`,
      [reconciliationId],
    );
    return new Set(rows.map((row) => row.pair));
  }

  /** Creates the run row of a pass, or counts another attempt of it. */
  async startRun(scope: { id: string; tenantId: string; reconciliationId: string; runVersion: number; rulesSnapshot: Record<string, unknown> }): Promise<string> {
    const rows: { id: string }[] = await this.database.manager.query(
      `INSERT INTO matching_runs (id, tenant_id, reconciliation_id, run_version, status, rules_snapshot)
       VALUES ($1, $2, $3, $4, 'RUNNING', $5)
       ON CONFLICT (reconciliation_id, run_version) DO UPDATE SET attempts = matching_runs.attempts + 1, started_at = now(), status = 'RUNNING'
       RETURNING id`,
      [scope.id, scope.tenantId, scope.reconciliationId, scope.runVersion, JSON.stringify(scope.rulesSnapshot)],
    );
    return rows[0].id;
  }

  async finishRun(tx: Tx, runId: string, status: MatchingRunEntity['status'], stats: Record<string, unknown> | null, failureReason: string | null): Promise<void> {
    await tx.query(`UPDATE matching_runs SET status = $2, stats = $3, failure_reason = $4, finished_at = now() WHERE id = $1`, [
      runId,
      status,
      stats === null ? null : JSON.stringify(stats),
      failureReason,
    ]);
  }

  /**
   * Withdraws what earlier passes proposed and nobody acted on: SUGGESTED automatic matches
   * (their links released) and the untouched discrepancies of earlier passes.
   */
  async supersedeOwnProposals(tx: Tx, reconciliationId: string): Promise<void> {
    await tx.query(
      releaseLinksSql(
        `UPDATE matches SET status = 'SUPERSEDED' WHERE reconciliation_id = $1 AND method = 'AUTO' AND status = 'SUGGESTED'
         RETURNING id, statement_entry_ids, ledger_entry_ids`,
      ),
      [reconciliationId],
    );
    await tx.query(
      `DELETE FROM discrepancies d
        WHERE d.reconciliation_id = $1 AND d.run_id IS NOT NULL AND d.status = 'OPEN' AND d.resolution = 'PENDING'
          AND (d.match_id IS NULL OR EXISTS (SELECT 1 FROM matches m WHERE m.id = d.match_id AND m.status NOT IN ('ACCEPTED', 'SUGGESTED')))`,
      [reconciliationId],
    );
  }

  /**
   * Matches (SUGGESTED or ACCEPTED) and their links by COPY. The links are by default the
   * matches' entries, read from `matches` a second time (then pass an array or a re-iterable
   * view); a pass passes its links in entry id order, which fills the links' key left to right
   * (the two million links of a 1M pass: 6.5 s in match order, 3.3-5.0 s in id order, in
   * Postgres alone).
   */
  async insertMatches(tx: Tx, scope: RunScope, matches: Iterable<MatchRow>, links: Iterable<MatchLinkRow> = linksOf(matches)): Promise<void> {
    await copyBinaryRows(
      tx,
      'matches',
      MATCH_COLUMNS,
      mapRows(matches, (m) => [
        m.id,
        scope.tenantId,
        scope.reconciliationId,
        scope.runId,
        m.method,
        m.rule,
        m.status,
        m.confidence,
        m.currency,
        m.statementTotal,
        m.ledgerTotal,
        m.difference,
        explanationJson(m.explanation),
        m.note,
        m.statementIds,
        m.ledgerIds,
      ]),
    );
    await copyBinaryRows(
      tx,
      'match_items',
      MATCH_ITEM_COLUMNS,
      mapRows(links, (link) => [link.matchId, link.entryId, link.side, scope.tenantId, scope.reconciliationId]),
    );
  }

  /**
   * A pass's matches (match i named by id i of `ids`) and their links, written straight from the
   * engine's column-wise list: no object or array per match or link (a million of each at 1M,
   * which made a third of the pass's own work and most of its garbage). The links go in entry
   * id order, as `insertMatches` explains. The fields are those of `insertMatches`, method AUTO.
   */
  async insertMatchList(tx: Tx, scope: RunScope, list: MatchList, ids: UuidV7Block): Promise<void> {
    await copyBinary(tx, 'matches', MATCH_COLUMNS, function* (out) {
      for (let i = 0; i < list.length; i++) {
        out.row();
        out.uuidBytes(ids.bytes, i * 16);
        out.uuid(scope.tenantId);
        out.uuid(scope.reconciliationId);
        out.value(scope.runId);
        out.text('AUTO');
        out.text(list.rule(i));
        out.text(list.status(i));
        out.int2(list.confidence(i));
        out.text(list.currency(i));
        out.int8(list.statementTotal(i));
        out.int8(list.ledgerTotal(i));
        out.int8(list.difference(i));
        out.text(explanationJson(list.explanation(i)));
        out.null();
        const count = list.entryCount(i);
        const statementEntries = list.statementEntryCount(i);
        out.uuidArray(statementEntries);
        for (let k = 0; k < statementEntries; k++) out.uuidElement(list.entryId(i, k));
        out.uuidArray(count - statementEntries);
        for (let k = statementEntries; k < count; k++) out.uuidElement(list.entryId(i, k));
        yield;
      }
    });
    await copyBinary(tx, 'match_items', MATCH_ITEM_COLUMNS, (out) =>
      list.linksInIdOrder((match, side, entryId) => {
        out.row();
        out.uuidBytes(ids.bytes, match * 16);
        out.uuid(entryId);
        out.text(side);
        out.uuid(scope.tenantId);
        out.uuid(scope.reconciliationId);
      }),
    );
  }

  async insertDiscrepancies(tx: Tx, scope: RunScope, discrepancies: Iterable<NewDiscrepancy>): Promise<void> {
    await copyRows(
      tx,
      'discrepancies',
      ['id', 'tenant_id', 'reconciliation_id', 'run_id', 'match_id', 'type', 'severity', 'amount', 'currency', 'statement_entry_ids', 'ledger_entry_ids', 'detail'],
      mapRows(discrepancies, (d) => [
        d.id,
        scope.tenantId,
        scope.reconciliationId,
        scope.runId,
        d.matchId,
        d.type,
        d.severity,
        d.amount,
        d.currency,
        uuidArrayLiteral(d.statementEntryIds),
        uuidArrayLiteral(d.ledgerEntryIds),
        d.detail,
      ]),
    );
  }

  /** Settlements of accepted matches; a pass never writes one twice (one per match and ledger entry). */
  async insertSettlements(tx: Tx, scope: RunScope, settlements: Iterable<SettlementRow>): Promise<void> {
    await copyBinary(tx, 'settlements', SETTLEMENT_COLUMNS, function* (out) {
      for (const settlement of settlements) {
        out.row();
        out.value(settlement.id);
        out.value(settlement.matchId);
        writeSettlement(out, scope, settlement);
        yield;
      }
    });
  }

  /**
   * The settlements of a pass's accepted matches (match i named by id i of `ids`), made from the
   * engine's list as they are written, with the ids `settlementRows` gives them.
   */
  async insertMatchListSettlements(tx: Tx, scope: RunScope, list: MatchList, ids: UuidV7Block): Promise<void> {
    const otherIds = new UuidV7Source();
    await copyBinary(tx, 'settlements', SETTLEMENT_COLUMNS, function* (out) {
      for (let i = 0; i < list.length; i++) {
        if (list.status(i) !== 'ACCEPTED') continue;
        const drafts = list.settlements(i);
        for (const draft of drafts) {
          out.row();
          if (takesMatchId(drafts)) out.uuidBytes(ids.bytes, i * 16);
          else out.value(otherIds.take());
          out.uuidBytes(ids.bytes, i * 16);
          writeSettlement(out, scope, draft);
          yield;
        }
      }
    });
  }
}

/** A settlement's fields after its id and its match's id (SETTLEMENT_COLUMNS). */
function writeSettlement(out: BinaryRowWriter, scope: RunScope, settlement: SettlementDraft): void {
  out.uuid(scope.tenantId);
  out.uuid(scope.accountId);
  out.uuid(scope.reconciliationId);
  out.uuid(settlement.ledgerEntryId);
  out.text(settlement.currency);
  out.int8(settlement.expectedAmount);
  out.int8(settlement.receivedAmount);
  out.int8(settlement.difference);
  out.text(JSON.stringify(settlement.breakdown));
}

const sharedCriterionJson = new WeakMap<object, string>();

/**
 * A match's explanation as stored JSON (known criteria as tuples, see explanation-codec). The
 * engine shares frozen criteria between matches (a million reference matches have the same
 * currency and amount criteria): each is encoded once.
 */
function explanationJson(explanation: readonly unknown[]): string {
  let json = '[';
  for (let i = 0; i < explanation.length; i++) {
    const criterion = explanation[i];
    const shared = typeof criterion === 'object' && criterion !== null && Object.isFrozen(criterion) ? criterion : null;
    let part = shared ? sharedCriterionJson.get(shared) : undefined;
    if (part === undefined) {
      part = encodedCriterionJson(criterion);
      if (shared) sharedCriterionJson.set(shared, part);
    }
    json += i === 0 ? part : `,${part}`;
  }
  return `${json}]`;
}

const uuid = (name: string): BinaryColumn => ({ name, type: 'uuid' });
const text = (name: string): BinaryColumn => ({ name, type: 'text' });
const int8 = (name: string): BinaryColumn => ({ name, type: 'int8' });
const MATCH_COLUMNS: BinaryColumn[] = [
  uuid('id'),
  uuid('tenant_id'),
  uuid('reconciliation_id'),
  uuid('run_id'),
  text('method'),
  text('rule'),
  text('status'),
  { name: 'confidence', type: 'int2' },
  text('currency'),
  int8('statement_total'),
  int8('ledger_total'),
  int8('difference'),
  { name: 'explanation', type: 'json' },
  text('note'),
  { name: 'statement_entry_ids', type: 'uuid[]' },
  { name: 'ledger_entry_ids', type: 'uuid[]' },
];
const MATCH_ITEM_COLUMNS: BinaryColumn[] = [uuid('match_id'), uuid('entry_id'), text('side'), uuid('tenant_id'), uuid('reconciliation_id')];
const SETTLEMENT_COLUMNS: BinaryColumn[] = [
  uuid('id'),
  uuid('match_id'),
  uuid('tenant_id'),
  uuid('account_id'),
  uuid('reconciliation_id'),
  uuid('ledger_entry_id'),
  text('currency'),
  int8('expected_amount'),
  int8('received_amount'),
  int8('difference'),
  { name: 'breakdown', type: 'json' },
];

/** What the summary needs from the stored results after a pass has written them. */
export interface StoredResultCounts {
  accepted: { count: number; amount: bigint };
  suggested: number;
  amountMismatch: { count: number; amount: bigint };
  statusMismatch: number;
  discrepancies: { open: number; resolved: number; ignored: number };
}

export async function storedResultCounts(tx: Tx, reconciliationId: string): Promise<StoredResultCounts> {
  const [matches]: { accepted: string; accepted_amount: string; suggested: string }[] = await tx.query(
    `SELECT count(*) FILTER (WHERE status = 'ACCEPTED') AS accepted,
            coalesce(sum(statement_total) FILTER (WHERE status = 'ACCEPTED'), 0)::text AS accepted_amount,
            count(*) FILTER (WHERE status = 'SUGGESTED') AS suggested
       FROM matches WHERE reconciliation_id = $1`,
    [reconciliationId],
  );
  const [discrepancies]: { amount_mismatch: string; amount_mismatch_amount: string; status_mismatch: string; open: string; resolved: string; ignored: string }[] =
    await tx.query(
      `SELECT count(*) FILTER (WHERE type = 'AMOUNT_MISMATCH') AS amount_mismatch,
              coalesce(sum(amount) FILTER (WHERE type = 'AMOUNT_MISMATCH'), 0)::text AS amount_mismatch_amount,
              count(*) FILTER (WHERE type = 'STATUS_MISMATCH') AS status_mismatch,
              count(*) FILTER (WHERE resolution = 'PENDING' AND status <> 'CLOSED') AS open,
              count(*) FILTER (WHERE resolution IN ('RESOLVED', 'DIVERGENT')) AS resolved,
              count(*) FILTER (WHERE resolution = 'IGNORED') AS ignored
         FROM discrepancies WHERE reconciliation_id = $1`,
      [reconciliationId],
    );
  return {
    accepted: { count: Number(matches.accepted), amount: BigInt(matches.accepted_amount) },
    suggested: Number(matches.suggested),
    amountMismatch: { count: Number(discrepancies.amount_mismatch), amount: BigInt(discrepancies.amount_mismatch_amount) },
    statusMismatch: Number(discrepancies.status_mismatch),
    discrepancies: { open: Number(discrepancies.open), resolved: Number(discrepancies.resolved), ignored: Number(discrepancies.ignored) },
  };
}

function* mapRows<T, V>(items: Iterable<T>, toRow: (item: T) => V[]): Generator<V[]> {
  for (const item of items) yield toRow(item);
}

function* linksOf(matches: Iterable<MatchRow>): Generator<MatchLinkRow> {
  for (const match of matches) {
    for (const entryId of match.statementIds) yield { matchId: match.id, entryId, side: 'STATEMENT' };
    for (const entryId of match.ledgerIds) yield { matchId: match.id, entryId, side: 'LEDGER' };
  }
}
