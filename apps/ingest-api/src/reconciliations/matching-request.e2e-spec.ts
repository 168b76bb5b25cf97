import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { statementEntry, expectProblem } from '@concilia/testing';
import { OutboxRelay } from '@concilia/platform';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/** Polls until `probe` returns something other than undefined, or fails after the deadline. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface OutboxRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  published_at: Date | null;
}

describe('matching requests and the outbox (e2e)', () => {
  let h: IngestApiHarness;
  let queue: Queue;

  beforeAll(async () => {
    h = await startIngestApi();
    queue = new Queue('matching', { connection: { host: '127.0.0.1', port: 6379 }, prefix: process.env['REDIS_PREFIX'] });
  });

  afterAll(async () => {
    await queue.close();
    await h.close();
  });

  async function setup(accountOverrides: Record<string, unknown> = {}) {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, accountOverrides);
    return { ...tenant, accountId: account.id };
  }

  function create(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return h.api.post('/v1/reconciliations', { periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL', ...body }, key, { headers });
  }

  const outboxRows = (reconciliationId: string) =>
    h.db.query<OutboxRow & Record<string, unknown>>(
      `SELECT id::text, queue, job_name, job_id, payload, published_at FROM outbox WHERE payload->>'reconciliationId' = $1 ORDER BY id`,
      [reconciliationId],
    );

  /** Every job of the matching queue (in any state) that belongs to this reconciliation. */
  async function jobsOf(reconciliationId: string): Promise<Job[]> {
    const jobs = await queue.getJobs(['waiting', 'paused', 'delayed', 'prioritized', 'active', 'completed', 'failed', 'waiting-children']);
    return jobs.filter((job) => job?.data?.reconciliationId === reconciliationId);
  }

  const published = (reconciliationId: string) =>
    eventually(`the outbox row of ${reconciliationId} to be published`, async () => {
      const rows = await outboxRows(reconciliationId);
      return rows.length > 0 && rows.every((row) => row.published_at !== null) ? rows : undefined;
    });

  const jobExists = (jobId: string) => eventually(`job ${jobId}`, async () => (await queue.getJob(jobId)) ?? undefined);

  describe('AUTOMATIC mode', () => {
    it('starts matching when entries arrive inline: PROCESSING, runVersion 1, a published outbox row and one job', async () => {
      const { key, keyId, tenantId, accountId } = await setup();
      const requestId = `req-${randomUUID()}`;
      const response = await create(key, { accountId, mode: 'AUTOMATIC', statementEntries: [statementEntry({ externalId: 'a' }), statementEntry({ externalId: 'b' })] }, { 'x-request-id': requestId });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ status: 'PROCESSING', runVersion: 1, statementEntryCount: 2, rematchRequested: false });
      expect(body.progress).toMatchObject({ stage: 'queued' });
      expect(await h.db.query('SELECT status, run_version FROM reconciliations WHERE id = $1', [body.id])).toEqual([{ status: 'PROCESSING', run_version: 1 }]);

      const rows = await published(body.id);
      expect(rows).toHaveLength(1);
      const jobId = `match-${body.id}-1`;
      expect(rows[0]).toMatchObject({ queue: 'matching', job_name: 'match-reconciliation', job_id: jobId });

      const job = await jobExists(jobId);
      expect(job.name).toBe('match-reconciliation');
      expect(job.data).toEqual({ schemaVersion: 1, tenantId, reconciliationId: body.id, runVersion: 1, correlationId: requestId });
      expect(rows[0].payload).toEqual(job.data);
      const serialized = JSON.stringify({ data: job.data, opts: job.opts, name: job.name });
      expect(serialized).not.toContain(key);
      expect(serialized).not.toContain('ck_');
      expect(serialized).not.toContain(keyId);
      expect(await jobsOf(body.id)).toHaveLength(1);
    });

    it('starts matching once expectedEntryCount is reached, not before', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, mode: 'AUTOMATIC', expectedEntryCount: 3 })).json();
      expect(created).toMatchObject({ status: 'PENDING', runVersion: 0, expectedEntryCount: 3 });

      const two = await h.api.post(`/v1/reconciliations/${created.id}/statement-entries`, { entries: [statementEntry({ externalId: '1' }), statementEntry({ externalId: '2' })] }, key);
      expect(two.statusCode).toBe(200);
      expect(two.json().reconciliation).toMatchObject({ status: 'PENDING', runVersion: 0, statementEntryCount: 2 });
      // A duplicate does not count towards the expected number.
      const duplicate = await h.api.post(`/v1/reconciliations/${created.id}/statement-entries`, { entries: [statementEntry({ externalId: '2' })] }, key);
      expect(duplicate.json()).toMatchObject({ created: 0, duplicates: 1, reconciliation: expect.objectContaining({ status: 'PENDING', runVersion: 0 }) });
      expect(await outboxRows(created.id)).toEqual([]);

      const third = await h.api.post(`/v1/reconciliations/${created.id}/statement-entries`, { entries: [statementEntry({ externalId: '3' })] }, key);
      expect(third.statusCode).toBe(200);
      expect(third.json().reconciliation).toMatchObject({ status: 'PROCESSING', runVersion: 1, statementEntryCount: 3 });
      expect(await h.db.query('SELECT status, run_version FROM reconciliations WHERE id = $1', [created.id])).toEqual([{ status: 'PROCESSING', run_version: 1 }]);
      expect(await published(created.id)).toHaveLength(1);
      expect((await jobExists(`match-${created.id}-1`)).data).toMatchObject({ reconciliationId: created.id, runVersion: 1 });
    });

    it('starts matching on submit', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, mode: 'AUTOMATIC' })).json();
      await h.api.post(`/v1/reconciliations/${created.id}/statement-entries`, { entries: [statementEntry()] }, key);
      expect(await statusOf(created.id)).toBe('PENDING');

      const submitted = await h.api.post(`/v1/reconciliations/${created.id}/submit`, undefined, key);
      expect(submitted.statusCode).toBe(200);
      expect(submitted.json()).toMatchObject({ status: 'PROCESSING', runVersion: 1, submittedAt: expect.stringMatching(/Z$/) });
      expect(await published(created.id)).toHaveLength(1);
      expect((await jobExists(`match-${created.id}-1`)).data).toMatchObject({ reconciliationId: created.id, runVersion: 1 });
      expect(await h.db.count('audit_events', "action = 'reconciliation.submitted' AND target_id = $1", [created.id])).toBe(1);
    });
  });

  describe('MANUAL mode', () => {
    it('stays PENDING with inline entries and queues nothing', async () => {
      const { key, accountId } = await setup();
      const response = await create(key, { accountId, mode: 'MANUAL', statementEntries: [statementEntry({ externalId: 'a' })], expectedEntryCount: 1 });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ status: 'PENDING', runVersion: 0, statementEntryCount: 1 });
      expect(body).not.toHaveProperty('progress');
      expect(await outboxRows(body.id)).toEqual([]);
      expect(await queue.getJob(`match-${body.id}-1`)).toBeUndefined();
    });

    it('submit records submittedAt and stays PENDING', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      const submitted = await h.api.post(`/v1/reconciliations/${created.id}/submit`, undefined, key);
      expect(submitted.statusCode).toBe(200);
      expect(submitted.json()).toMatchObject({ status: 'PENDING', runVersion: 0, submittedAt: expect.stringMatching(/Z$/) });
      const rows = await h.db.query<{ status: string; submitted_at: Date | null }>('SELECT status, submitted_at FROM reconciliations WHERE id = $1', [created.id]);
      expect(rows[0].status).toBe('PENDING');
      expect(rows[0].submitted_at).toBeInstanceOf(Date);
      expect(await outboxRows(created.id)).toEqual([]);
      expect(await queue.getJob(`match-${created.id}-1`)).toBeUndefined();
    });

    it('auto-match answers 202 PROCESSING and queues one job', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      const response = await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key);
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ id: created.id, status: 'PROCESSING', runVersion: 1, progress: expect.objectContaining({ stage: 'queued' }) });
      expect(await published(created.id)).toHaveLength(1);
      expect((await jobExists(`match-${created.id}-1`)).data).toMatchObject({ reconciliationId: created.id, runVersion: 1, schemaVersion: 1 });
      expect(await h.db.count('audit_events', "action = 'reconciliation.auto_match_requested' AND target_id = $1", [created.id])).toBe(1);
    });
  });

  describe('asking twice', () => {
    it('joins the running pass: a second auto-match keeps one outbox row, one job and the same runVersion', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      expect((await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key)).json().runVersion).toBe(1);
      const again = await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key);
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ status: 'PROCESSING', runVersion: 1 });
      // submit while PROCESSING never adds a pass either.
      expect((await h.api.post(`/v1/reconciliations/${created.id}/submit`, undefined, key)).json()).toMatchObject({ status: 'PROCESSING', runVersion: 1 });
      expect(await published(created.id)).toHaveLength(1);
      await jobExists(`match-${created.id}-1`);
      expect(await jobsOf(created.id)).toHaveLength(1);
      expect(await queue.getJob(`match-${created.id}-2`)).toBeUndefined();
    });

    it('10 concurrent auto-match calls start exactly one pass', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      const responses = await Promise.all(Array.from({ length: 10 }, () => h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key)));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
      expect(responses.map((r) => r.json().runVersion)).toEqual(Array(10).fill(1));
      expect(responses.every((r) => r.json().status === 'PROCESSING')).toBe(true);
      expect(await h.db.query('SELECT run_version FROM reconciliations WHERE id = $1', [created.id])).toEqual([{ run_version: 1 }]);
      expect(await published(created.id)).toHaveLength(1);
      await jobExists(`match-${created.id}-1`);
      expect(await jobsOf(created.id)).toHaveLength(1);
      expect(await h.db.count('audit_events', "action = 'reconciliation.auto_match_requested' AND target_id = $1", [created.id])).toBe(1);
    });

    it('replays auto-match with the same Idempotency-Key', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      const idempotencyKey = `auto-${randomUUID()}`;
      const first = await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key, { headers: { 'idempotency-key': idempotencyKey } });
      expect(first.statusCode).toBe(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const replay = await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key, { headers: { 'idempotency-key': idempotencyKey } });
      expect(replay.statusCode).toBe(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(await h.db.count('outbox', "payload->>'reconciliationId' = $1", [created.id])).toBe(1);
      expect(await h.db.count('audit_events', "action = 'reconciliation.auto_match_requested' AND target_id = $1", [created.id])).toBe(1);
      // The same key on another reconciliation is another request: 422 idempotency_key_reused, nothing started.
      const other = (await create(key, { accountId, periodStart: '2026-02-01', periodEnd: '2026-02-28', statementEntries: [statementEntry()] })).json();
      expectProblem(
        await h.api.post(`/v1/reconciliations/${other.id}/auto-match`, undefined, key, { headers: { 'idempotency-key': idempotencyKey } }),
        422,
        'idempotency_key_reused',
      );
      expect(await statusOf(other.id)).toBe('PENDING');
      expect(await outboxRows(other.id)).toEqual([]);
    });

    it('refuses auto-match and submit on a CLOSED reconciliation (409 reconciliation_closed), changing nothing', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, mode: 'AUTOMATIC' })).json();
      await h.db.query(`UPDATE reconciliations SET status = 'CLOSED', previous_status = 'COMPLETED' WHERE id = $1`, [created.id]);
      const before = await h.db.snapshot();
      expectProblem(await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key), 409, 'reconciliation_closed');
      expectProblem(await h.api.post(`/v1/reconciliations/${created.id}/submit`, undefined, key), 409, 'reconciliation_closed');
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.query('SELECT status, run_version FROM reconciliations WHERE id = $1', [created.id])).toEqual([{ status: 'CLOSED', run_version: 0 }]);
    });

    it('answers 404 for auto-match and submit on an unknown or foreign reconciliation', async () => {
      const { key, accountId } = await setup();
      const other = await setup();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      const before = await h.db.snapshot();
      for (const path of ['auto-match', 'submit']) {
        expectProblem(await h.api.post(`/v1/reconciliations/${randomUUID()}/${path}`, undefined, key), 404, 'not_found');
        expectProblem(await h.api.post(`/v1/reconciliations/${created.id}/${path}`, undefined, other.key), 404, 'not_found');
      }
      expect(await h.db.snapshot()).toEqual(before);
      expect(await statusOf(created.id)).toBe('PENDING');
    });
  });

  describe('the outbox', () => {
    it('answers at once while Redis is down and relays the job once Redis is reachable', async () => {
      const down = await startIngestApi({ REDIS_URL: 'redis://127.0.0.1:6390' });
      let id: string;
      try {
        const tenant = await down.api.createTenant();
        const account = await down.api.createAccount(tenant.key);
        const started = Date.now();
        const response = await down.api.post(
          '/v1/reconciliations',
          { accountId: account.id, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'AUTOMATIC', statementEntries: [statementEntry({ externalId: 'x' })] },
          tenant.key,
        );
        const elapsed = Date.now() - started;
        expect(response.statusCode).toBe(201);
        expect(elapsed).toBeLessThan(4000);
        id = response.json().id;
        expect(response.json()).toMatchObject({ status: 'PROCESSING', runVersion: 1 });
        // The row is committed with the change. The direct publish (through the unreachable Redis)
        // cannot have sent it; only a relay sweep may have, and a sweep waits out the grace period
        // (300 ms): of this file's harness or of another test file's, all on the same database.
        const rows = await h.db.query<{ unpublished: boolean; published_late: boolean }>(
          `SELECT published_at IS NULL AS unpublished, published_at >= created_at + interval '300 milliseconds' AS published_late
             FROM outbox WHERE payload->>'reconciliationId' = $1`,
          [id],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].unpublished || rows[0].published_late).toBe(true);
      } finally {
        await down.close();
      }
      // The harness of this file (Redis reachable) relays it on one of its sweeps.
      const rows = await published(id);
      expect(rows).toHaveLength(1);
      const job = await jobExists(`match-${id}-1`);
      expect(job.data).toMatchObject({ reconciliationId: id, runVersion: 1, schemaVersion: 1 });
      expect(await jobsOf(id)).toHaveLength(1);
    });

    it('relaying the same row twice still leaves one job with that id', async () => {
      const { key, accountId } = await setup();
      const created = (await create(key, { accountId, mode: 'AUTOMATIC', statementEntries: [statementEntry()] })).json();
      const [row] = await published(created.id);
      const jobId = `match-${created.id}-1`;
      const original = await jobExists(jobId);

      await h.db.query('UPDATE outbox SET published_at = NULL WHERE id = $1', [row.id]);
      // Older than the grace period (300 ms in tests), so the relay takes it up; another sweep may get there first.
      await eventually('the row to pass the grace period', async () =>
        (await h.db.count('outbox', `id = $1 AND created_at < now() - interval '300 milliseconds'`, [row.id])) === 1 ? true : undefined,
      );
      const relayed = await h.app.get(OutboxRelay).relayOnce();
      expect(relayed).toBeGreaterThanOrEqual(0);
      const again = await published(created.id);
      expect(again).toHaveLength(1);
      // Sent a second time (by this call or a sweep): a new publish time.
      expect(Number(again[0].published_at)).toBeGreaterThan(Number(row.published_at));

      const jobs = await jobsOf(created.id);
      expect(jobs.map((job) => job.id)).toEqual([jobId]);
      const job = await queue.getJob(jobId);
      expect(job?.timestamp).toBe(original.timestamp);
      expect(job?.data).toEqual(original.data);
    });
  });

  async function statusOf(id: string): Promise<string> {
    return (await h.db.query<{ status: string }>('SELECT status FROM reconciliations WHERE id = $1', [id]))[0].status;
  }
});
