import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { advanceLedgerVersion, releaseLinksSql } from '@concilia/persistence';
import type { TestDatabase } from './test-database';

/** Rows written straight to the database, for tests of the workers (which never see HTTP). */
export interface SeededReconciliation {
  tenantId: string;
  accountId: string;
  reconciliationId: string;
}

export interface SeedEntry {
  id?: string;
  externalId?: string;
  amount: bigint;
  currency?: string;
  date: string;
  references?: string[];
  description?: string;
  status?: string;
  releaseType?: string;
}

export async function seedReconciliation(
  db: TestDatabase,
  options: { currency?: string; periodStart?: string; periodEnd?: string; rules?: Record<string, unknown> } = {},
): Promise<SeededReconciliation> {
  const tenantId = randomUUID();
  const accountId = randomUUID();
  const reconciliationId = randomUUID();
  const currency = options.currency ?? 'BRL';
  await db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'seeded')`, [tenantId]);
  await db.query(`INSERT INTO accounts (id, tenant_id, name, kind, currency) VALUES ($1, $2, 'seeded', 'MARKETPLACE', $3)`, [accountId, tenantId, currency]);
  const rules = {
    amount_tolerance: '0',
    amount_tolerance_bps: 0,
    date_window_days: 3,
    reference_patterns: [],
    use_external_id_as_reference: false,
    strategies: ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'],
    auto_accept_threshold: 90,
    suggest_threshold: 60,
    max_group_size: 5,
    severity_warning_amount: '100',
    severity_critical_amount: '10000',
    ...(options.rules ?? {}),
  };
  await db.query(
    `INSERT INTO matching_rules (account_id, tenant_id, amount_tolerance, amount_tolerance_bps, date_window_days, reference_patterns, use_external_id_as_reference,
                                 strategies, auto_accept_threshold, suggest_threshold, max_group_size, severity_warning_amount, severity_critical_amount)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [accountId, tenantId, rules.amount_tolerance, rules.amount_tolerance_bps, rules.date_window_days, rules.reference_patterns, rules.use_external_id_as_reference, rules.strategies, rules.auto_accept_threshold, rules.suggest_threshold, rules.max_group_size, rules.severity_warning_amount, rules.severity_critical_amount],
  );
  return seedReconciliationOf(db, { tenantId, accountId }, { currency, periodStart: options.periodStart ?? '2026-01-01', periodEnd: options.periodEnd ?? '2026-01-31', id: reconciliationId });
}

/** Another reconciliation of a seeded account (its period must not overlap the others'). */
export async function seedReconciliationOf(
  db: TestDatabase,
  account: { tenantId: string; accountId: string },
  period: { periodStart: string; periodEnd: string; currency?: string; id?: string },
): Promise<SeededReconciliation> {
  const reconciliationId = period.id ?? randomUUID();
  await db.query(
    `INSERT INTO reconciliations (id, tenant_id, account_id, currency, period_start, period_end, mode, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'MANUAL', 'PENDING')`,
    [reconciliationId, account.tenantId, account.accountId, period.currency ?? 'BRL', period.periodStart, period.periodEnd],
  );
  return { ...account, reconciliationId };
}

export async function seedLedgerEntries(db: TestDatabase, target: SeededReconciliation, entries: SeedEntry[]): Promise<string[]> {
  const ids = entries.map((entry) => entry.id ?? randomUUID());
  for (const [index, entry] of entries.entries()) {
    await db.query(
      `INSERT INTO ledger_entries (id, tenant_id, account_id, external_id, kind, amount, currency, entry_date, status, refs, description)
       VALUES ($1, $2, $3, $4, 'ORDER', $5, $6, $7, $8, $9, $10)`,
      [ids[index], target.tenantId, target.accountId, entry.externalId ?? `L-${ids[index]}`, entry.amount.toString(), entry.currency ?? 'BRL', entry.date, entry.status ?? null, entry.references ?? [], entry.description ?? null],
    );
  }
  await advanceLedgerVersion(db, target.accountId);
  return ids;
}

export async function seedStatementEntries(db: TestDatabase, target: SeededReconciliation, entries: SeedEntry[]): Promise<string[]> {
  const ids = entries.map((entry) => entry.id ?? randomUUID());
  for (const [index, entry] of entries.entries()) {
    await db.query(
      `INSERT INTO statement_entries (id, tenant_id, reconciliation_id, account_id, external_id, amount, currency, entry_date, status, refs, description, release_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [ids[index], target.tenantId, target.reconciliationId, target.accountId, entry.externalId ?? null, entry.amount.toString(), entry.currency ?? 'BRL', entry.date, entry.status ?? null, entry.references ?? [], entry.description ?? null, entry.releaseType ?? null],
    );
  }
  await db.query(
    `UPDATE reconciliations SET statement_entry_count = (SELECT count(*) FROM statement_entries WHERE reconciliation_id = $1) WHERE id = $1`,
    [target.reconciliationId],
  );
  return ids;
}

/** Puts the reconciliation in PROCESSING with the next run_version, as the API does; returns that version. */
export async function startPass(db: TestDatabase, target: SeededReconciliation): Promise<number> {
  const [row] = await db.query<{ run_version: number }>(
    `UPDATE reconciliations SET status = 'PROCESSING', run_version = run_version + 1, rematch_requested = false WHERE id = $1 RETURNING run_version`,
    [target.reconciliationId],
  );
  return row.run_version;
}

export interface SeedMatchOptions {
  status?: string;
  method?: string;
  rule?: string;
  confidence?: number;
  explanation?: unknown[];
}

/**
 * A match as the matcher or a person would have stored it: the totals computed from its entries,
 * the entries listed on it and, while it is SUGGESTED or ACCEPTED, held by rows of match_items
 * (else released_match_items).
 */
export async function seedMatch(
  db: TestDatabase,
  scope: { tenantId: string; reconciliationId: string },
  sides: { statement: string[]; ledger: string[] },
  options: SeedMatchOptions = {},
): Promise<string> {
  const id = uuidv7(); // time-ordered, as the API's: lists are newest first
  const status = options.status ?? 'SUGGESTED';
  const explanation = options.explanation ?? [{ name: 'reference', passed: true, detail: { reference: 'PED1' } }];
  await db.query(
    `WITH totals AS (
       SELECT (SELECT coalesce(sum(amount), 0) FROM statement_entries WHERE id = ANY($1::uuid[])) AS s,
              (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE id = ANY($2::uuid[])) AS l,
              (SELECT currency FROM reconciliations WHERE id = $5) AS currency)
     INSERT INTO matches (id, tenant_id, reconciliation_id, method, rule, status, confidence, currency, statement_total, ledger_total, difference, explanation,
                          statement_entry_ids, ledger_entry_ids)
     SELECT $3, $4, $5, $6, $7, $8, $9, currency, s, l, s - l, $10, $1, $2 FROM totals`,
    [sides.statement, sides.ledger, id, scope.tenantId, scope.reconciliationId, options.method ?? 'AUTO', options.rule ?? 'REFERENCE', status, options.confidence ?? 75, JSON.stringify(explanation)],
  );
  const links = status === 'SUGGESTED' || status === 'ACCEPTED' ? 'match_items' : 'released_match_items';
  await db.query(
    `INSERT INTO ${links} (entry_id, match_id, side, tenant_id, reconciliation_id)
     SELECT entry_id, $3, side, $4, $5 FROM (SELECT unnest($1::uuid[]) AS entry_id, 'STATEMENT' AS side UNION ALL SELECT unnest($2::uuid[]), 'LEDGER') AS e`,
    [sides.statement, sides.ledger, id, scope.tenantId, scope.reconciliationId],
  );
  return id;
}

/** A person's rejection as stored, without the API: the match REJECTED and its links released. */
export async function rejectSeededMatch(db: TestDatabase, matchId: string): Promise<void> {
  await db.query(`UPDATE matches SET status = 'REJECTED' WHERE id = $1`, [matchId]);
  await db.query(releaseLinksSql(`SELECT id, statement_entry_ids, ledger_entry_ids FROM matches WHERE id = $1`), [matchId]);
}
