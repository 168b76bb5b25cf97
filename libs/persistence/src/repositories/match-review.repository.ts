import { In, type SelectQueryBuilder } from 'typeorm';
import type { Database, Tx } from '../database';
import { LedgerEntryEntity, MatchEntity, StatementEntryEntity, type MatchStatus, type ReconciliationEntity } from '../entities';
import type { LedgerEntryFilters } from './ledger-entry.repository';
import { matchIdsOfEntrySql, releaseLinksSql, settlementsOfMatchSql } from './match-links';
import { type Page, type PageRequest, toPage } from './pagination';

/** A match with the ids of the entries it links (sorted), active or not. */
export type MatchWithEntries = MatchEntity;

export interface MatchFilters {
  status?: string;
  method?: string;
}

export interface StatementListFilters {
  /** UNMATCHED (in no active match, not set aside), SUGGESTED, MATCHED (in an active ACCEPTED match) or CLOSED (set aside). */
  matchStatus?: string;
  releaseType?: string;
  externalId?: string;
}

export interface LedgerListFilters extends LedgerEntryFilters {
  /** As for statement entries; a ledger entry is never CLOSED. */
  matchStatus?: string;
  /** Only entries not linked by any active match item. */
  unlinked?: boolean;
}

/** The amounts and release type of an entry, as a match or a settlement needs them. */
export interface EntryAmount {
  id: string;
  amount: bigint;
  currency: string;
  releaseType: string | null;
  closedAt: Date | null;
}

/**
 * What the review API reads and changes around matches: lists and details, the decisions
 * (status, links, pending settlements), entries set aside, and finalize/reopen. The inserts of
 * matches, links, discrepancies and settlements stay in MatchingRepository.
 */
export class MatchReviewRepository {
  constructor(private readonly database: Database) {}

  async listMatches(tenantId: string, reconciliationId: string, filters: MatchFilters, page: PageRequest): Promise<Page<MatchWithEntries>> {
    const query = this.database.manager
      .getRepository(MatchEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.reconciliation_id = :reconciliationId', { tenantId, reconciliationId })
      .orderBy('m.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('m.id < :after', { after: page.after });
    // Withdrawn proposals of earlier passes are history, not something to review.
    if (filters.status) query.andWhere('m.status = :status', { status: filters.status });
    else query.andWhere(`m.status <> 'SUPERSEDED'`);
    if (filters.method) query.andWhere('m.method = :method', { method: filters.method });
    const result = toPage(await query.getMany(), page.limit);
    return { data: this.withEntries(result.data), nextAfter: result.nextAfter };
  }

  async findMatch(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<MatchWithEntries | null> {
    const match = await tx.getRepository(MatchEntity).findOneBy({ tenantId, id });
    return match ? this.withEntries([match])[0] : null;
  }

  /** Both sides of a match as full entries, ordered by id. */
  async entriesOf(tenantId: string, match: MatchWithEntries): Promise<{ statement: StatementEntryEntity[]; ledger: LedgerEntryEntity[] }> {
    const manager = this.database.manager;
    const [statement, ledger] = await Promise.all([
      manager.getRepository(StatementEntryEntity).find({ where: { tenantId, id: In(match.statementEntryIds) }, order: { id: 'ASC' } }),
      manager.getRepository(LedgerEntryEntity).find({ where: { tenantId, id: In(match.ledgerEntryIds) }, order: { id: 'ASC' } }),
    ]);
    return { statement, ledger };
  }

  /** The statement entries among `ids` that belong to the reconciliation. */
  async statementAmounts(tx: Tx, tenantId: string, reconciliationId: string, ids: readonly string[]): Promise<Map<string, EntryAmount>> {
    const rows: { id: string; amount: string; currency: string; release_type: string | null; closed_at: Date | null }[] = await tx.query(
      `SELECT id, amount::text AS amount, currency, release_type, closed_at FROM statement_entries
        WHERE tenant_id = $1 AND reconciliation_id = $2 AND id = ANY($3::uuid[])`,
      [tenantId, reconciliationId, ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, amount: BigInt(r.amount), currency: r.currency, releaseType: r.release_type, closedAt: r.closed_at }]));
  }

  /** The ledger entries among `ids` that belong to the account. */
  async ledgerAmounts(tx: Tx, tenantId: string, accountId: string, ids: readonly string[]): Promise<Map<string, EntryAmount>> {
    const rows: { id: string; amount: string; currency: string }[] = await tx.query(
      `SELECT id, amount::text AS amount, currency FROM ledger_entries WHERE tenant_id = $1 AND account_id = $2 AND id = ANY($3::uuid[])`,
      [tenantId, accountId, ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, amount: BigInt(r.amount), currency: r.currency, releaseType: null, closedAt: null }]));
  }

  /** Those of `ids` linked by an active match item (of any reconciliation). */
  async activelyMatched(tx: Tx, ids: readonly string[]): Promise<Set<string>> {
    const rows: { entry_id: string }[] = await tx.query(`SELECT entry_id FROM match_items WHERE entry_id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((row) => row.entry_id));
  }

  /** Records a decision: the new status, who and when, and the note when one is given. */
  async decide(tx: Tx, match: MatchEntity, status: MatchStatus, decidedBy: string, note: string | undefined): Promise<void> {
    const rows = updated<{ decided_at: Date }>(await tx.query(
      `UPDATE matches SET status = $2, decided_at = now(), decided_by = $3, note = CASE WHEN $4::boolean THEN $5 ELSE note END
        WHERE id = $1 RETURNING decided_at`,
      [match.id, status, decidedBy, note !== undefined, note ?? null],
    ));
    Object.assign(match, { status, decidedBy, decidedAt: rows[0].decided_at, ...(note !== undefined && { note }) });
  }

  /** Who made a match that was decided as it was created (a manual match). */
  async stampDecision(tx: Tx, matchId: string, decidedBy: string): Promise<void> {
    await tx.query(`UPDATE matches SET decided_at = now(), decided_by = $2 WHERE id = $1`, [matchId, decidedBy]);
  }

  async updateNote(tx: Tx, match: MatchEntity, note: string | null): Promise<void> {
    await tx.query(`UPDATE matches SET note = $2 WHERE id = $1`, [match.id, note]);
    match.note = note;
  }

  /**
   * Takes a match apart (rejected or unmatched): its links are released, the settlements the
   * ERP has not acted on are withdrawn, and so are the discrepancies nobody has looked at.
   */
  async release(tx: Tx, matchId: string): Promise<void> {
    await tx.query(releaseLinksSql(`SELECT id, statement_entry_ids, ledger_entry_ids FROM matches WHERE id = $1`), [matchId]);
    await tx.query(`DELETE FROM settlements WHERE ${settlementsOfMatchSql('$1')} AND status = 'PENDING'`, [matchId]);
    await tx.query(`DELETE FROM discrepancies WHERE match_id = $1 AND status = 'OPEN' AND resolution = 'PENDING'`, [matchId]);
  }

  async findStatementEntry(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<StatementEntryEntity | null> {
    return tx.getRepository(StatementEntryEntity).findOneBy({ tenantId, id });
  }

  /** Sets an entry aside: it no longer counts as unmatched. */
  async closeStatementEntry(tx: Tx, entry: StatementEntryEntity, reason: string, note: string | null): Promise<void> {
    const rows = updated<{ closed_at: Date }>(await tx.query(
      `UPDATE statement_entries SET closed_at = now(), closed_reason = $2, closed_note = $3 WHERE id = $1 RETURNING closed_at`,
      [entry.id, reason, note],
    ));
    Object.assign(entry, { closedAt: rows[0].closed_at, closedReason: reason, closedNote: note });
  }

  async reopenStatementEntry(tx: Tx, entry: StatementEntryEntity): Promise<void> {
    await tx.query(`UPDATE statement_entries SET closed_at = NULL, closed_reason = NULL, closed_note = NULL WHERE id = $1`, [entry.id]);
    Object.assign(entry, { closedAt: null, closedReason: null, closedNote: null });
  }

  async listStatementEntries(tenantId: string, reconciliationId: string, filters: StatementListFilters, page: PageRequest): Promise<Page<StatementEntryEntity>> {
    const query = this.database.manager
      .getRepository(StatementEntryEntity)
      .createQueryBuilder('se')
      .where('se.tenant_id = :tenantId AND se.reconciliation_id = :reconciliationId', { tenantId, reconciliationId })
      .orderBy('se.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('se.id < :after', { after: page.after });
    if (filters.releaseType) query.andWhere('se.release_type = :releaseType', { releaseType: filters.releaseType });
    if (filters.externalId) query.andWhere('se.external_id = :externalId', { externalId: filters.externalId });
    if (filters.matchStatus === 'CLOSED') query.andWhere('se.closed_at IS NOT NULL');
    else if (filters.matchStatus === 'UNMATCHED') query.andWhere(`se.closed_at IS NULL AND ${noActiveLink('se')}`);
    else if (filters.matchStatus) whereInActive(query, 'se', filters.matchStatus);
    return toPage(await query.getMany(), page.limit);
  }

  /** Ledger entries of an account, filtered by date (e.g. a reconciliation's reach) and match status. */
  async listLedgerEntries(tenantId: string, accountId: string, filters: LedgerListFilters, page: PageRequest): Promise<Page<LedgerEntryEntity>> {
    const query = this.database.manager
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('le')
      .where('le.tenant_id = :tenantId AND le.account_id = :accountId', { tenantId, accountId })
      .orderBy('le.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('le.id < :after', { after: page.after });
    if (filters.dateFrom) query.andWhere('le.entry_date >= :dateFrom', { dateFrom: filters.dateFrom });
    if (filters.dateTo) query.andWhere('le.entry_date <= :dateTo', { dateTo: filters.dateTo });
    if (filters.kind) query.andWhere('le.kind = :kind', { kind: filters.kind });
    if (filters.externalId) query.andWhere('le.external_id = :externalId', { externalId: filters.externalId });
    if (filters.unlinked || filters.matchStatus === 'UNMATCHED') query.andWhere(noActiveLink('le'));
    // Ledger entries are never set aside: nothing is CLOSED.
    if (filters.matchStatus === 'CLOSED') query.andWhere('false');
    else if (filters.matchStatus === 'MATCHED' || filters.matchStatus === 'SUGGESTED') whereInActive(query, 'le', filters.matchStatus);
    return toPage(await query.getMany(), page.limit);
  }

  /** CLOSED, keeping the status to return to; finalizedAt/By recorded. */
  async finalize(tx: Tx, reconciliation: ReconciliationEntity, finalizedBy: string): Promise<void> {
    const rows = updated<{ finalized_at: Date; updated_at: Date }>(await tx.query(
      `UPDATE reconciliations SET status = 'CLOSED', previous_status = status, finalized_at = now(), finalized_by = $2, updated_at = now()
        WHERE id = $1 RETURNING finalized_at, updated_at`,
      [reconciliation.id, finalizedBy],
    ));
    Object.assign(reconciliation, {
      previousStatus: reconciliation.status,
      status: 'CLOSED',
      finalizedAt: rows[0].finalized_at,
      finalizedBy,
      updatedAt: rows[0].updated_at,
    });
  }

  /** Back to the status it had when finalized; the finalization marks are cleared. */
  async reopen(tx: Tx, reconciliation: ReconciliationEntity): Promise<void> {
    const status = reconciliation.previousStatus ?? 'PENDING';
    const rows = updated<{ updated_at: Date }>(await tx.query(
      `UPDATE reconciliations SET status = $2, previous_status = 'CLOSED', finalized_at = NULL, finalized_by = NULL, updated_at = now()
        WHERE id = $1 RETURNING updated_at`,
      [reconciliation.id, status],
    ));
    Object.assign(reconciliation, { status, previousStatus: 'CLOSED', finalizedAt: null, finalizedBy: null, updatedAt: rows[0].updated_at });
  }

  /** Every match an entry has been in (any status, newest first), with both sides' ids. */
  async matchesOfEntry(tenantId: string, entryId: string): Promise<MatchWithEntries[]> {
    const matches = await this.database.manager
      .getRepository(MatchEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId', { tenantId })
      .andWhere(`m.id IN (${matchIdsOfEntrySql(':entryId')})`, { entryId })
      .orderBy('m.id', 'DESC')
      .limit(100)
      .getMany();
    return this.withEntries(matches);
  }

  /**
   * External ids of the batch whose amount would change although the entry is in an active
   * accepted match: the settled amount of an order cannot be rewritten under its match.
   */
  async lockedAmountChanges(tx: Tx, accountId: string, changes: readonly { externalId: string; amount: bigint }[]): Promise<string[]> {
    if (changes.length === 0) return [];
    const rows: { external_id: string }[] = await tx.query(
      `SELECT le.external_id FROM unnest($2::text[], $3::bigint[]) AS input(external_id, amount)
         JOIN ledger_entries le ON le.account_id = $1 AND le.external_id = input.external_id AND le.amount <> input.amount
        WHERE EXISTS (SELECT 1 FROM match_items mi JOIN matches m ON m.id = mi.match_id
                       WHERE mi.entry_id = le.id AND m.status = 'ACCEPTED')
        ORDER BY le.external_id LIMIT 100`,
      [accountId, changes.map((change) => change.externalId), changes.map((change) => change.amount.toString())],
    );
    return rows.map((row) => row.external_id);
  }

  /** The matches with their entry ids in order (they are stored as the match was made). */
  private withEntries(matches: MatchEntity[]): MatchWithEntries[] {
    for (const match of matches) {
      match.statementEntryIds.sort();
      match.ledgerEntryIds.sort();
    }
    return matches;
  }
}

/** The rows of an UPDATE ... RETURNING: TypeORM answers UPDATE and DELETE as [rows, count]. */
function updated<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

function noActiveLink(alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM match_items mi WHERE mi.entry_id = ${alias}.id)`;
}

/** In an active match of the given kind: MATCHED = ACCEPTED, SUGGESTED = SUGGESTED. */
function whereInActive<T extends object>(query: SelectQueryBuilder<T>, alias: string, matchStatus: string): void {
  const status = matchStatus === 'MATCHED' ? 'ACCEPTED' : 'SUGGESTED';
  query.andWhere(
    `EXISTS (SELECT 1 FROM match_items mi JOIN matches m ON m.id = mi.match_id WHERE mi.entry_id = ${alias}.id AND m.status = :linkStatus)`,
    { linkStatus: status },
  );
}
