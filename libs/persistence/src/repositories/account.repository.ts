import type { Database, Tx } from '../database';
import { AccountEntity, MatchingRulesEntity } from '../entities';
import { type Page, type PageRequest, toPage } from './pagination';

export type NewAccount = Pick<AccountEntity, 'id' | 'tenantId' | 'name' | 'kind' | 'currency' | 'channel' | 'externalId' | 'maxPeriodDays'>;
export type AccountChanges = Partial<Pick<AccountEntity, 'name' | 'status' | 'maxPeriodDays'>>;
export type MatchingRulesValues = Omit<MatchingRulesEntity, 'accountId' | 'tenantId' | 'account' | 'updatedAt'>;

export interface AccountFilters {
  status?: string;
  kind?: string;
  currency?: string;
  channel?: string;
}

/** Entries of an account not yet reconciled (until matching exists: all of them). */
export interface UnreconciledCounts {
  ledgerEntries: number;
  statementEntries: number;
}

export class AccountRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, account: NewAccount, rules: MatchingRulesValues): Promise<AccountEntity> {
    const accounts = tx.getRepository(AccountEntity);
    const saved = await accounts.save(accounts.create({ ...account, status: 'ACTIVE' }));
    const ruleRows = tx.getRepository(MatchingRulesEntity);
    await ruleRows.save(ruleRows.create({ ...rules, accountId: saved.id, tenantId: saved.tenantId }));
    return saved;
  }

  findById(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<AccountEntity | null> {
    return tx.getRepository(AccountEntity).findOneBy({ tenantId, id });
  }

  /** Reads the account and locks its row until `tx` ends (serialises status changes and writes). */
  async lockById(tx: Tx, tenantId: string, id: string): Promise<AccountEntity | null> {
    return tx
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_read')
      .where('a.tenant_id = :tenantId AND a.id = :id', { tenantId, id })
      .getOne();
  }

  async list(tenantId: string, filters: AccountFilters, page: PageRequest): Promise<Page<AccountEntity>> {
    const query = this.database.manager
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('a.tenant_id = :tenantId', { tenantId })
      .orderBy('a.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('a.id < :after', { after: page.after });
    for (const [field, column] of [
      ['status', 'status'],
      ['kind', 'kind'],
      ['currency', 'currency'],
      ['channel', 'channel'],
    ] as const) {
      const value = filters[field];
      if (value !== undefined) query.andWhere(`a.${column} = :${field}`, { [field]: value });
    }
    return toPage(await query.getMany(), page.limit);
  }

  async unreconciledCounts(accountIds: string[]): Promise<Map<string, UnreconciledCounts>> {
    if (accountIds.length === 0) return new Map();
    const rows: { account_id: string; ledger: string; statement: string }[] = await this.database.manager.query(
      `SELECT a.id AS account_id,
              (SELECT count(*) FROM ledger_entries le WHERE le.account_id = a.id) AS ledger,
              (SELECT coalesce(sum(r.statement_entry_count), 0) FROM reconciliations r
                WHERE r.account_id = a.id AND r.status <> 'CLOSED') AS statement
         FROM accounts a WHERE a.id = ANY($1::uuid[])`,
      [accountIds],
    );
    return new Map(rows.map((row) => [row.account_id, { ledgerEntries: Number(row.ledger), statementEntries: Number(row.statement) }]));
  }

  async update(tx: Tx, tenantId: string, id: string, changes: AccountChanges): Promise<AccountEntity | null> {
    if (Object.keys(changes).length > 0) await tx.getRepository(AccountEntity).update({ tenantId, id }, changes);
    return this.findById(tenantId, id, tx);
  }

  findRules(tenantId: string, accountId: string, tx: Tx = this.database.manager): Promise<MatchingRulesEntity | null> {
    return tx.getRepository(MatchingRulesEntity).findOneBy({ tenantId, accountId });
  }

  async replaceRules(tx: Tx, tenantId: string, accountId: string, rules: MatchingRulesValues): Promise<MatchingRulesEntity> {
    await tx.getRepository(MatchingRulesEntity).update({ tenantId, accountId }, rules);
    const saved = await this.findRules(tenantId, accountId, tx);
    if (!saved) throw new Error(`matching rules of account ${accountId} vanished inside a transaction`);
    return saved;
  }
}
