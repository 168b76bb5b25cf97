import type { Database, Tx } from '../database';
import { textArrayLiteral } from './sql-literals';
import { LedgerEntryEntity } from '../entities';

/** A validated ledger entry ready to store: money already in minor units. */
export interface LedgerEntryRow {
  id: string;
  externalId: string;
  kind: string;
  amount: bigint;
  currency: string;
  entryDate: string;
  expectedSettlementDate: string | null;
  status: string | null;
  refs: string[];
  description: string | null;
  counterparty: string | null;
  metadata: Record<string, unknown> | null;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface LedgerEntryFilters {
  dateFrom?: string;
  dateTo?: string;
  kind?: string;
  externalId?: string;
}

/**
 * One statement per batch: the rows travel as parallel arrays through unnest() and are
 * upserted by (account_id, external_id). Rows whose content did not change are not written
 * (the WHERE on DO UPDATE), so a repeated batch costs reads, not writes. Rows are written in
 * externalId order, so concurrent batches that overlap in any order wait for each other
 * instead of deadlocking.
 */
const UPSERT_SQL = `
WITH input AS (
  SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::date[], $9::date[],
                       $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
    AS t(id, external_id, kind, amount, currency, entry_date, expected_settlement_date, status, refs, description, counterparty, metadata)
)
INSERT INTO ledger_entries AS le (id, tenant_id, account_id, external_id, kind, amount, currency, entry_date,
                                  expected_settlement_date, status, refs, description, counterparty, metadata)
SELECT id, $1, $2, external_id, kind, amount, currency, entry_date, expected_settlement_date, status,
       refs::text[], description, counterparty, metadata::jsonb
  FROM input
 ORDER BY external_id COLLATE "C"
ON CONFLICT (account_id, external_id) DO UPDATE SET
  kind = EXCLUDED.kind, amount = EXCLUDED.amount, currency = EXCLUDED.currency, entry_date = EXCLUDED.entry_date,
  expected_settlement_date = EXCLUDED.expected_settlement_date, status = EXCLUDED.status, refs = EXCLUDED.refs,
  description = EXCLUDED.description, counterparty = EXCLUDED.counterparty, metadata = EXCLUDED.metadata,
  updated_at = now()
WHERE (le.kind, le.amount, le.currency, le.entry_date, le.expected_settlement_date, le.status, le.refs,
       le.description, le.counterparty, le.metadata)
  IS DISTINCT FROM
      (EXCLUDED.kind, EXCLUDED.amount, EXCLUDED.currency, EXCLUDED.entry_date, EXCLUDED.expected_settlement_date,
       EXCLUDED.status, EXCLUDED.refs, EXCLUDED.description, EXCLUDED.counterparty, EXCLUDED.metadata)
RETURNING (xmax = 0) AS created`;

export class LedgerEntryRepository {
  constructor(private readonly database: Database) {}

  async upsert(tx: Tx, tenantId: string, accountId: string, rows: LedgerEntryRow[]): Promise<UpsertCounts> {
    if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };
    const result: { created: boolean }[] = await tx.query(UPSERT_SQL, [
      tenantId,
      accountId,
      rows.map((r) => r.id),
      rows.map((r) => r.externalId),
      rows.map((r) => r.kind),
      rows.map((r) => r.amount.toString()),
      rows.map((r) => r.currency),
      rows.map((r) => r.entryDate),
      rows.map((r) => r.expectedSettlementDate),
      rows.map((r) => r.status),
      rows.map((r) => textArrayLiteral(r.refs)),
      rows.map((r) => r.description),
      rows.map((r) => r.counterparty),
      rows.map((r) => (r.metadata === null ? null : JSON.stringify(r.metadata))),
    ]);
    const created = result.filter((row) => row.created).length;
    const updated = result.length - created;
    return { created, updated, unchanged: rows.length - result.length };
  }

  /**
   * Serialises the writers of one account's ledger until the transaction ends. A file is upserted
   * in many batches, each sorted but not all together: without this lock a JSON upsert of the
   * same externalIds could lock them in the other order and deadlock.
   */
  async lockLedger(tx: Tx, accountId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('ledger:' || $1, 0))`, [accountId]);
  }

  findById(tenantId: string, id: string): Promise<LedgerEntryEntity | null> {
    return this.database.manager.getRepository(LedgerEntryEntity).findOneBy({ tenantId, id });
  }

}
