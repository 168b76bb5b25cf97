import type { IngestApiHarness } from './ingest-api.harness';
import { seedMatch, type SeedMatchOptions } from '@concilia/testing';
export { expectProblem } from '@concilia/testing';

/** Review tests make many quick requests with one key: the per-key rate limit is tested elsewhere. */
export const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };

export interface ReviewSetup {
  tenantId: string;
  key: string;
  keyId: string;
  accountId: string;
  reconciliationId: string;
  /** Statement entry ids by externalId. */
  s: Record<string, string>;
  /** Ledger entry ids by externalId. */
  l: Record<string, string>;
}

type Entry = Record<string, unknown> & { externalId: string };

/**
 * A tenant, a BRL account, its ledger entries, and a MANUAL reconciliation of January 2026
 * holding the statement entries; ids are looked up by externalId.
 */
export async function reviewSetup(h: IngestApiHarness, statement: Entry[], ledger: Entry[], tenant?: { tenantId: string; key: string; keyId: string }): Promise<ReviewSetup> {
  const owner = tenant ?? (await h.api.createTenant());
  const account = await h.api.createAccount(owner.key);
  const ledgerIds = await addLedger(h, owner.key, account.id, ledger);
  const reconciliation = await h.api.createReconciliation(owner.key, account.id, {
    statementEntries: statement.map((entry) => ({ amount: '100.00', currency: 'BRL', date: '2026-01-10', ...entry })),
  });
  const rows = await h.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM statement_entries WHERE reconciliation_id = $1', [reconciliation.id]);
  return {
    ...owner,
    accountId: account.id,
    reconciliationId: reconciliation.id,
    s: Object.fromEntries(rows.map((row) => [row.external_id, row.id])),
    l: ledgerIds,
  };
}

/** Upserts ledger entries into an account; answers their ids by externalId. */
export async function addLedger(h: IngestApiHarness, key: string, accountId: string, ledger: Entry[]): Promise<Record<string, string>> {
  if (ledger.length > 0) {
    const entries = ledger.map((entry) => ({ kind: 'ORDER', amount: '100.00', currency: 'BRL', date: '2026-01-10', ...entry }));
    const response = await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries }, key);
    if (response.statusCode !== 200) throw new Error(`ledger entries: ${response.statusCode} ${response.body}`);
  }
  const rows = await h.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM ledger_entries WHERE account_id = $1', [accountId]);
  return Object.fromEntries(rows.map((row) => [row.external_id, row.id]));
}

/** A match as the matcher would have stored it (SQL, no worker); see seedMatch. */
export const insertMatch = (h: IngestApiHarness, setup: Pick<ReviewSetup, 'tenantId' | 'reconciliationId'>, sides: { statement: string[]; ledger: string[] }, options: SeedMatchOptions = {}) =>
  seedMatch(h.db, setup, sides, options);

export const setStatus = (h: IngestApiHarness, reconciliationId: string, status: string) =>
  h.db.query(`UPDATE reconciliations SET status = $2, previous_status = 'PARTIALLY_MATCHED' WHERE id = $1`, [reconciliationId, status]);

export const blockAccount = (h: IngestApiHarness, key: string, accountId: string) => h.api.patch(`/v1/accounts/${accountId}`, { status: 'BLOCKED' }, key);

/** Row counts of the review tables and the reconciliation's own state: compare around a refused request. */
export async function reviewState(h: IngestApiHarness, reconciliationId: string) {
  const [reconciliation] = await h.db.query('SELECT status, previous_status, summary, finalized_at FROM reconciliations WHERE id = $1', [reconciliationId]);
  return {
    reconciliation,
    matches: await h.db.query('SELECT id, status, note, decided_at, decided_by FROM matches WHERE reconciliation_id = $1 ORDER BY id', [reconciliationId]),
    items: await h.db.query('SELECT match_id, entry_id FROM match_items WHERE reconciliation_id = $1 ORDER BY match_id, entry_id', [reconciliationId]),
    releasedItems: await h.db.count('released_match_items', 'reconciliation_id = $1', [reconciliationId]),
    discrepancies: await h.db.count('discrepancies', 'reconciliation_id = $1', [reconciliationId]),
    settlements: await h.db.count('settlements', 'reconciliation_id = $1', [reconciliationId]),
    closedEntries: await h.db.count('statement_entries', 'reconciliation_id = $1 AND closed_at IS NOT NULL', [reconciliationId]),
    audit: await h.db.count('audit_events'),
    events: await h.db.count('events', `data->>'reconciliationId' = $1`, [reconciliationId]),
  };
}
