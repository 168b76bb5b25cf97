import type { Tx } from '../database';
import { textArrayLiteral } from './sql-literals';

/** A validated statement entry ready to store: money already in minor units. */
export interface StatementEntryRow {
  id: string;
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

/**
 * One statement per batch through unnest(). A row whose external_id is already stored in the
 * reconciliation (or repeats an earlier row of the batch) is skipped and counted as a duplicate.
 */
const INSERT_SQL = `
WITH inserted AS (
INSERT INTO statement_entries (id, tenant_id, reconciliation_id, account_id, external_id, amount, currency,
                               entry_date, value_date, release_type, refs, description, status, counterparty, metadata)
SELECT id, $1, $2, $3, external_id, amount, currency, entry_date, value_date, release_type,
       refs::text[], description, status, counterparty, metadata::jsonb
  FROM unnest($4::uuid[], $5::text[], $6::bigint[], $7::text[], $8::date[], $9::date[], $10::text[], $11::text[],
              $12::text[], $13::text[], $14::text[], $15::text[])
    AS t(id, external_id, amount, currency, entry_date, value_date, release_type, refs, description, status, counterparty, metadata)
ON CONFLICT (reconciliation_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
RETURNING amount, currency)
SELECT count(*) AS created, coalesce(sum(amount) FILTER (WHERE currency = $16), 0) AS total FROM inserted`;

export interface InsertedStatementEntries {
  /** Rows stored; the rest repeated an external id. */
  created: number;
  /** Sum of the stored rows in the reconciliation's currency, minor units. */
  total: bigint;
}

export class StatementEntryRepository {
  /** Inserts the rows; duplicates by external id are skipped. `currency` is the reconciliation's, for the total. */
  async insert(
    tx: Tx,
    target: { tenantId: string; reconciliationId: string; accountId: string; currency: string },
    rows: StatementEntryRow[],
  ): Promise<InsertedStatementEntries> {
    if (rows.length === 0) return { created: 0, total: 0n };
    const { tenantId, reconciliationId, accountId } = target;
    const result: { created: string; total: string }[] = await tx.query(INSERT_SQL, [
      tenantId,
      reconciliationId,
      accountId,
      rows.map((r) => r.id),
      rows.map((r) => r.externalId),
      rows.map((r) => r.amount.toString()),
      rows.map((r) => r.currency),
      rows.map((r) => r.entryDate),
      rows.map((r) => r.valueDate),
      rows.map((r) => r.releaseType),
      rows.map((r) => textArrayLiteral(r.refs)),
      rows.map((r) => r.description),
      rows.map((r) => r.status),
      rows.map((r) => r.counterparty),
      rows.map((r) => (r.metadata === null ? null : JSON.stringify(r.metadata))),
      target.currency,
    ]);
    return { created: Number(result[0].created), total: BigInt(result[0].total) };
  }

}
