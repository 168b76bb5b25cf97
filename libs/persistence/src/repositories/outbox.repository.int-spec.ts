import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { Database, type Tx } from '../database';
import { OutboxRepository, type NewOutboxMessage, type OutboxMessage } from './outbox.repository';

/** A promise with its resolver outside: holds a transaction open until the test lets go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

class Rollback extends Error {}

interface OutboxRow {
  id: string;
  queue: string;
  published: boolean;
  publish_attempts: number;
}

/** Claims of "stale" rows use a grace far shorter than the age the tests give their own rows. */
const GRACE_MS = 60_000;
const NO_LIMIT = 100_000;

describe('OutboxRepository (integration)', () => {
  let dataSource: DataSource;
  let database: Database;
  let outbox: OutboxRepository;
  /** Queue names used by the current test: its rows, and the only ones it asserts on. */
  let queues: string[] = [];

  beforeAll(async () => {
    const url = process.env['DATABASE_URL'];
    if (!url) throw new Error('DATABASE_URL is not set: run through jest (the global setup sets it)');
    dataSource = createDataSource({ url, poolSize: 6, applicationName: 'outbox-int-spec' });
    await dataSource.initialize();
    database = new Database(dataSource);
    outbox = new OutboxRepository(database);
  });

  afterEach(async () => {
    // Leave no rows behind (relays only claim their own queues, but the table is shared).
    if (queues.length > 0) await dataSource.query('DELETE FROM outbox WHERE queue = ANY($1::text[])', [queues]);
    queues = [];
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  function newQueue(): string {
    const queue = `int-outbox-${randomUUID()}`;
    queues.push(queue);
    return queue;
  }

  function message(queue: string, n: number, overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
    return { tenantId: randomUUID(), queue, jobName: 'match', jobId: `${queue}:${n}`, payload: { n, reconciliationId: randomUUID(), note: 'ação' }, ...overrides };
  }

  async function insertCommitted(queue: string, count: number): Promise<OutboxMessage[]> {
    return database.transaction(async (tx) => {
      const inserted: OutboxMessage[] = [];
      for (let n = 0; n < count; n++) inserted.push(await outbox.insert(tx, message(queue, n)));
      return inserted;
    });
  }

  /** Makes rows look as if written long ago (past the relay's grace). */
  async function age(ids: string[], seconds = 3600): Promise<void> {
    await dataSource.query(`UPDATE outbox SET created_at = now() - make_interval(secs => $2) WHERE id = ANY($1::bigint[])`, [ids, seconds]);
  }

  async function rowsOf(queue: string): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = await dataSource.query(
      'SELECT id::text AS id, queue, published_at IS NOT NULL AS published, publish_attempts FROM outbox WHERE queue = $1 ORDER BY id',
      [queue],
    );
    return rows;
  }

  /** Runs work in a transaction that is then rolled back; returns what work returned. */
  async function rolledBack<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let result!: T;
    await expect(
      database.transaction(async (tx) => {
        result = await work(tx);
        throw new Rollback('roll back');
      }),
    ).rejects.toBeInstanceOf(Rollback);
    return result;
  }

  const idsIn = (messages: OutboxMessage[], queue: string): string[] => messages.filter((m) => m.queue === queue).map((m) => m.id);

  describe('insert', () => {
    it('writes the message with every field when the transaction commits', async () => {
      const queue = newQueue();
      const given = message(queue, 1, { payload: { reconciliationId: 'r-1', runVersion: 3, nested: { list: [1, 'two', null] } } });
      const stored = await database.transaction((tx) => outbox.insert(tx, given));
      expect(stored).toEqual({ ...given, id: expect.stringMatching(/^\d+$/) });
      const rows = await dataSource.query(
        'SELECT tenant_id, queue, job_name, job_id, payload, published_at, publish_attempts FROM outbox WHERE id = $1',
        [stored.id],
      );
      expect(rows).toEqual([
        { tenant_id: given.tenantId, queue, job_name: 'match', job_id: given.jobId, payload: given.payload, published_at: null, publish_attempts: 0 },
      ]);
    });

    it('accepts a message without a tenant', async () => {
      const queue = newQueue();
      const stored = await database.transaction((tx) => outbox.insert(tx, message(queue, 1, { tenantId: null })));
      expect(await dataSource.query('SELECT tenant_id FROM outbox WHERE id = $1', [stored.id])).toEqual([{ tenant_id: null }]);
    });

    it('leaves no row when the transaction rolls back', async () => {
      const queue = newQueue();
      const inserted = await rolledBack(async (tx) => {
        const first = await outbox.insert(tx, message(queue, 1));
        const second = await outbox.insert(tx, message(queue, 2));
        // Visible inside the transaction...
        const inside: unknown[] = await tx.query('SELECT id FROM outbox WHERE queue = $1', [queue]);
        expect(inside).toHaveLength(2);
        return [first, second];
      });
      expect(inserted).toHaveLength(2);
      // ...and gone with it.
      expect(await rowsOf(queue)).toEqual([]);
      expect(await dataSource.query('SELECT id FROM outbox WHERE id = ANY($1::bigint[])', [inserted.map((m) => m.id)])).toEqual([]);
    });
  });

  describe('claimStale', () => {
    it('returns only unpublished rows older than the grace, in id order, with their fields', async () => {
      const queue = newQueue();
      const [oldA, fresh, oldPublished, oldB, oldC] = await insertCommitted(queue, 5);
      // Aged out of order: the answer is still in id order.
      await age([oldC.id], 7200);
      await age([oldA.id, oldPublished.id, oldB.id]);
      await dataSource.query('UPDATE outbox SET published_at = now() WHERE id = $1', [oldPublished.id]);

      const claimed = await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]));
      expect(claimed).toEqual([oldA, oldB, oldC]);
      expect(claimed.map((m) => m.id)).not.toContain(fresh.id);
    });

    it('uses the grace it is given: a row becomes claimable once it is older than the grace', async () => {
      const queue = newQueue();
      const [row] = await insertCommitted(queue, 1);
      await age([row.id], 30);
      expect(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]))).toEqual([]);
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, 10_000, NO_LIMIT, [queue])), queue)).toEqual([row.id]);
    });

    it('claims only rows of the queues it is given', async () => {
      const mine = newQueue();
      const other = newQueue();
      const third = newQueue();
      const [a] = await insertCommitted(mine, 1);
      const [b] = await insertCommitted(other, 1);
      const [c] = await insertCommitted(third, 1);
      await age([a.id, b.id, c.id]);
      expect(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [mine]))).toEqual([a]);
      expect(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [other, mine]))).toEqual([a, b]);
      expect(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, []))).toEqual([]);
    });

    it('claims at most `limit` rows, the oldest ids first', async () => {
      const queue = newQueue();
      const rows = await insertCommitted(queue, 3);
      await age(rows.map((m) => m.id));
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, 2, [queue])), queue)).toEqual([rows[0].id, rows[1].id]);
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, 1, [queue])), queue)).toEqual([rows[0].id]);
    });

    it('counts an attempt per claim that commits, and none for a claim that rolls back', async () => {
      const queue = newQueue();
      const rows = await insertCommitted(queue, 2);
      await age(rows.map((m) => m.id));

      await rolledBack(async (tx) => {
        expect(idsIn(await outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]), queue)).toEqual(rows.map((m) => m.id));
        const inside: { publish_attempts: number }[] = await tx.query('SELECT publish_attempts FROM outbox WHERE queue = $1 ORDER BY id', [queue]);
        expect(inside).toEqual([{ publish_attempts: 1 }, { publish_attempts: 1 }]);
      });
      expect((await rowsOf(queue)).map((r) => r.publish_attempts)).toEqual([0, 0]);

      // A relay that sent the batch: claim and mark published in one transaction.
      await database.transaction(async (tx) => {
        const claimed = idsIn(await outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]), queue);
        expect(claimed).toEqual(rows.map((m) => m.id));
        await outbox.markPublishedIn(tx, claimed);
      });
      expect(await rowsOf(queue)).toEqual(rows.map((m) => ({ id: m.id, queue, published: true, publish_attempts: 1 })));
      // Published rows are never claimed again.
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue])), queue)).toEqual([]);
    });

    it('never hands the same row to two transactions: the second skips locked rows instead of waiting', async () => {
      const queue = newQueue();
      const rows = await insertCommitted(queue, 6);
      await age(rows.map((m) => m.id));
      const allIds = rows.map((m) => m.id);

      const firstClaimed = gate();
      const release = gate();
      const first = rolledBack(async (tx) => {
        const claimed = await outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]);
        firstClaimed.open();
        await release.wait;
        return claimed;
      });
      await firstClaimed.wait;
      // The first transaction still holds its rows: the second returns at once without them.
      const second = await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue]));
      release.open();
      expect(idsIn(await first, queue)).toEqual(allIds);
      expect(second).toEqual([]);

      // Once the first let go (rolled back), the rows are claimable again.
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue])), queue)).toEqual(allIds);
    });

    it('splits rows between transactions claiming at the same moment, each row exactly once', async () => {
      const queue = newQueue();
      const rows = await insertCommitted(queue, 40);
      await age(rows.map((m) => m.id));
      const allIds = rows.map((m) => m.id);

      for (let round = 0; round < 5; round++) {
        const bothClaimed = [gate(), gate()];
        const release = gate();
        const claims = [0, 1].map((i) =>
          rolledBack(async (tx) => {
            const claimed = await outbox.claimStale(tx, GRACE_MS, 15, [queue]);
            bothClaimed[i].open();
            // Neither commits before both have claimed.
            await release.wait;
            return claimed;
          }),
        );
        await Promise.all(bothClaimed.map((g) => g.wait));
        release.open();
        const [a, b] = await Promise.all(claims);
        const aIds = a.map((m) => m.id);
        const bIds = b.map((m) => m.id);
        expect(aIds.filter((id) => bIds.includes(id))).toEqual([]);
        expect(new Set(aIds).size).toBe(aIds.length);
        expect(new Set(bIds).size).toBe(bIds.length);
        // 40 claimable rows, 15 each: both got a full batch, 30 distinct rows between them.
        expect(aIds).toHaveLength(15);
        expect(bIds).toHaveLength(15);
        for (const id of [...aIds, ...bIds]) expect(allIds).toContain(id);
      }
      // Every claim rolled back: no attempt was counted.
      expect((await rowsOf(queue)).every((row) => row.publish_attempts === 0 && !row.published)).toBe(true);
    });
  });

  describe('markPublished and markPublishedIn', () => {
    it('markPublished sets published_at on the given rows only', async () => {
      const queue = newQueue();
      const [a, b, c] = await insertCommitted(queue, 3);
      await outbox.markPublished([a.id, c.id]);
      expect((await rowsOf(queue)).map((row) => [row.id, row.published])).toEqual([
        [a.id, true],
        [b.id, false],
        [c.id, true],
      ]);
      const stamps: { recent: boolean }[] = await dataSource.query(
        `SELECT published_at BETWEEN now() - interval '1 minute' AND now() + interval '1 minute' AS recent FROM outbox WHERE id = ANY($1::bigint[])`,
        [[a.id, c.id]],
      );
      expect(stamps).toEqual([{ recent: true }, { recent: true }]);
      await age([a.id, b.id, c.id]);
      expect(idsIn(await rolledBack((tx) => outbox.claimStale(tx, GRACE_MS, NO_LIMIT, [queue])), queue)).toEqual([b.id]);
    });

    it('markPublished keeps the first publication time of a row already published', async () => {
      const queue = newQueue();
      const [a] = await insertCommitted(queue, 1);
      await dataSource.query(`UPDATE outbox SET published_at = '2026-01-01T00:00:00Z' WHERE id = $1`, [a.id]);
      await outbox.markPublished([a.id]);
      const rows: { published_at: Date }[] = await dataSource.query('SELECT published_at FROM outbox WHERE id = $1', [a.id]);
      expect(rows[0].published_at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    });

    it('markPublished and markPublishedIn with no ids change nothing', async () => {
      const queue = newQueue();
      await insertCommitted(queue, 2);
      await outbox.markPublished([]);
      await database.transaction((tx) => outbox.markPublishedIn(tx, []));
      expect((await rowsOf(queue)).map((row) => row.published)).toEqual([false, false]);
    });

    it('markPublishedIn publishes with the transaction: visible after commit, undone by a rollback', async () => {
      const queue = newQueue();
      const [a, b] = await insertCommitted(queue, 2);
      await rolledBack(async (tx) => {
        await outbox.markPublishedIn(tx, [a.id]);
        const inside: { published: boolean }[] = await tx.query('SELECT published_at IS NOT NULL AS published FROM outbox WHERE id = $1', [a.id]);
        expect(inside).toEqual([{ published: true }]);
      });
      expect((await rowsOf(queue)).map((row) => row.published)).toEqual([false, false]);

      await database.transaction((tx) => outbox.markPublishedIn(tx, [b.id]));
      expect((await rowsOf(queue)).map((row) => [row.id, row.published])).toEqual([
        [a.id, false],
        [b.id, true],
      ]);
    });
  });

  describe('countUnpublished', () => {
    // The count is global: this runs while no other test of this file writes to the outbox,
    // and the int and e2e projects run their files one at a time (--runInBand).
    it('counts committed, unpublished rows', async () => {
      const queue = newQueue();
      const before = await outbox.countUnpublished();
      const [a, b] = await insertCommitted(queue, 3);
      expect(await outbox.countUnpublished()).toBe(before + 3);
      await rolledBack((tx) => outbox.insert(tx, message(queue, 99)));
      expect(await outbox.countUnpublished()).toBe(before + 3);
      await outbox.markPublished([a.id, b.id]);
      expect(await outbox.countUnpublished()).toBe(before + 1);
    });
  });
});
