import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Database, Tx } from '../database';
import { ReconciliationEntity } from '../entities';
import { advanceLedgerVersion } from './ledger-version';
import { ACTIVE_MATCH_STATUSES, settlementsOfMatchSql } from './match-links';
import { type Page, type PageRequest, toPage } from './pagination';

export type NewReconciliation = Pick<
  ReconciliationEntity,
  'id' | 'tenantId' | 'accountId' | 'currency' | 'periodStart' | 'periodEnd' | 'mode' | 'expectedEntryCount' | 'note'
>;

export type ReconciliationChanges = Partial<
  Pick<
    ReconciliationEntity,
    | 'status'
    | 'previousStatus'
    | 'note'
    | 'runVersion'
    | 'rematchRequested'
    | 'progress'
    | 'submittedAt'
    | 'failureReason'
    | 'summary'
    | 'lastMatchedAt'
  >
>;

export interface ReconciliationFilters {
  accountId?: string;
  status?: string;
  /** Reconciliations whose period ends on or after this date. */
  periodFrom?: string;
  /** Reconciliations whose period starts on or before this date. */
  periodTo?: string;
}

export class ReconciliationRepository {
  constructor(private readonly database: Database) {}

  /**
   * Serialises the creation of an account's reconciliations until the transaction ends. Concurrent
   * inserts that the period exclusion constraint checks against each other wait on one another
   * and deadlock; one at a time, the second sees the first and gets the constraint's violation.
   */
  async lockPeriods(tx: Tx, accountId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('periods:' || $1, 0))`, [accountId]);
  }

  async insert(tx: Tx, reconciliation: NewReconciliation): Promise<ReconciliationEntity> {
    const repository = tx.getRepository(ReconciliationEntity);
    return repository.save(repository.create({ ...reconciliation, status: 'PENDING' }));
  }

  findById(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<ReconciliationEntity | null> {
    return tx.getRepository(ReconciliationEntity).findOneBy({ tenantId, id });
  }

  /** Reads and locks the row until `tx` ends: every state change of a reconciliation goes through here. */
  lockById(tx: Tx, tenantId: string, id: string): Promise<ReconciliationEntity | null> {
    return tx
      .getRepository(ReconciliationEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.tenant_id = :tenantId AND r.id = :id', { tenantId, id })
      .getOne();
  }

  async list(tenantId: string, filters: ReconciliationFilters, page: PageRequest): Promise<Page<ReconciliationEntity>> {
    const query = this.database.manager
      .getRepository(ReconciliationEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId', { tenantId })
      .orderBy('r.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('r.id < :after', { after: page.after });
    if (filters.accountId) query.andWhere('r.account_id = :accountId', { accountId: filters.accountId });
    if (filters.status) query.andWhere('r.status = :status', { status: filters.status });
    if (filters.periodFrom) query.andWhere('r.period_end >= :periodFrom', { periodFrom: filters.periodFrom });
    if (filters.periodTo) query.andWhere('r.period_start <= :periodTo', { periodTo: filters.periodTo });
    return toPage(await query.getMany(), page.limit);
  }

  async update(tx: Tx, reconciliation: ReconciliationEntity, changes: ReconciliationChanges): Promise<ReconciliationEntity> {
    await tx.getRepository(ReconciliationEntity).update({ id: reconciliation.id }, changes as QueryDeepPartialEntity<ReconciliationEntity>);
    Object.assign(reconciliation, changes);
    return reconciliation;
  }

  async addStatementEntries(tx: Tx, reconciliation: ReconciliationEntity, added: { created: number; total: bigint }): Promise<void> {
    if (added.created === 0) return;
    await tx.query(
      `UPDATE reconciliations SET statement_entry_count = statement_entry_count + $2, statement_entry_total = statement_entry_total + $3,
              updated_at = now() WHERE id = $1`,
      [reconciliation.id, added.created, added.total.toString()],
    );
    reconciliation.statementEntryCount += added.created;
    reconciliation.statementEntryTotal += added.total;
  }

  /**
   * The fencing check of a matching pass: the row, locked, only while the pass still holds the
   * current run_version and the reconciliation is PROCESSING. Null means a newer pass (or a
   * delete, or a person) took over, and this pass must not write.
   */
  lockForRun(tx: Tx, reconciliationId: string, runVersion: number): Promise<ReconciliationEntity | null> {
    return tx
      .getRepository(ReconciliationEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where("r.id = :reconciliationId AND r.run_version = :runVersion AND r.status = 'PROCESSING'", { reconciliationId, runVersion })
      .getOne();
  }

  /** Progress of a running pass, written only while the pass is current (no lock, no wait). */
  async reportProgress(reconciliationId: string, runVersion: number, progress: Record<string, unknown>): Promise<void> {
    await this.database.manager.query(
      `UPDATE reconciliations SET progress = $3 WHERE id = $1 AND run_version = $2 AND status = 'PROCESSING'`,
      [reconciliationId, runVersion, JSON.stringify(progress)],
    );
  }

  /** Reconciliations PROCESSING for longer than `olderThanMs`: candidates for the sweeper. */
  async processingSince(olderThanMs: number, limit: number): Promise<Pick<ReconciliationEntity, 'id' | 'tenantId' | 'runVersion'>[]> {
    const rows: { id: string; tenant_id: string; run_version: number }[] = await this.database.manager.query(
      `SELECT id, tenant_id, run_version FROM reconciliations
        WHERE status = 'PROCESSING' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, runVersion: row.run_version }));
  }

  async touch(reconciliationId: string): Promise<void> {
    await this.database.manager.query(`UPDATE reconciliations SET updated_at = now() WHERE id = $1`, [reconciliationId]);
  }

  /**
   * Whether the reconciliation holds anything the business has settled on: an accepted match,
   * or a settlement the ERP acted on (kept when its match was taken apart).
   */
  async hasSettledResults(tx: Tx, reconciliationId: string): Promise<boolean> {
    const [row]: { settled: boolean }[] = await tx.query(
      `SELECT EXISTS (SELECT 1 FROM matches WHERE reconciliation_id = $1 AND status = 'ACCEPTED')
           OR EXISTS (SELECT 1 FROM matches m WHERE m.reconciliation_id = $1 AND EXISTS (SELECT 1 FROM settlements WHERE ${settlementsOfMatchSql('m.id')})) AS settled`,
      [reconciliationId],
    );
    return row.settled;
  }

  /**
   * Deletes the reconciliation with everything of it: statement entries and imports (by cascade),
   * matches, their links (which free the ledger entries its active matches held for the account's
   * other reconciliations), discrepancies and runs. Call hasSettledResults first.
   */
  async delete(tx: Tx, reconciliation: ReconciliationEntity): Promise<void> {
    const linksOf = (table: string, statuses: string) =>
      `DELETE FROM ${table} li USING (SELECT id, unnest(statement_entry_ids || ledger_entry_ids) AS entry_id FROM matches
                                        WHERE reconciliation_id = $1 ${statuses}) l
        WHERE li.entry_id = l.entry_id AND li.match_id = l.id`;
    await tx.query(linksOf('match_items', `AND status IN ${ACTIVE_MATCH_STATUSES}`), [reconciliation.id]);
    await tx.query(linksOf('released_match_items', ''), [reconciliation.id]);
    for (const table of ['discrepancies', 'matches', 'matching_runs']) await tx.query(`DELETE FROM ${table} WHERE reconciliation_id = $1`, [reconciliation.id]);
    await tx.getRepository(ReconciliationEntity).delete({ id: reconciliation.id });
    await advanceLedgerVersion(tx, reconciliation.accountId);
  }
}
