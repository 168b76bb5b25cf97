import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Database, Tx } from '../database';
import { ImportEntity, ImportProfileEntity } from '../entities';
import { copyOut, copyRows, type CopyValue, sqlLiteral } from './copy-rows';
import { type Page, type PageRequest, toPage } from './pagination';
import { textArrayLiteral } from './sql-literals';
import type { StatementEntryRow } from './statement-entry.repository';
import { matchIdsOfEntrySql } from './match-links';
import { refreshSummary } from './summary';

export type NewImport = Pick<
  ImportEntity,
  'id' | 'tenantId' | 'accountId' | 'reconciliationId' | 'side' | 'format' | 'status' | 'fileName' | 'sizeBytes' | 'sha256' | 'profileId' | 'createdBy'
> &
  Partial<Pick<ImportEntity, 'imported' | 'duplicates' | 'skipped' | 'details' | 'failureCode' | 'errors'>>;

export type ImportChanges = Partial<Pick<ImportEntity, 'status' | 'imported' | 'duplicates' | 'skipped' | 'details' | 'deletedAt'>>;

/** Where an import belongs: a reconciliation (statement files) or an account (ledger files). */
export type ImportOwner = { side: 'STATEMENT'; reconciliationId: string } | { side: 'LEDGER'; accountId: string };

/** A statement row read from a file, checked against the stored keys, ready for COPY. */
export interface ImportedStatementRow extends StatementEntryRow {
  /** For rows without an externalId: content fingerprint and occurrence in the file (see StatementEntryEntity.importRowKey). */
  importRowKey: string | null;
}

const ENTRY_COLUMNS = [
  'id', 'tenant_id', 'reconciliation_id', 'account_id', 'import_id', 'external_id', 'import_row_key', 'amount', 'currency', 'entry_date',
  'value_date', 'release_type', 'refs', 'description', 'status', 'counterparty', 'metadata',
] as const;

/** The keys a reconciliation already holds, so a file's repeats are counted instead of stored. */
export interface StoredStatementKeys {
  externalIds: Set<string>;
  importRowKeys: Set<string>;
}

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

  /** The externalIds and row keys stored in the reconciliation, read under the caller's lock. */
  async storedStatementKeys(tx: Tx, reconciliationId: string): Promise<StoredStatementKeys> {
    const keys: StoredStatementKeys = { externalIds: new Set(), importRowKeys: new Set() };
    await copyOut(
      tx,
      `SELECT external_id, import_row_key FROM statement_entries WHERE reconciliation_id = ${sqlLiteral(reconciliationId, 'uuid')}
          AND (external_id IS NOT NULL OR import_row_key IS NOT NULL)`,
      ([externalId, rowKey]) => {
        if (externalId !== null) keys.externalIds.add(externalId);
        if (rowKey !== null) keys.importRowKeys.add(rowKey);
      },
    );
    return keys;
  }

  /**
   * Streams the file's rows straight into statement_entries with COPY, in the caller's
   * transaction: one write per row, overlapping the reading of the file. The caller holds the
   * reconciliation's lock (every writer of its entries takes it) and has removed the rows that
   * repeat stored keys, so a unique violation here means the file repeats an externalId.
   */
  copyStatementEntries(tx: Tx, target: { tenantId: string; reconciliationId: string; accountId: string; importId: string }, rows: AsyncIterable<ImportedStatementRow>): Promise<void> {
    return copyRows(tx, 'statement_entries', ENTRY_COLUMNS, entryValues(target, rows));
  }

  /**
   * Why the import's entries cannot be removed, or null: removing them must lose no decision and
   * no data. Refused when one of them is in a match a person or the auto-accept decided (accepted,
   * rejected, unmatched, manual), in a discrepancy someone reviewed, or when a later import of the
   * reconciliation counted rows as duplicates (they may be this import's, and would vanish with it).
   */
  async deletionBlocker(tx: Tx, importEntity: ImportEntity): Promise<string | null> {
    const [decided]: { n: string }[] = await tx.query(
      `SELECT count(*) AS n FROM statement_entries se
         CROSS JOIN LATERAL (${matchIdsOfEntrySql('se.id')}) mi
         JOIN matches m ON m.id = mi.match_id
        WHERE se.import_id = $1 AND (m.method = 'MANUAL' OR m.status NOT IN ('SUGGESTED', 'SUPERSEDED'))`,
      [importEntity.id],
    );
    if (Number(decided.n) > 0) return 'Some entries of this import are in matches that were accepted, rejected or made by hand; unmatch them first.';
    const [reviewed]: { n: string }[] = await tx.query(
      `SELECT count(*) AS n FROM discrepancies d
        WHERE d.reconciliation_id = $2 AND (d.status <> 'OPEN' OR d.resolution <> 'PENDING')
          AND d.statement_entry_ids && ARRAY(SELECT id FROM statement_entries WHERE import_id = $1)`,
      [importEntity.id, importEntity.reconciliationId],
    );
    if (Number(reviewed.n) > 0) return 'Some entries of this import are in discrepancies that were reviewed or resolved.';
    const [later]: { id: string }[] = await tx.query(
      `SELECT id FROM imports WHERE reconciliation_id = $1 AND status = 'COMPLETED' AND id > $2 AND duplicates > 0 ORDER BY id LIMIT 1`,
      [importEntity.reconciliationId, importEntity.id],
    );
    if (later) return `Import ${later.id}, uploaded later, counted rows as duplicates that may be this import's; delete it first.`;
    return null;
  }

  /**
   * Removes the import's entries with the matcher's proposals that involved them (their other
   * entries return to unmatched) and the open discrepancies about them, then refreshes the
   * reconciliation's counters and summary. The caller has checked deletionBlocker().
   */
  async deleteStatementEntries(tx: Tx, importEntity: ImportEntity, reconciliationCurrency: string): Promise<{ deleted: number }> {
    const reconciliationId = importEntity.reconciliationId as string;
    await tx.query(
      `WITH gone AS (SELECT id FROM statement_entries WHERE import_id = $1),
            touched AS (SELECT DISTINCT m.id AS match_id FROM gone g CROSS JOIN LATERAL (${matchIdsOfEntrySql('g.id')}) mi
                          JOIN matches m ON m.id = mi.match_id WHERE m.reconciliation_id = $2),
            links AS (SELECT m.id AS match_id, unnest(m.statement_entry_ids || m.ledger_entry_ids) AS entry_id
                        FROM matches m WHERE m.id IN (SELECT match_id FROM touched)),
            d AS (DELETE FROM discrepancies WHERE reconciliation_id = $2
                     AND (match_id IN (SELECT match_id FROM touched) OR statement_entry_ids && ARRAY(SELECT id FROM gone))),
            i AS (DELETE FROM match_items mi USING links l WHERE mi.entry_id = l.entry_id AND mi.match_id = l.match_id),
            r AS (DELETE FROM released_match_items ri USING links l WHERE ri.entry_id = l.entry_id AND ri.match_id = l.match_id)
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

async function* entryValues(
  target: { tenantId: string; reconciliationId: string; accountId: string; importId: string },
  rows: AsyncIterable<ImportedStatementRow>,
): AsyncGenerator<CopyValue[]> {
  const { tenantId, reconciliationId, accountId, importId } = target;
  for await (const row of rows) {
    yield [
      row.id,
      tenantId,
      reconciliationId,
      accountId,
      importId,
      row.externalId,
      row.importRowKey,
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

