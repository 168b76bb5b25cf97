import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { Database } from '../database';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository';

/** Request hashes are SHA-256 hex (the column is char(64)), as the API computes them. */
const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

const TTL_HOURS = 24;
const LOCK_SECONDS = 120;

interface KeyRow {
  request_hash: string;
  state: string;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  lock_in_future: boolean;
  expires_in_future: boolean;
}

describe('IdempotencyRepository (integration)', () => {
  let dataSource: DataSource;
  let database: Database;
  let keys: IdempotencyRepository;

  beforeAll(async () => {
    const url = process.env['DATABASE_URL'];
    if (!url) throw new Error('DATABASE_URL is not set: run through jest (the global setup sets it)');
    dataSource = createDataSource({ url, poolSize: 10, applicationName: 'idempotency-int-spec' });
    await dataSource.initialize();
    database = new Database(dataSource);
    keys = new IdempotencyRepository(database);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  /** Every test works in a scope of its own: other tests (and files) never see its keys. */
  const newScope = (): string => `int-${randomUUID()}`;

  async function rowsOf(scope: string, key?: string): Promise<KeyRow[]> {
    return dataSource.query(
      `SELECT request_hash, state, response_status, response_headers, response_body,
              locked_until > now() AS lock_in_future, expires_at > now() AS expires_in_future
         FROM idempotency_keys WHERE scope = $1 AND ($2::text IS NULL OR key = $2) ORDER BY key`,
      [scope, key ?? null],
    );
  }

  const claim = (scope: string, key: string, requestHash: string, lockSeconds = LOCK_SECONDS) => keys.claim(scope, key, requestHash, TTL_HOURS, lockSeconds);

  const response: StoredResponse = {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/accounts/0b3c6f1e-8a55-4c3e-9d7e-1f2a3b4c5d6e' },
    body: JSON.stringify({ id: '0b3c6f1e-8a55-4c3e-9d7e-1f2a3b4c5d6e', name: 'Loja – ação "quoted"' }),
  };

  it('claims a new key once: in_progress for the same request, mismatch for another, replay after complete', async () => {
    const scope = newScope();
    const first = hash('POST /v1/accounts {"name":"a"}');
    const other = hash('POST /v1/accounts {"name":"b"}');

    expect(await claim(scope, 'k1', first)).toEqual({ outcome: 'claimed' });
    const [inFlight] = await rowsOf(scope, 'k1');
    expect(inFlight).toMatchObject({ request_hash: first, state: 'IN_PROGRESS', response_status: null, lock_in_future: true, expires_in_future: true });

    expect(await claim(scope, 'k1', first)).toEqual({ outcome: 'in_progress' });
    expect(await claim(scope, 'k1', other)).toEqual({ outcome: 'mismatch' });
    // Neither refused claim changed the stored request.
    expect(await rowsOf(scope, 'k1')).toEqual([inFlight]);

    await keys.complete(scope, 'k1', response);
    expect(await claim(scope, 'k1', first)).toEqual({ outcome: 'replay', response });
    // A replay is read only: asking again gives the same answer.
    expect(await claim(scope, 'k1', first)).toEqual({ outcome: 'replay', response });
    expect(await claim(scope, 'k1', other)).toEqual({ outcome: 'mismatch' });
    expect(await rowsOf(scope)).toEqual([
      expect.objectContaining({ request_hash: first, state: 'COMPLETED', response_status: 201, response_headers: response.headers, response_body: response.body }),
    ]);
  });

  it('replays a stored client error with its status, headers and body', async () => {
    const scope = newScope();
    const problem: StoredResponse = {
      status: 422,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ code: 'validation_failed', status: 422 }),
    };
    expect(await claim(scope, 'k', hash('x'))).toEqual({ outcome: 'claimed' });
    await keys.complete(scope, 'k', problem);
    expect(await claim(scope, 'k', hash('x'))).toEqual({ outcome: 'replay', response: problem });
  });

  it('keeps keys apart by scope and by key', async () => {
    const scopeA = newScope();
    const scopeB = newScope();
    const requestHash = hash('same request');
    expect(await claim(scopeA, 'shared', requestHash)).toEqual({ outcome: 'claimed' });
    expect(await claim(scopeB, 'shared', requestHash)).toEqual({ outcome: 'claimed' });
    expect(await claim(scopeA, 'another', requestHash)).toEqual({ outcome: 'claimed' });
    expect((await rowsOf(scopeA)).length).toBe(2);
    expect((await rowsOf(scopeB)).length).toBe(1);
  });

  it('lets exactly one of 20 concurrent claims of a new key win; the others see it in progress', async () => {
    const scope = newScope();
    const requestHash = hash('concurrent');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => claim(scope, 'race', requestHash)));
    const counts = outcomes.reduce<Record<string, number>>((acc, result) => ({ ...acc, [result.outcome]: (acc[result.outcome] ?? 0) + 1 }), {});
    expect(counts).toEqual({ claimed: 1, in_progress: 19 });
    expect(await rowsOf(scope)).toHaveLength(1);
  });

  it('lets exactly one of 20 concurrent claims with different bodies win; the others see a mismatch', async () => {
    const scope = newScope();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(scope, 'race', hash(`body ${i}`))));
    const winners = outcomes.map((result, i) => (result.outcome === 'claimed' ? i : -1)).filter((i) => i >= 0);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((result) => result.outcome === 'mismatch')).toHaveLength(19);
    expect(await rowsOf(scope)).toEqual([expect.objectContaining({ request_hash: hash(`body ${winners[0]}`), state: 'IN_PROGRESS' })]);
  });

  describe('an in-flight claim whose lock has passed (its process died)', () => {
    it('is taken over by the same request (lockSeconds 0)', async () => {
      const scope = newScope();
      const requestHash = hash('abandoned');
      expect(await claim(scope, 'k', requestHash, 0)).toEqual({ outcome: 'claimed' });
      expect((await rowsOf(scope, 'k'))[0]).toMatchObject({ state: 'IN_PROGRESS', lock_in_future: false });

      expect(await claim(scope, 'k', requestHash)).toEqual({ outcome: 'claimed' });
      // The new owner holds a fresh lock: a third attempt waits for it.
      expect((await rowsOf(scope, 'k'))[0]).toMatchObject({ state: 'IN_PROGRESS', lock_in_future: true, request_hash: requestHash });
      expect(await claim(scope, 'k', requestHash)).toEqual({ outcome: 'in_progress' });
    });

    it('is not taken over by another request (locked_until moved into the past)', async () => {
      const scope = newScope();
      const original = hash('original');
      expect(await claim(scope, 'k', original)).toEqual({ outcome: 'claimed' });
      await dataSource.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 minute' WHERE scope = $1 AND key = $2`, [scope, 'k']);

      expect(await claim(scope, 'k', hash('intruder'))).toEqual({ outcome: 'mismatch' });
      expect((await rowsOf(scope, 'k'))[0]).toMatchObject({ request_hash: original, state: 'IN_PROGRESS', lock_in_future: false });
      expect(await claim(scope, 'k', original)).toEqual({ outcome: 'claimed' });
    });

    it('is taken over by exactly one of several concurrent retries', async () => {
      const scope = newScope();
      const requestHash = hash('abandoned, retried at once');
      expect(await claim(scope, 'k', requestHash, 0)).toEqual({ outcome: 'claimed' });
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => claim(scope, 'k', requestHash)));
      expect(outcomes.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((result) => result.outcome === 'in_progress')).toHaveLength(9);
    });

    it('a completed key is never taken over, however old its lock', async () => {
      const scope = newScope();
      const requestHash = hash('completed');
      expect(await claim(scope, 'k', requestHash, 0)).toEqual({ outcome: 'claimed' });
      await keys.complete(scope, 'k', response);
      expect(await claim(scope, 'k', requestHash)).toEqual({ outcome: 'replay', response });
    });
  });

  describe('an expired key', () => {
    it.each([
      ['completed', 'the same request', true, true],
      ['completed', 'another request', true, false],
      ['in flight', 'the same request', false, true],
      ['in flight', 'another request', false, false],
    ])('(%s) is claimable again by %s, and forgets its old response', async (_state, _who, completed, sameHash) => {
      const scope = newScope();
      const original = hash('first use');
      expect(await claim(scope, 'k', original)).toEqual({ outcome: 'claimed' });
      if (completed) await keys.complete(scope, 'k', response);
      await dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE scope = $1 AND key = $2`, [scope, 'k']);

      const next = sameHash ? original : hash('second use');
      expect(await claim(scope, 'k', next)).toEqual({ outcome: 'claimed' });
      expect(await rowsOf(scope)).toEqual([
        {
          request_hash: next,
          state: 'IN_PROGRESS',
          response_status: null,
          response_headers: null,
          response_body: null,
          lock_in_future: true,
          expires_in_future: true,
        },
      ]);
      expect(await claim(scope, 'k', next)).toEqual({ outcome: 'in_progress' });
    });
  });

  describe('release', () => {
    it('deletes an in-flight claim so that a retry (even with another body) is claimed', async () => {
      const scope = newScope();
      expect(await claim(scope, 'k', hash('a'))).toEqual({ outcome: 'claimed' });
      await keys.release(scope, 'k');
      expect(await rowsOf(scope)).toEqual([]);
      expect(await claim(scope, 'k', hash('b'))).toEqual({ outcome: 'claimed' });
    });

    it('leaves a completed key and its stored response alone', async () => {
      const scope = newScope();
      expect(await claim(scope, 'k', hash('a'))).toEqual({ outcome: 'claimed' });
      await keys.complete(scope, 'k', response);
      await keys.release(scope, 'k');
      expect(await rowsOf(scope)).toEqual([expect.objectContaining({ state: 'COMPLETED', response_status: 201, response_body: response.body })]);
      expect(await claim(scope, 'k', hash('a'))).toEqual({ outcome: 'replay', response });
    });

    it('touches only its own scope and key', async () => {
      const scope = newScope();
      const otherScope = newScope();
      for (const [s, k] of [
        [scope, 'k'],
        [scope, 'k2'],
        [otherScope, 'k'],
      ]) {
        expect(await claim(s, k, hash('a'))).toEqual({ outcome: 'claimed' });
      }
      await keys.release(scope, 'k');
      expect((await rowsOf(scope)).length).toBe(1);
      expect((await rowsOf(scope, 'k2')).length).toBe(1);
      expect((await rowsOf(otherScope, 'k')).length).toBe(1);
    });
  });

  describe('deleteExpired', () => {
    it('removes expired rows (in flight or completed), keeps live ones, and returns how many it removed', async () => {
      const scope = newScope();
      for (const key of ['old-1', 'old-2', 'old-3', 'live-1', 'live-2']) expect(await claim(scope, key, hash(key))).toEqual({ outcome: 'claimed' });
      await keys.complete(scope, 'old-1', response);
      await keys.complete(scope, 'live-1', response);
      await dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE scope = $1 AND key LIKE 'old-%'`, [scope]);

      const expiredBefore = await countExpired();
      expect(expiredBefore).toBeGreaterThanOrEqual(3);
      const removed = await keys.deleteExpired();
      // Only this file writes expired keys, and it runs its tests one at a time.
      expect(removed).toBe(expiredBefore);
      expect(await countExpired()).toBe(0);
      expect(await keyNames(scope)).toEqual(['live-1', 'live-2']);
      expect(await keys.deleteExpired()).toBe(0);
    });

    it('removes at most `limit` rows per call', async () => {
      const scope = newScope();
      for (const key of ['a', 'b', 'c']) expect(await claim(scope, key, hash(key))).toEqual({ outcome: 'claimed' });
      await dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE scope = $1`, [scope]);

      expect(await keys.deleteExpired(2)).toBe(2);
      expect(await keyNames(scope)).toHaveLength(1);
      expect(await keys.deleteExpired(2)).toBe(1);
      expect(await keyNames(scope)).toEqual([]);
    });
  });

  async function countExpired(): Promise<number> {
    const rows: { count: string }[] = await dataSource.query('SELECT count(*) FROM idempotency_keys WHERE expires_at < now()');
    return Number(rows[0].count);
  }

  async function keyNames(scope: string): Promise<string[]> {
    const rows: { key: string }[] = await dataSource.query('SELECT key FROM idempotency_keys WHERE scope = $1 ORDER BY key', [scope]);
    return rows.map((row) => row.key);
  }
});
