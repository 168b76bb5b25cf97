import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { v7 as uuidv7 } from 'uuid';
import { bullConnection } from '@concilia/queue-contracts';
import type { InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { expectProblem } from '@concilia/testing';

const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };
const RANDOM_ID = '0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d';
const LOCAL_URL = 'http://127.0.0.1:9/hooks/concilia';
const ATTEMPT_FIELDS = ['attemptedAt', 'durationMs', 'error', 'responseExcerpt', 'statusCode'];
const DELIVERY_FIELDS = ['attemptCount', 'attempts', 'createdAt', 'deliveredAt', 'endpointId', 'eventId', 'eventType', 'id', 'lastError', 'lastStatusCode', 'nextAttemptAt', 'status'];

function withoutRequestId(response: InjectResponse): Record<string, unknown> {
  const { requestId, ...rest } = response.json();
  expect(requestId).toEqual(expect.any(String));
  return rest;
}

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

interface SeedAttempt {
  statusCode: number | null;
  error?: string | null;
  durationMs?: number;
  excerpt?: string | null;
}

interface SeedDelivery {
  status?: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  eventType?: string;
  attempts?: SeedAttempt[];
  nextAttemptAt?: Date | null;
  lastError?: string | null;
}

describe('webhook deliveries (e2e)', () => {
  let h: IngestApiHarness;
  let queue: Queue;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
    queue = new Queue('webhook-delivery', { connection: bullConnection(h.settings.REDIS_URL), prefix: h.settings.REDIS_PREFIX });
  });

  afterAll(async () => {
    await queue.close();
    await h.close();
  });

  async function setup() {
    const tenant = await h.api.createTenant();
    const response = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['reconciliation.completed', 'account.blocked'] }, tenant.key);
    if (response.statusCode !== 201) throw new Error(`create endpoint: ${response.statusCode} ${response.body}`);
    const endpoint = response.json() as { id: string; secret: string };
    return { ...tenant, endpointId: endpoint.id, secret: endpoint.secret };
  }

  /** A delivery as the notifier would have written it: the event, the delivery row and its attempts (oldest first). */
  async function seedDelivery(tenantId: string, endpointId: string, seed: SeedDelivery = {}): Promise<{ id: string; eventId: string }> {
    const eventId = uuidv7();
    const eventType = seed.eventType ?? 'reconciliation.completed';
    await h.db.query('INSERT INTO events (id, tenant_id, type, data) VALUES ($1, $2, $3, $4)', [eventId, tenantId, eventType, JSON.stringify({ reconciliationId: randomUUID() })]);
    const id = uuidv7();
    const attempts = seed.attempts ?? [];
    const status = seed.status ?? 'FAILED';
    const last = attempts[attempts.length - 1];
    await h.db.query(
      `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        tenantId,
        endpointId,
        eventId,
        eventType,
        status,
        attempts.length,
        seed.nextAttemptAt ?? null,
        last?.statusCode ?? null,
        seed.lastError ?? last?.error ?? null,
        status === 'SUCCEEDED' ? new Date() : null,
      ],
    );
    for (const [index, attempt] of attempts.entries()) {
      await h.db.query(
        `INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, status_code, duration_ms, error, response_excerpt)
         VALUES ($1, $2, now() - make_interval(mins => $3), $4, $5, $6, $7)`,
        [id, tenantId, attempts.length - index, attempt.statusCode, attempt.durationMs ?? 10 + index, attempt.error ?? null, attempt.excerpt ?? null],
      );
    }
    return { id, eventId };
  }

  const deliveryRow = async (id: string) =>
    (
      await h.db.query<{ status: string; attempts: number; next_attempt_at: Date | null; last_error: string | null; delivered_at: Date | null; last_status_code: number | null }>(
        'SELECT status, attempts, next_attempt_at, last_error, delivered_at, last_status_code FROM webhook_deliveries WHERE id = $1',
        [id],
      )
    )[0];

  const outboxOf = (deliveryId: string) =>
    h.db.query<{ queue: string; job_name: string; job_id: string; payload: Record<string, unknown>; published_at: Date | null }>(
      "SELECT queue, job_name, job_id, payload, published_at FROM outbox WHERE payload->>'deliveryId' = $1 ORDER BY id",
      [deliveryId],
    );

  describe('GET /v1/webhook-endpoints/{id}/deliveries', () => {
    it('lists the endpoint’s deliveries newest first, each with its attempts (time, status code, duration, error, 1 KB excerpt)', async () => {
      const { tenantId, key, endpointId } = await setup();
      const first = await seedDelivery(tenantId, endpointId, {
        status: 'FAILED',
        attempts: [
          { statusCode: 500, error: 'receiver answered 500', durationMs: 120, excerpt: 'x'.repeat(1024) },
          { statusCode: null, error: 'timed out after 15000 ms', durationMs: 15000 },
        ],
      });
      const second = await seedDelivery(tenantId, endpointId, { status: 'SUCCEEDED', eventType: 'account.blocked', attempts: [{ statusCode: 200, durationMs: 8, excerpt: 'ok' }] });
      const third = await seedDelivery(tenantId, endpointId, { status: 'PENDING', attempts: [], nextAttemptAt: new Date(Date.now() + 60_000) });
      // Another endpoint of the same tenant: its deliveries are not listed here.
      const otherEndpoint = (await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['account.blocked'] }, key)).json();
      const elsewhere = await seedDelivery(tenantId, otherEndpoint.id, { attempts: [{ statusCode: 503 }] });

      const response = await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries`, key);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.nextCursor).toBeNull();
      expect(body.data.map((delivery: { id: string }) => delivery.id)).toEqual([third.id, second.id, first.id]);
      expect(body.data.map((delivery: { id: string }) => delivery.id)).not.toContain(elsewhere.id);
      for (const delivery of body.data) {
        expect(Object.keys(delivery).sort()).toEqual(DELIVERY_FIELDS);
        for (const attempt of delivery.attempts) expect(Object.keys(attempt).sort()).toEqual(ATTEMPT_FIELDS);
      }

      const [pending, succeeded, failed] = body.data;
      expect(pending).toMatchObject({ status: 'PENDING', attemptCount: 0, attempts: [], nextAttemptAt: expect.stringMatching(/Z$/), deliveredAt: null, endpointId });
      expect(succeeded).toMatchObject({ status: 'SUCCEEDED', eventType: 'account.blocked', eventId: second.eventId, attemptCount: 1, lastStatusCode: 200, deliveredAt: expect.stringMatching(/Z$/) });
      expect(succeeded.attempts).toEqual([{ attemptedAt: expect.stringMatching(/Z$/), statusCode: 200, durationMs: 8, error: null, responseExcerpt: 'ok' }]);
      expect(failed).toMatchObject({ status: 'FAILED', eventId: first.eventId, eventType: 'reconciliation.completed', attemptCount: 2, lastStatusCode: null, lastError: 'timed out after 15000 ms' });
      expect(failed.attempts).toEqual([
        { attemptedAt: expect.stringMatching(/Z$/), statusCode: 500, durationMs: 120, error: 'receiver answered 500', responseExcerpt: 'x'.repeat(1024) },
        { attemptedAt: expect.stringMatching(/Z$/), statusCode: null, durationMs: 15000, error: 'timed out after 15000 ms', responseExcerpt: null },
      ]);
      expect(Date.parse(failed.attempts[0].attemptedAt)).toBeLessThan(Date.parse(failed.attempts[1].attemptedAt));
    });

    it('pages with limit and cursor, and filters by status', async () => {
      const { tenantId, key, endpointId } = await setup();
      const seeded = [];
      for (let i = 0; i < 5; i += 1) seeded.push(await seedDelivery(tenantId, endpointId, { status: i % 2 === 0 ? 'FAILED' : 'SUCCEEDED', attempts: [{ statusCode: i % 2 === 0 ? 500 : 200 }] }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key);
        expect(page.statusCode).toBe(200);
        const body = page.json();
        expect(body.data.length).toBeLessThanOrEqual(2);
        seen.push(...body.data.map((delivery: { id: string }) => delivery.id));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(seeded.map((delivery) => delivery.id).reverse());

      const failed = (await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries?status=FAILED`, key)).json();
      expect(failed.data.map((delivery: { id: string }) => delivery.id)).toEqual([seeded[4].id, seeded[2].id, seeded[0].id]);
      expect(failed.data.every((delivery: { status: string }) => delivery.status === 'FAILED')).toBe(true);

      expectProblem(await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries?status=LOST`, key), 400, 'invalid_query');
      expectProblem(await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries?eventType=x`, key), 400, 'unknown_field');
      expectProblem(await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries?limit=0`, key), 400, 'invalid_query');
      expectProblem(await h.api.get('/v1/webhook-endpoints/nope/deliveries', key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/webhook-endpoints/${RANDOM_ID}/deliveries`, key), 404, 'not_found');
    });

    it('shows at most the 100 newest attempts of a delivery, oldest first', async () => {
      const { tenantId, key, endpointId } = await setup();
      const { id } = await seedDelivery(tenantId, endpointId, { attempts: [] });
      await h.db.query(
        `INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, status_code, duration_ms)
         SELECT $1, $2, now() - make_interval(secs => 200 - n), 500, n FROM generate_series(1, 130) AS n`,
        [id, tenantId],
      );
      const body = (await h.api.get(`/v1/webhook-endpoints/${endpointId}/deliveries`, key)).json();
      const durations = body.data[0].attempts.map((attempt: { durationMs: number }) => attempt.durationMs);
      expect(durations).toEqual(Array.from({ length: 100 }, (_, i) => 31 + i));
    });

    it('never lists another tenant’s deliveries', async () => {
      const owner = await setup();
      const intruder = await setup();
      await seedDelivery(owner.tenantId, owner.endpointId, { attempts: [{ statusCode: 500 }] });
      const mine = await seedDelivery(intruder.tenantId, intruder.endpointId, { attempts: [{ statusCode: 500 }] });
      const listed = (await h.api.get(`/v1/webhook-endpoints/${intruder.endpointId}/deliveries`, intruder.key)).json();
      expect(listed.data.map((delivery: { id: string }) => delivery.id)).toEqual([mine.id]);
      const foreign = await h.api.get(`/v1/webhook-endpoints/${owner.endpointId}/deliveries`, intruder.key);
      const random = await h.api.get(`/v1/webhook-endpoints/${RANDOM_ID}/deliveries`, intruder.key);
      expectProblem(foreign, 404, 'not_found');
      expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
    });
  });

  describe('POST /v1/webhook-deliveries/{id}/retry', () => {
    it('sets a FAILED delivery back to PENDING, due now, and queues a deliver-webhook job through the outbox (202)', async () => {
      const { tenantId, key, keyId, endpointId, secret } = await setup();
      const { id } = await seedDelivery(tenantId, endpointId, { status: 'FAILED', attempts: [{ statusCode: 500 }, { statusCode: 500 }, { statusCode: 502, error: 'bad gateway' }] });
      const requestId = `req-${randomUUID()}`;
      const startedAt = Date.now();
      const response = await h.api.post(`/v1/webhook-deliveries/${id}/retry`, undefined, key, { headers: { 'x-request-id': requestId } });
      expect(response.statusCode).toBe(202);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(DELIVERY_FIELDS);
      expect(body).toMatchObject({ id, endpointId, status: 'PENDING', attemptCount: 3, nextAttemptAt: expect.stringMatching(/Z$/), lastStatusCode: 502 });
      expect(body.attempts).toHaveLength(3);

      const row = await deliveryRow(id);
      expect(row).toMatchObject({ status: 'PENDING', attempts: 3, delivered_at: null });
      expect(row.next_attempt_at).toBeInstanceOf(Date);
      const dueAt = Number(row.next_attempt_at?.getTime());
      expect(dueAt).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(dueAt).toBeLessThanOrEqual(Date.now() + 1000);

      const payload = { schemaVersion: 1, tenantId, correlationId: requestId, deliveryId: id };
      const rows = await eventually('the retry’s outbox row to be published', async () => {
        const found = await outboxOf(id);
        return found.length === 1 && found[0].published_at !== null ? found : undefined;
      });
      expect(rows[0]).toMatchObject({ queue: 'webhook-delivery', job_name: 'deliver-webhook', payload });
      expect(rows[0].job_id).toMatch(new RegExp(`^delivery-${id}-4-retry-[0-9a-f-]{36}$`));

      const job = await eventually(`job ${rows[0].job_id}`, async () => (await queue.getJob(rows[0].job_id)) ?? undefined);
      expect(job.name).toBe('deliver-webhook');
      expect(job.data).toEqual(payload);
      const serialized = JSON.stringify({ data: job.data, opts: job.opts, name: job.name, outbox: rows });
      expect(serialized).not.toContain('whsec_');
      expect(serialized).not.toContain(secret);

      const audit = await h.db.query('SELECT actor_id, tenant_id, before, after FROM audit_events WHERE action = $1 AND target_id = $2', ['webhook_delivery.retried', id]);
      expect(audit).toEqual([
        {
          actor_id: keyId,
          tenant_id: tenantId,
          before: { status: 'FAILED', attempts: 3, nextAttemptAt: null },
          after: { status: 'PENDING', attempts: 3, nextAttemptAt: body.nextAttemptAt },
        },
      ]);
    });

    it('retries a SUCCEEDED delivery too (deliver again), and every retry queues its own job', async () => {
      const { tenantId, key, endpointId } = await setup();
      const { id } = await seedDelivery(tenantId, endpointId, { status: 'SUCCEEDED', attempts: [{ statusCode: 204 }] });
      const first = await h.api.post(`/v1/webhook-deliveries/${id}/retry`, undefined, key);
      expect(first.statusCode).toBe(202);
      expect(first.json()).toMatchObject({ status: 'PENDING', deliveredAt: null });
      expect(await deliveryRow(id)).toMatchObject({ status: 'PENDING', delivered_at: null });
      const second = await h.api.post(`/v1/webhook-deliveries/${id}/retry`, undefined, key);
      expect(second.statusCode).toBe(202);

      const rows = await eventually('both outbox rows published', async () => {
        const found = await outboxOf(id);
        return found.length === 2 && found.every((row) => row.published_at !== null) ? found : undefined;
      });
      expect(new Set(rows.map((row) => row.job_id)).size).toBe(2);
      for (const row of rows) {
        const job = await eventually(`job ${row.job_id}`, async () => (await queue.getJob(row.job_id)) ?? undefined);
        expect(job.data).toMatchObject({ deliveryId: id, tenantId });
      }
      expect(await h.db.count('audit_events', "action = 'webhook_delivery.retried' AND target_id = $1", [id])).toBe(2);
    });

    it('refuses while the endpoint is disabled (409 webhook_endpoint_disabled) and changes nothing; a webhook.test delivery may still be retried', async () => {
      const { tenantId, key, endpointId } = await setup();
      const { id } = await seedDelivery(tenantId, endpointId, { status: 'FAILED', attempts: [{ statusCode: 410 }] });
      await h.db.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'receiver answered 410 Gone' WHERE id = $1`, [endpointId]);
      const before = await deliveryRow(id);
      const snapshot = await h.db.snapshot();
      expectProblem(await h.api.post(`/v1/webhook-deliveries/${id}/retry`, undefined, key), 409, 'webhook_endpoint_disabled');
      expect(await deliveryRow(id)).toEqual(before);
      expect(await outboxOf(id)).toEqual([]);
      expect(await h.db.snapshot()).toEqual(snapshot);

      // A webhook.test delivery is delivered even to a disabled endpoint, so it may be retried.
      const test = await seedDelivery(tenantId, endpointId, { status: 'FAILED', eventType: 'webhook.test', attempts: [{ statusCode: 500 }] });
      const retried = await h.api.post(`/v1/webhook-deliveries/${test.id}/retry`, undefined, key);
      expect(retried.statusCode).toBe(202);
      expect(await deliveryRow(test.id)).toMatchObject({ status: 'PENDING' });
      expect(await outboxOf(test.id)).toHaveLength(1);
    });

    it('answers another tenant’s delivery exactly like a random id (404) and leaves it alone', async () => {
      const owner = await setup();
      const intruder = await setup();
      const { id } = await seedDelivery(owner.tenantId, owner.endpointId, { status: 'FAILED', attempts: [{ statusCode: 500 }] });
      const before = await deliveryRow(id);
      const foreign = await h.api.post(`/v1/webhook-deliveries/${id}/retry`, undefined, intruder.key);
      const random = await h.api.post(`/v1/webhook-deliveries/${RANDOM_ID}/retry`, undefined, intruder.key);
      expectProblem(foreign, 404, 'not_found');
      expectProblem(random, 404, 'not_found');
      expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
      expect(await deliveryRow(id)).toEqual(before);
      expect(await outboxOf(id)).toEqual([]);
      expectProblem(await h.api.post('/v1/webhook-deliveries/not-a-uuid/retry', undefined, intruder.key), 400, 'invalid_id');
    });
  });

  describe('deleting an endpoint', () => {
    it('ends its PENDING deliveries FAILED with “endpoint deleted”, keeps the rest, and retrying them is 404', async () => {
      const { tenantId, key, endpointId } = await setup();
      const pending = await seedDelivery(tenantId, endpointId, { status: 'PENDING', attempts: [{ statusCode: 500 }], nextAttemptAt: new Date(Date.now() + 300_000) });
      const succeeded = await seedDelivery(tenantId, endpointId, { status: 'SUCCEEDED', attempts: [{ statusCode: 200 }] });
      const other = await setup();
      const untouched = await seedDelivery(other.tenantId, other.endpointId, { status: 'PENDING', attempts: [] });

      expect((await h.api.delete(`/v1/webhook-endpoints/${endpointId}`, key)).statusCode).toBe(204);
      expect(await deliveryRow(pending.id)).toMatchObject({ status: 'FAILED', last_error: 'endpoint deleted', next_attempt_at: null, attempts: 1 });
      expect(await deliveryRow(succeeded.id)).toMatchObject({ status: 'SUCCEEDED', last_error: null });
      expect(await deliveryRow(untouched.id)).toMatchObject({ status: 'PENDING' });
      expect(await h.db.count('webhook_attempts', 'delivery_id = ANY($1::uuid[])', [[pending.id, succeeded.id]])).toBe(2);
      const audit = await h.db.query('SELECT after FROM audit_events WHERE action = $1 AND target_id = $2', ['webhook_endpoint.deleted', endpointId]);
      expect(audit).toEqual([{ after: { pendingDeliveriesFailed: 1 } }]);

      expectProblem(await h.api.post(`/v1/webhook-deliveries/${pending.id}/retry`, undefined, key), 404, 'not_found');
      expect(await outboxOf(pending.id)).toEqual([]);
    });
  });
});
