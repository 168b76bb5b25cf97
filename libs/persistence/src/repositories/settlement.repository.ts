import type { Database, Tx } from '../database';
import { type Page, type PageRequest, toPage } from './pagination';

export interface SettlementFilters {
  status: string;
  accountId?: string;
  /** true: only those never marked read; false: only those marked read. */
  unread?: boolean;
}

/** A settlement as the ERP's feed shows it: with its ledger entry and its account's channel. */
export interface SettlementFeedRow {
  id: string;
  accountId: string;
  channel: string | null;
  reconciliationId: string;
  matchId: string;
  ledgerEntryId: string;
  ledgerEntry: { externalId: string; kind: string; date: string } | null;
  currency: string;
  expectedAmount: bigint;
  receivedAmount: bigint;
  difference: bigint;
  breakdown: Record<string, string>;
  status: string;
  remarks: string | null;
  readAt: Date | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

export interface SettlementResolveItem {
  id: string;
  status: string;
  remarks: string | null;
}

export type SettlementResolveOutcome = 'resolved' | 'not_found' | 'already_resolved' | 'account_blocked';

export interface SettlementResolveResult {
  id: string;
  outcome: SettlementResolveOutcome;
  /** The settlement's status after the batch; null when not found. */
  status: string | null;
}

export type SettlementReadOutcome = 'read' | 'not_found';

interface FeedSqlRow {
  id: string;
  account_id: string;
  channel: string | null;
  reconciliation_id: string;
  match_id: string;
  ledger_entry_id: string;
  le_external_id: string | null;
  le_kind: string | null;
  le_date: string | null;
  currency: string;
  expected_amount: string;
  received_amount: string;
  difference: string;
  breakdown: Record<string, string>;
  status: string;
  remarks: string | null;
  read_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
}

/**
 * The ERP's settlement feed and its batch acknowledgements. Set-based statements, the tenant in
 * every WHERE; a batch locks its rows in id order, so concurrent batches never deadlock.
 */
export class SettlementRepository {
  constructor(private readonly database: Database) {}

  /** Newest first; served by ix_settlements_tenant_status (tenant_id, status, id). */
  async list(tenantId: string, filters: SettlementFilters, page: PageRequest): Promise<Page<SettlementFeedRow>> {
    const params: unknown[] = [tenantId, filters.status, page.limit + 1];
    const conditions = ['s.tenant_id = $1', 's.status = $2'];
    if (page.after) conditions.push(`s.id < $${params.push(page.after)}`);
    if (filters.accountId) conditions.push(`s.account_id = $${params.push(filters.accountId)}`);
    if (filters.unread === true) conditions.push('s.read_at IS NULL');
    if (filters.unread === false) conditions.push('s.read_at IS NOT NULL');
    const rows: FeedSqlRow[] = await this.database.manager.query(
      `SELECT s.id, s.account_id, a.channel, s.reconciliation_id, s.match_id, s.ledger_entry_id,
              le.external_id AS le_external_id, le.kind AS le_kind, le.entry_date::text AS le_date,
              s.currency, s.expected_amount::text AS expected_amount, s.received_amount::text AS received_amount,
              s.difference::text AS difference, s.breakdown, s.status, s.remarks, s.read_at, s.resolved_at, s.created_at
         FROM settlements s
         LEFT JOIN ledger_entries le ON le.id = s.ledger_entry_id AND le.tenant_id = s.tenant_id
         LEFT JOIN accounts a ON a.id = s.account_id AND a.tenant_id = s.tenant_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY s.id DESC
        LIMIT $3`,
      params,
    );
    return toPage(rows.map(toFeedRow), page.limit);
  }

  /**
   * Resolves a batch in one statement: items in request order, the first of repeated ids wins.
   * Unknown (or another tenant's) ids are `not_found`, settlements already out of PENDING are
   * `already_resolved`, those of a BLOCKED account `account_blocked`; none of these fails the batch.
   */
  async resolveBatch(tx: Tx, tenantId: string, items: readonly SettlementResolveItem[]): Promise<SettlementResolveResult[]> {
    const first = new Map<string, SettlementResolveItem>();
    for (const item of items) if (!first.has(item.id)) first.set(item.id, item);
    const ids = [...first.keys()];
    const current: { id: string; status: string; account_id: string }[] = await tx.query(
      `SELECT id, status, account_id FROM settlements WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [tenantId, ids],
    );
    const accountIds = [...new Set(current.map((row) => row.account_id))];
    // Shared locks, as writes to an account take them: a concurrent block waits for this batch, or this batch sees it.
    const accounts: { id: string; status: string }[] = accountIds.length
      ? await tx.query(`SELECT id, status FROM accounts WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR SHARE`, [tenantId, accountIds])
      : [];
    const blockedAccounts = new Set(accounts.filter((row) => row.status === 'BLOCKED').map((row) => row.id));
    const found = new Map(current.map((row) => [row.id, row]));
    const toResolve = current.filter((row) => row.status === 'PENDING' && !blockedAccounts.has(row.account_id)).map((row) => first.get(row.id) as SettlementResolveItem);

    const resolved = new Map<string, string>();
    if (toResolve.length > 0) {
      const [rows]: [{ id: string; status: string }[], number] = await tx.query(
        `UPDATE settlements s
            SET status = i.status, remarks = coalesce(i.remarks, s.remarks), resolved_at = now()
           FROM unnest($2::uuid[], $3::text[], $4::text[]) AS i(id, status, remarks)
          WHERE s.tenant_id = $1 AND s.id = i.id AND s.status = 'PENDING'
          RETURNING s.id, s.status`,
        [tenantId, toResolve.map((item) => item.id), toResolve.map((item) => item.status), toResolve.map((item) => item.remarks)],
      );
      for (const row of rows) resolved.set(row.id, row.status);
    }

    const seen = new Set<string>();
    return items.map((item): SettlementResolveResult => {
      const row = found.get(item.id);
      const repeated = seen.has(item.id);
      seen.add(item.id);
      if (!row) return { id: item.id, outcome: 'not_found', status: null };
      const status = resolved.get(item.id);
      if (status !== undefined) return { id: item.id, outcome: repeated ? 'already_resolved' : 'resolved', status };
      if (row.status === 'PENDING' && blockedAccounts.has(row.account_id)) return { id: item.id, outcome: 'account_blocked', status: row.status };
      return { id: item.id, outcome: 'already_resolved', status: row.status };
    });
  }

  /** Sets read_at on those never read; per id (in request order) `read` or `not_found`. Returns the ids newly marked too. */
  async markRead(tx: Tx, tenantId: string, ids: readonly string[]): Promise<{ results: { id: string; outcome: SettlementReadOutcome }[]; marked: string[] }> {
    const unique = [...new Set(ids)];
    const existing: { id: string }[] = await tx.query(
      `SELECT id FROM settlements WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [tenantId, unique],
    );
    const [marked]: [{ id: string }[], number] = await tx.query(
      `UPDATE settlements SET read_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
      [tenantId, unique],
    );
    const found = new Set(existing.map((row) => row.id));
    return {
      results: ids.map((id) => ({ id, outcome: found.has(id) ? 'read' : 'not_found' })),
      marked: marked.map((row) => row.id),
    };
  }
}

function toFeedRow(row: FeedSqlRow): SettlementFeedRow {
  return {
    id: row.id,
    accountId: row.account_id,
    channel: row.channel,
    reconciliationId: row.reconciliation_id,
    matchId: row.match_id,
    ledgerEntryId: row.ledger_entry_id,
    ledgerEntry: row.le_external_id === null ? null : { externalId: row.le_external_id, kind: row.le_kind as string, date: row.le_date as string },
    currency: row.currency,
    expectedAmount: BigInt(row.expected_amount),
    receivedAmount: BigInt(row.received_amount),
    difference: BigInt(row.difference),
    breakdown: row.breakdown,
    status: row.status,
    remarks: row.remarks,
    readAt: row.read_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
  };
}
