import { Client } from 'pg';

/** Direct SQL on the run's database, for asserting what the API stored (or did not). */
export class TestDatabase {
  private constructor(private readonly client: Client) {}

  static async connect(url = process.env['DATABASE_URL']): Promise<TestDatabase> {
    if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (the global setup sets it)');
    const client = new Client({ connectionString: url });
    await client.connect();
    return new TestDatabase(client);
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  async count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const rows = await this.query<{ count: string }>(`SELECT count(*) FROM ${table} WHERE ${where}`, params);
    return Number(rows[0].count);
  }

  /** Row counts of every application table: compare before and after a refused request. */
  async snapshot(): Promise<Record<string, number>> {
    const tables = ['tenants', 'api_keys', 'accounts', 'matching_rules', 'ledger_entries', 'reconciliations', 'statement_entries', 'outbox', 'audit_events'];
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = await this.count(table);
    return counts;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
