import type { Tx } from '../database';

/*
 * An account's ledger version (table ledger_versions) moves whenever what its reconciliations
 * see of its ledger may have changed: ledger entries written, matches made or taken apart (which
 * moves entries in and out of other reconciliations' reach), matching rules replaced (the date
 * window sets the reach). Each writer moves it as the last write of its transaction, so the row
 * is locked only until that commit.
 *
 * A matching pass reads the version before it reads anything, and moves it at commit: when the
 * move lands on exactly one more than it read, no other change committed in between and none
 * can before its own commit (it holds the row), so the ledger side of its summary may come from
 * what it read instead of a query over every ledger entry in reach.
 */

/** The account's ledger version now (0 before its first change). */
export async function readLedgerVersion(tx: Tx, accountId: string): Promise<bigint> {
  const rows: { version: string }[] = await tx.query(`SELECT version::text FROM ledger_versions WHERE account_id = $1`, [accountId]);
  return rows.length === 0 ? 0n : BigInt(rows[0].version);
}

/** What runs SQL: a transaction, or a test's own connection (which writes as the API does). */
export interface SqlRunner {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/** Moves the account's ledger version on; returns the new version. Call it last in the transaction. */
export async function advanceLedgerVersion(tx: SqlRunner, accountId: string): Promise<bigint> {
  const rows = (await tx.query(
    `INSERT INTO ledger_versions AS v (account_id, version) VALUES ($1, 1)
     ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1 RETURNING version::text`,
    [accountId],
  )) as { version: string }[];
  return BigInt(rows[0].version);
}

/** As advanceLedgerVersion, for the account of a reconciliation. */
export async function advanceLedgerVersionOf(tx: Tx, reconciliationId: string): Promise<void> {
  await tx.query(
    `INSERT INTO ledger_versions AS v (account_id, version) SELECT account_id, 1 FROM reconciliations WHERE id = $1
     ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1`,
    [reconciliationId],
  );
}
