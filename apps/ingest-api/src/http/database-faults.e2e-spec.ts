import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { adminDatabaseUrl, databaseUrlFor, TestDatabase, type InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** The application_name of the API's pool (apps/ingest-api/src/app.module.ts). */
const API_APPLICATION_NAME = 'ingest-api';
/** How long the API may take to answer normally again after its connections were dropped. */
const RECOVERY_DEADLINE_MS = 10_000;

/**
 * A TCP relay between the API and Postgres: down() cuts every connection and refuses new
 * ones (Postgres stopped, or the network between), up() serves again on the same port.
 * It only ever touches the connections of the harness that was pointed at it.
 */
class PostgresRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Postgres connections dropped under a running API (a restart, a failover, an operator's
 * pg_terminate_backend). RELIABILITY.md: clients get 503 with Retry-After, never 500, and a
 * retry with the same Idempotency-Key leaves one row.
 *
 * Terminating backends is only safe where no other test lives: this file runs its API on a
 * database of its own (created and migrated here, dropped afterwards), so the backends it
 * kills can only be its own harness's. The API reaches that database through a relay of the
 * test's own, which plays "Postgres is down" without touching the shared server.
 */
describe('database faults (e2e)', () => {
  let databaseName: string;
  let relay: PostgresRelay;
  let h: IngestApiHarness;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    const runDatabase = process.env['CONCILIA_TEST_DATABASE'];
    if (!runDatabase) throw new Error('CONCILIA_TEST_DATABASE is not set: run through jest (the global setup sets it)');
    databaseName = `${runDatabase}_dbfaults_${randomUUID().slice(0, 6)}`;
    await admin(`CREATE DATABASE ${databaseName}`);
    const directUrl = databaseUrlFor(databaseName);
    await promisify(execFile)(process.execPath, [join(ROOT, 'libs/persistence/dist/migrate.js')], { env: { ...process.env, DATABASE_URL: directUrl } });
    const direct = new URL(directUrl);
    relay = new PostgresRelay({ host: direct.hostname, port: Number(direct.port || 5432) });
    await relay.up();
    const relayedUrl = new URL(directUrl);
    relayedUrl.hostname = '127.0.0.1';
    relayedUrl.port = String(relay.port);
    h = await startIngestApi({ DATABASE_URL: relayedUrl.toString(), API_RATE_LIMIT_PER_SECOND: '100000', DATABASE_POOL_SIZE: '5' });
    // The test's own SQL goes straight to Postgres: it must survive the relay going down.
    const relayedDb = h.db;
    h.db = await TestDatabase.connect(directUrl);
    await relayedDb.close();
    ({ key, tenantId } = await h.api.createTenant());
  });

  afterAll(async () => {
    // h.close() closes the harness's own client (already closed), not the direct one.
    const directDb = h?.db;
    await h?.close();
    await directDb?.close();
    await relay?.down();
    if (databaseName) await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  async function admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: adminDatabaseUrl() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  /** Drops every connection of the API's pool; h.db (another application_name) survives. */
  async function terminateApiBackends(): Promise<number> {
    const rows = await h.db.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`,
      [API_APPLICATION_NAME],
    );
    return rows.filter((row) => row.terminated).length;
  }

  /** Either the normal answer, or 503 service_unavailable problem+json with Retry-After: never a 500. */
  function expectSuccessOr503(response: InjectResponse, success: number): 'ok' | 'unavailable' {
    if (response.statusCode === success) return 'ok';
    expect({ status: response.statusCode, body: response.body }).toEqual({ status: 503, body: expect.any(String) });
    expect(response.json()).toMatchObject({ status: 503, code: 'service_unavailable', requestId: expect.any(String) });
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).not.toMatch(/terminat|postgres|SELECT|INSERT|at .*\.js/i);
    return 'unavailable';
  }

  /** Polls until a read answers 200 again; fails past the deadline. Every answer meanwhile is 200 or 503. */
  async function expectRecovery(): Promise<void> {
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    for (;;) {
      const response = await h.api.get('/v1/accounts', key);
      if (expectSuccessOr503(response, 200) === 'ok') return;
      if (Date.now() > deadline) throw new Error(`the API still answers 503 ${RECOVERY_DEADLINE_MS} ms after the fault`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const accountBody = (name: string) => ({ name, kind: 'BANK', currency: 'BRL' });

  /** Retries a POST with its Idempotency-Key until it is not 503 (what a client does with Retry-After). */
  async function retryUntilAnswered(body: Record<string, unknown>, idempotencyKey: string): Promise<InjectResponse> {
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    for (;;) {
      const response = await h.api.post('/v1/accounts', body, key, { headers: { 'idempotency-key': idempotencyKey } });
      if (expectSuccessOr503(response, 201) === 'ok') return response;
      if (Date.now() > deadline) throw new Error('POST still answers 503 past the deadline');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('answers 503 or normally (never 500) right after its idle connections are dropped, then recovers', async () => {
    const before = await h.api.get('/v1/accounts', key);
    expect(before.statusCode).toBe(200);
    const name = `idle-drop-${randomUUID()}`;
    expect((await h.api.post('/v1/accounts', accountBody(name), key)).statusCode).toBe(201);

    expect(await terminateApiBackends()).toBeGreaterThan(0);

    // The next requests find dead connections in the pool (or fresh ones it opened).
    const reads = await Promise.all(Array.from({ length: 8 }, () => h.api.get('/v1/accounts', key)));
    for (const response of reads) expectSuccessOr503(response, 200);
    const writeKey = randomUUID();
    const writeName = `after-drop-${randomUUID()}`;
    const write = await h.api.post('/v1/accounts', accountBody(writeName), key, { headers: { 'idempotency-key': writeKey } });
    expectSuccessOr503(write, 201);

    await expectRecovery();
    const list = await h.api.get('/v1/accounts?limit=500', key);
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((account: { name: string }) => account.name)).toContain(name);

    // Whatever the write answered, its retry with the same key leaves exactly one account.
    const retried = await retryUntilAnswered(accountBody(writeName), writeKey);
    if (write.statusCode === 201) expect(retried.json().id).toBe(write.json().id);
    expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, writeName])).toBe(1);
  });

  it('answers 503 or normally (never 500) when connections are dropped while requests run, and nothing is doubled by retries', async () => {
    const posts: { name: string; idempotencyKey: string }[] = [];
    const statuses: string[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 12 }, (_, i) => {
        if (i % 2 === 0) return h.api.get('/v1/accounts', key).then((response) => statuses.push(expectSuccessOr503(response, 200)));
        const post = { name: `mid-flight-${round}-${i}-${randomUUID()}`, idempotencyKey: randomUUID() };
        posts.push(post);
        return h.api
          .post('/v1/accounts', accountBody(post.name), key, { headers: { 'idempotency-key': post.idempotencyKey } })
          .then((response) => statuses.push(expectSuccessOr503(response, 201)));
      });
      // Kill the pool's connections while the batch is on its way through.
      const killed = new Promise((resolve) => setImmediate(resolve)).then(() => terminateApiBackends());
      await Promise.all([...batch, killed]);
      await expectRecovery();
    }
    expect(statuses).toHaveLength(36);

    for (const post of posts) await retryUntilAnswered(accountBody(post.name), post.idempotencyKey);
    const rows = await h.db.query<{ name: string; count: string }>(
      'SELECT name, count(*) AS count FROM accounts WHERE tenant_id = $1 AND name = ANY($2::text[]) GROUP BY name',
      [tenantId, posts.map((post) => post.name)],
    );
    expect(rows).toHaveLength(posts.length);
    expect(rows.every((row) => row.count === '1')).toBe(true);
  });

  describe('a request whose connection is dropped in the middle of its transaction', () => {
    /**
     * Holds an ACCESS EXCLUSIVE lock on `table` from a connection of the test's own, so that
     * the API's query waits on it; the waiting backend is then terminated. Deterministic: the
     * request is known to be inside its transaction when its connection goes.
     */
    async function dropWhileWaitingOn<T>(table: string, request: () => Promise<T>): Promise<T> {
      const locker = await TestDatabase.connect(databaseUrlFor(databaseName));
      try {
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
        const pending = request();
        const deadline = Date.now() + 5_000;
        let waiting: { pid: number }[] = [];
        while (waiting.length === 0) {
          if (Date.now() > deadline) throw new Error(`no API backend ever waited on ${table}`);
          waiting = await h.db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND wait_event_type = 'Lock'`,
            [API_APPLICATION_NAME],
          );
          if (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(waiting).toHaveLength(1);
        await h.db.query('SELECT pg_terminate_backend($1)', [waiting[0].pid]);
        const result = await pending;
        await locker.query('ROLLBACK');
        return result;
      } finally {
        await locker.close();
      }
    }

    it('POST /v1/accounts answers 503 with Retry-After; a retry with the same key and body creates exactly one account', async () => {
      const name = `dropped-mid-transaction-${randomUUID()}`;
      const idempotencyKey = randomUUID();
      const before = await h.db.snapshot();

      const failed = await dropWhileWaitingOn('accounts', () =>
        h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } }),
      );
      expect(expectSuccessOr503(failed, 201)).toBe('unavailable');
      // The failed transaction left nothing behind, and the key was freed for the retry.
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.count('idempotency_keys', 'scope = $1 AND key = $2', [tenantId, idempotencyKey])).toBe(0);

      const retried = await retryUntilAnswered(accountBody(name), idempotencyKey);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      const created = retried.json();
      expect(created).toMatchObject({ name, kind: 'BANK', currency: 'BRL', status: 'ACTIVE' });

      // A further retry is a replay of the same account, not a second one.
      const replayed = await h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } });
      expect(replayed.statusCode).toBe(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.json().id).toBe(created.id);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, name])).toBe(1);
      expect(await h.db.count('audit_events', 'tenant_id = $1 AND target_id = $2', [tenantId, created.id])).toBe(1);
    });

    it('GET /v1/accounts/{id} answers 503 with Retry-After, then 200', async () => {
      const account = await h.api.createAccount(key, accountBody(`read-${randomUUID()}`));
      const failed = await dropWhileWaitingOn('accounts', () => h.api.get(`/v1/accounts/${account.id}`, key));
      expect(expectSuccessOr503(failed, 200)).toBe('unavailable');
      await expectRecovery();
      const read = await h.api.get(`/v1/accounts/${account.id}`, key);
      expect(read.statusCode).toBe(200);
      expect(read.json().id).toBe(account.id);
    });
  });

  describe('Postgres unreachable (stopped, or the network to it cut)', () => {
    afterEach(async () => {
      // Whatever a test did, the next one starts with Postgres reachable.
      if (!relayIsUp) {
        await relay.up();
        relayIsUp = true;
      }
    });

    let relayIsUp = true;
    async function cut(): Promise<void> {
      relayIsUp = false;
      await relay.down();
    }
    async function restore(): Promise<void> {
      await relay.up();
      relayIsUp = true;
    }

    it('answers every request 503 service_unavailable with Retry-After while it is away, stores nothing, and recovers when it is back', async () => {
      const originalName = `before-outage-${randomUUID()}`;
      const account = await h.api.createAccount(key, accountBody(originalName));
      const name = `during-outage-${randomUUID()}`;
      const idempotencyKey = randomUUID();
      const before = await h.db.snapshot();
      await cut();

      const answers = [
        await h.api.get('/v1/accounts', key),
        await h.api.get(`/v1/accounts/${account.id}`, key),
        await h.api.patch(`/v1/accounts/${account.id}`, { name: 'renamed during the outage' }, key),
        await h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } }),
        await h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } }),
        await h.api.post('/v1/accounts', accountBody(`${name}-no-key`), key),
      ];
      // No request can succeed: each must be the 503 problem, none a 500.
      for (const response of answers) expect(expectSuccessOr503(response, -1)).toBe('unavailable');
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.count('idempotency_keys', 'key = $1', [idempotencyKey])).toBe(0);

      await restore();
      await expectRecovery();
      const created = await retryUntilAnswered(accountBody(name), idempotencyKey);
      expect(created.json()).toMatchObject({ name, status: 'ACTIVE' });
      const replayed = await h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } });
      expect(replayed.statusCode).toBe(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.json().id).toBe(created.json().id);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, name])).toBe(1);
      // The refused rename never happened.
      expect(await h.db.query('SELECT name FROM accounts WHERE id = $1', [account.id])).toEqual([{ name: originalName }]);
    });

    it('frees the Idempotency-Key of a request cut off mid-transaction once Postgres is back, so the advised retry runs (no 409)', async () => {
      const name = `cut-mid-transaction-${randomUUID()}`;
      const idempotencyKey = randomUUID();
      const locker = await TestDatabase.connect(databaseUrlFor(databaseName));
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
        const pending = h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': idempotencyKey } });
        const deadline = Date.now() + 5_000;
        while ((await h.db.count('pg_stat_activity', `application_name = $1 AND datname = current_database() AND wait_event_type = 'Lock'`, [API_APPLICATION_NAME])) === 0) {
          if (Date.now() > deadline) throw new Error('the API never waited on the lock');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await cut();
        expect(expectSuccessOr503(await pending, 201)).toBe('unavailable');
        await locker.query('ROLLBACK');
      } finally {
        await locker.close();
      }
      // The claim could not be released while Postgres was away: it still holds the key.
      expect(await h.db.count('idempotency_keys', 'scope = $1 AND key = $2', [tenantId, idempotencyKey])).toBe(1);
      await restore();
      await expectRecovery();
      const retried = await retryUntilAnswered(accountBody(name), idempotencyKey);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, name])).toBe(1);
    });

    it('answers 503 (never 500) to requests whose connection is cut while they run; every 201 stands', async () => {
      const outcomes: { name: string; response: InjectResponse }[] = [];
      const pending = Array.from({ length: 10 }, (_, i) => {
        if (i % 2 === 0) return h.api.get('/v1/accounts', key).then((response) => expectSuccessOr503(response, 200));
        const name = `cut-${i}-${randomUUID()}`;
        return h.api.post('/v1/accounts', accountBody(name), key, { headers: { 'idempotency-key': randomUUID() } }).then((response) => {
          expectSuccessOr503(response, 201);
          outcomes.push({ name, response });
        });
      });
      const outage = new Promise((resolve) => setImmediate(resolve)).then(() => cut());
      await Promise.all([...pending, outage]);
      await restore();
      await expectRecovery();
      expect(outcomes).toHaveLength(5);
      for (const { name, response } of outcomes) {
        const rows = await h.db.query<{ id: string }>('SELECT id FROM accounts WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
        // An acknowledged account exists exactly once; a refused one at most once (its commit may have raced the cut).
        if (response.statusCode === 201) expect(rows).toEqual([{ id: response.json().id }]);
        else expect(rows.length).toBeLessThanOrEqual(1);
      }
    });
  });
});
