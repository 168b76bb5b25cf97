import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { Database } from './database';

/** A real deadlock between two transactions: the one Postgres aborts runs again and commits. */
describe('Database.transactionRetrying (against Postgres)', () => {
  let dataSource: DataSource;
  let database: Database;
  const table = `deadlock_probe_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env['DATABASE_URL'] as string, poolSize: 4 });
    await dataSource.initialize();
    database = new Database(dataSource);
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY, hits int NOT NULL DEFAULT 0)`);
    await dataSource.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE ${table}`);
    await dataSource.destroy();
  });

  it('runs a transaction aborted as a deadlock victim again, so both writers commit once', async () => {
    let attempts = 0;
    const bothLockedFirstRow = barrier(2);
    /** Locks rows in the given order, pausing between them so the two transactions cross. */
    const writer = (first: number, second: number) =>
      database.transactionRetrying(async (tx) => {
        attempts += 1;
        await tx.query(`UPDATE ${table} SET hits = hits + 1 WHERE id = $1`, [first]);
        await bothLockedFirstRow();
        await tx.query(`UPDATE ${table} SET hits = hits + 1 WHERE id = $1`, [second]);
      });
    await Promise.all([writer(1, 2), writer(2, 1)]);
    expect(attempts).toBe(3);
    expect(await dataSource.query(`SELECT id, hits FROM ${table} ORDER BY id`)).toEqual([
      { id: 1, hits: 2 },
      { id: 2, hits: 2 },
    ]);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    await expect(
      database.transactionRetrying(async () => {
        attempts += 1;
        throw Object.assign(new Error('unique'), { code: '23505' });
      }),
    ).rejects.toThrow('unique');
    expect(attempts).toBe(1);
  });
});

/** Resolves for everyone once `parties` callers are waiting; later callers pass straight through. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    waiting += 1;
    if (waiting >= parties) open();
    return opened;
  };
}
