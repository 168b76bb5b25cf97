import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Database, Tx } from '../database';
import { ImportEntity, ImportProfileEntity } from '../entities';
import { copyRows, type CopyValue } from './copy-rows';
import { type Page, type PageRequest, toPage } from './pagination';
import { textArrayLiteral } from './sql-literals';
import { refreshSummary } from './summary';

export type NewImport = Pick<
  ImportEntity,
  'id' | 'tenantId' | 'accountId' | 'reconciliationId' | 'side' | 'format' | 'status' | 'fileName' | 'sizeBytes' | 'sha256' | 'profileId' | 'createdBy'
> &
  Partial<Pick<ImportEntity, 'imported' | 'duplicates' | 'skipped' | 'details' | 'failureCode' | 'errors'>>;

export type ImportChanges = Partial<Pick<ImportEntity, 'status' | 'imported' | 'duplicates' | 'skipped' | 'details' | 'deletedAt'>>;

/** Where an import belongs: a reconciliation (statement files) or an account (ledger files). */
export type ImportOwner = { side: 'STATEMENT'; reconciliationId: string } | { side: 'LEDGER'; accountId: string };

/** A statement row read from a file, ready for COPY into the staging table. */
export interface StagedStatementRow {
  id: string;
  line: number;
  externalId: string | null;
  amount: bigint;
  currency: string;
  entryDate: string;
  valueDate: string | null;
  releaseType: string | null;
  refs: string[];
  description: string | null;
  status: string | null;
  counterparty: string | null;
  metadata: Record<string, unknown> | null;
}

const STAGING_TABLE = 'import_statement_rows';
const STAGING_COLUMNS = [
  'id', 'line', 'external_id', 'amount', 'currency', 'entry_date', 'value_date', 'release_type', 'refs', 'description', 'status', 'counterparty', 'metadata',
] as const;

/**
 * Rows without an externalId get a key from their content and their occurrence in the file:
 * identical rows in one file are all kept (#1, #2, ...), and the same rows in a later file that
 * overlaps this one are recognised as duplicates. Any unique conflict (externalId or row key)
 * skips the row; the caller counts those as duplicates.
 */
const INSERT_STAGED_SQL = `
WITH keyed AS (
  SELECT s.*, NULL::text AS content, NULL::text AS import_row_key FROM ${STAGING_TABLE} s WHERE s.external_id IS NOT NULL
  UNION ALL
  SELECT h.*, h.content || ':' || row_number() OVER (PARTITION BY h.content ORDER BY h.line)
    FROM (SELECT s.*, md5(row(s.amount, s.currency, s.entry_date, s.value_date, s.release_type, s.refs, s.description, s.status, s.counterparty)::text) AS content
            FROM ${STAGING_TABLE} s WHERE s.external_id IS NULL) h),
inserted AS (
  INSERT INTO statement_entries (id, tenant_id, reconciliation_id, account_id, external_id, amount, currency, entry_date, value_date,
                                 release_type, refs, description, status, counterparty, metadata, import_id, import_row_key)
  SELECT id, $1, $2, $3, external_id, amount, currency, entry_date, value_date, release_type, refs::text[], description, status,
         counterparty, metadata::jsonb, $4, import_row_key
    FROM keyed ORDER BY line
  ON CONFLICT DO NOTHING
  RETURNING amount, currency)
SELECT count(*) AS created, coalesce(sum(amount) FILTER (WHERE currency = $5), 0) AS total FROM inserted`;

export class ImportRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, values: NewImport): Promise<ImportEntity> {
    const repository = tx.getRepository(ImportEntity);
    return repository.save(repository.create(values));
  }

  async update(tx: Tx, entity: ImportEntity, changes: ImportChanges): Promise<void> {
    await tx.getRepository(ImportEntity).update({ id: entity.id }, changes as QueryDeepPartialEntity<ImportEntity>);
    Object.assign(entity, changes);
  }

  /** The completed import of this very file (by sha256) for the same reconciliation or account. */
  findCompleted(owner: ImportOwner, sha256: string, tx: Tx = this.database.manager): Promise<ImportEntity | null> {
    const where = owner.side === 'STATEMENT' ? { reconciliationId: owner.reconciliationId } : { accountId: owner.accountId };
    return tx.getRepository(ImportEntity).findOneBy({ ...where, side: owner.side, sha256, status: 'COMPLETED' });
  }

  findById(tenantId: string, id: string): Promise<ImportEntity | null> {
    return this.database.manager.getRepository(ImportEntity).findOneBy({ tenantId, id });
  }

  lockById(tx: Tx, tenantId: string, id: string): Promise<ImportEntity | null> {
    return tx.getRepository(ImportEntity).createQueryBuilder('i').setLock('pessimistic_write').where('i.tenant_id = :tenantId AND i.id = :id', { tenantId, id }).getOne();
  }

  async list(tenantId: string, owner: ImportOwner, page: PageRequest): Promise<Page<ImportEntity>> {
    const query = this.database.manager
      .getRepository(ImportEntity)
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenantId AND i.side = :side', { tenantId, side: owner.side })
      .orderBy('i.id', 'DESC')
      .limit(page.limit + 1);
    if (owner.side === 'STATEMENT') query.andWhere('i.reconciliation_id = :id', { id: owner.reconciliationId });
    else query.andWhere('i.account_id = :id', { id: owner.accountId });
    if (page.after) query.andWhere('i.id < :after', { after: page.after });
    return toPage(await query.getMany(), page.limit);
  }

  /** A scratch table for one file's rows, dropped when the transaction ends (commit or rollback). */
  async createStatementStaging(tx: Tx): Promise<void> {
    await tx.query(
      `CREATE TEMP TABLE ${STAGING_TABLE} (id uuid, line integer, external_id text, amount bigint, currency text, entry_date date,
         value_date date, release_type text, refs text, description text, status text, counterparty text, metadata text) ON COMMIT DROP`,
    );
  }

  /** Streams rows into the staging table with COPY: the file is never whole in memory. */
  stageStatementRows(tx: Tx, rows: AsyncIterable<StagedStatementRow>): Promise<void> {
    return copyRows(tx, STAGING_TABLE, STAGING_COLUMNS, toCopyValues(rows));
  }

  /** Moves the staged rows into the reconciliation; repeats of stored rows are skipped. */
  async insertStagedStatementEntries(
    tx: Tx,
    target: { tenantId: string; reconciliationId: string; accountId: string; currency: string; importId: string },
  ): Promise<{ created: number; total: bigint }> {
    const [row]: { created: string; total: string }[] = await tx.query(INSERT_STAGED_SQL, [
      target.tenantId,
      target.reconciliationId,
      target.accountId,
      target.importId,
      target.currency,
    ]);
    return { created: Number(row.created), total: BigInt(row.total) };
  }

  /** True when any entry of the import is in an accepted match. */
  async hasAcceptedEntries(tx: Tx, importEntity: ImportEntity): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM statement_entries se
         JOIN match_items mi ON mi.entry_id = se.id AND mi.active
         JOIN matches m ON m.id = mi.match_id AND m.status = 'ACCEPTED'
        WHERE se.import_id = $1 LIMIT 1`,
      [importEntity.id],
    );
    return rows.length > 0;
  }

  /**
   * Removes the import's entries with every match that involved them (their other entries return
   * to unmatched) and the discrepancies about them, then refreshes the reconciliation's counters
   * and summary. The caller has checked that none is in an accepted match.
   */
  async deleteStatementEntries(tx: Tx, importEntity: ImportEntity, reconciliationCurrency: string): Promise<{ deleted: number }> {
    const reconciliationId = importEntity.reconciliationId as string;
    await tx.query(
      `WITH gone AS (SELECT id FROM statement_entries WHERE import_id = $1),
            touched AS (SELECT DISTINCT mi.match_id FROM matches m JOIN match_items mi ON mi.match_id = m.id
                         WHERE m.reconciliation_id = $2 AND mi.entry_id IN (SELECT id FROM gone)),
            d AS (DELETE FROM discrepancies WHERE reconciliation_id = $2
                     AND (match_id IN (SELECT match_id FROM touched) OR statement_entry_ids && ARRAY(SELECT id FROM gone))),
            i AS (DELETE FROM match_items WHERE match_id IN (SELECT match_id FROM touched))
       DELETE FROM matches WHERE id IN (SELECT match_id FROM touched)`,
      [importEntity.id, reconciliationId],
    );
    const [removed]: { count: string; total: string }[] = await tx.query(
      `WITH deleted AS (DELETE FROM statement_entries WHERE import_id = $1 RETURNING amount, currency)
       SELECT count(*) AS count, coalesce(sum(amount) FILTER (WHERE currency = $2), 0) AS total FROM deleted`,
      [importEntity.id, reconciliationCurrency],
    );
    await tx.query(
      `UPDATE reconciliations SET statement_entry_count = statement_entry_count - $2, statement_entry_total = statement_entry_total - $3,
              updated_at = now() WHERE id = $1`,
      [reconciliationId, Number(removed.count), removed.total],
    );
    await refreshSummary(tx, reconciliationId);
    return { deleted: Number(removed.count) };
  }
}

async function* toCopyValues(rows: AsyncIterable<StagedStatementRow>): AsyncGenerator<CopyValue[]> {
  for await (const row of rows) {
    yield [
      row.id,
      row.line,
      row.externalId,
      row.amount,
      row.currency,
      row.entryDate,
      row.valueDate,
      row.releaseType,
      textArrayLiteral(row.refs),
      row.description,
      row.status,
      row.counterparty,
      row.metadata === null ? null : JSON.stringify(row.metadata),
    ];
  }
}

export type NewImportProfile = Pick<ImportProfileEntity, 'id' | 'tenantId' | 'name' | 'format' | 'settings'>;

/** Tenants' CSV mappings; names are unique per tenant. */
export class ImportProfileRepository {
  constructor(private readonly database: Database) {}

  async insert(values: NewImportProfile): Promise<ImportProfileEntity> {
    const repository = this.database.manager.getRepository(ImportProfileEntity);
    return repository.save(repository.create(values));
  }

  findById(tenantId: string, id: string): Promise<ImportProfileEntity | null> {
    return this.database.manager.getRepository(ImportProfileEntity).findOneBy({ tenantId, id });
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ImportProfileEntity>> {
    const query = this.database.manager
      .getRepository(ImportProfileEntity)
      .createQueryBuilder('p')
      .where('p.tenant_id = :tenantId', { tenantId })
      .orderBy('p.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('p.id < :after', { after: page.after });
    return toPage(await query.getMany(), page.limit);
  }

  async update(profile: ImportProfileEntity, changes: Partial<Pick<ImportProfileEntity, 'name' | 'settings'>>): Promise<ImportProfileEntity> {
    const repository = this.database.manager.getRepository(ImportProfileEntity);
    Object.assign(profile, changes);
    return repository.save(profile);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.database.manager.getRepository(ImportProfileEntity).delete({ tenantId, id });
    return (result.affected ?? 0) > 0;
  }
}

