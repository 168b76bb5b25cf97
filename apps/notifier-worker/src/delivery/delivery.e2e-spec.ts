import { Webhook } from 'standardwebhooks';
import { deliveryJobId } from '@concilia/queue-contracts';
import { eventually, startNotifier, type NotifierHarness } from '../testing/notifier.harness';
import { WebhookReceiver } from '../testing/webhook-receiver';


/**
 * Delivery end to end: events recorded through the outbox, fanned out and POSTed by the real
 * notifier to real receivers on 127.0.0.1, verified the way a receiver verifies them. Retry
 * schedule scaled by 0.001 (5 ms, 300 ms, 1.8 s, ...); attempt timeout 1 s; 2 requests in flight
 * per endpoint.
 */
describe('notifier-worker: delivery (e2e)', () => {
  let n: NotifierHarness;
  const receivers: WebhookReceiver[] = [];
  const tenants: string[] = [];

  beforeAll(async () => {
    n = await startNotifier();
  });

  afterEach(async () => {
    // Stop whatever a test left retrying, then free its receivers.
    if (tenants.length > 0) await n.db.query(`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = ANY($1::uuid[])`, [tenants]);
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  afterAll(() => n.close());

  async function receiver(...args: Parameters<typeof WebhookReceiver.start>): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start(...args);
    receivers.push(started);
    return started;
  }

  async function tenant(): Promise<string> {
    const id = await n.seedTenant();
    tenants.push(id);
    return id;
  }

  it('POSTs the event once, signed over the exact bytes sent, verifiable with standardwebhooks', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url('/hooks/concilia?src=test'));
    const data = { reconciliationId: '0195f0a0-0000-7000-8000-000000000001', status: 'COMPLETED', summary: { matched: { count: 2, amount: '130.00' } } };
    const eventId = await n.emit(tenantId, 'reconciliation.completed', data);

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const [request] = await hook.waitForRequests(1);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/concilia?src=test');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(Number(request.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    // Exactly as a receiver does it: the raw body and the three headers.
    const verified = new Webhook(endpoint.secret).verify(request.body, request.headers);
    const [event] = await n.db.query<{ created_at: Date }>(`SELECT created_at FROM events WHERE id = $1`, [eventId]);
    expect(verified).toEqual({ id: eventId, type: 'reconciliation.completed', createdAt: event.created_at.toISOString(), data });
    // One byte changed and the signature no longer holds.
    expect(() => new Webhook(endpoint.secret).verify(request.body.replace('130.00', '130.01'), request.headers)).toThrow();

    expect(delivery).toMatchObject({ tenant_id: tenantId, status: 'SUCCEEDED', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect(delivery.delivered_at).toBeInstanceOf(Date);
    const attempts = await n.attempts(delivery.id);
    expect(attempts).toEqual([{ attempted_at: expect.any(Date), status_code: 200, duration_ms: expect.any(Number), error: null, response_excerpt: 'ok' }]);
    expect(hook.requests).toHaveLength(1);
  });

  it('puts ids only in the delivery job: never the secret, never the body', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed', { marker: 'body-only-field' });
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);

    const job = await n.deliveryQueue.getJob(deliveryJobId(delivery.id, 1));
    expect(job?.name).toBe('deliver-webhook');
    expect(job?.data).toEqual({ schemaVersion: 1, tenantId, correlationId: expect.stringMatching(/^test-/), deliveryId: delivery.id });
    const serialized = JSON.stringify(job?.data);
    expect(serialized).not.toContain(endpoint.secret);
    expect(serialized).not.toContain('body-only-field');
    expect(job?.returnvalue).toBe('succeeded');
  });

  it('retries a 500 on the scaled schedule with the same webhook-id and body, and succeeds on the 200', async () => {
    const hook = await receiver((_request, response, index) => {
      response.statusCode = index < 2 ? 500 : 200;
      response.end(index < 2 ? 'try later' : 'ok');
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed', { n: 1 });

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    expect(delivery).toMatchObject({ attempts: 3, last_status_code: 200, last_error: null });
    const requests = hook.requests;
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    for (const request of requests) expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId });

    const attempts = await n.attempts(delivery.id);
    expect(attempts.map((attempt) => [attempt.status_code, attempt.error, attempt.response_excerpt])).toEqual([
      [500, 'HTTP 500', 'try later'],
      [500, 'HTTP 500', 'try later'],
      [200, null, 'ok'],
    ]);
    // 5 s then 5 min, times 0.001, each ±20 %: the second wait is about 300 ms, never the first's few ms.
    const firstGap = requests[1].at - requests[0].at;
    const secondGap = requests[2].at - requests[1].at;
    expect(firstGap).toBeGreaterThanOrEqual(4);
    expect(firstGap).toBeLessThan(240);
    expect(secondGap).toBeGreaterThanOrEqual(240);
    const [state] = await n.db.query<{ failing_since: Date | null; enabled: boolean }>(`SELECT failing_since, enabled FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(state).toEqual({ failing_since: null, enabled: true });
  });

  it('marks the endpoint as failing while a delivery fails, and ends the streak on success', async () => {
    let answer = 503;
    const hook = await receiver((_request, response) => {
      response.statusCode = answer;
      response.end();
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    const failed = await n.waitForDelivery(eventId, endpoint.id, ['PENDING'], 10_000, 1);
    expect(failed).toMatchObject({ last_status_code: 503, last_error: 'HTTP 503' });
    expect(failed.next_attempt_at).toBeInstanceOf(Date);
    const [failing] = await n.db.query<{ failing_since: Date | null }>(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(failing.failing_since).toBeInstanceOf(Date);

    answer = 204;
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const [recovered] = await n.db.query<{ failing_since: Date | null }>(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(recovered.failing_since).toBeNull();
  });

  it('honours Retry-After on a 429', async () => {
    const hook = await receiver((_request, response, index) => {
      if (index === 0) {
        response.writeHead(429, { 'retry-after': '1' });
        response.end('slow down');
        return;
      }
      response.end('ok');
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    expect(delivery.attempts).toBe(2);
    // The scaled schedule alone would have retried after ~5 ms.
    expect(hook.requests[1].at - hook.requests[0].at).toBeGreaterThanOrEqual(990);
    expect((await n.attempts(delivery.id)).map((attempt) => attempt.status_code)).toEqual([429, 200]);
  });

  it('gives up an attempt slower than the timeout, records it as a timeout, and retries', async () => {
    const hook = await receiver(async (_request, response, index) => {
      if (index === 0) await new Promise((resolve) => setTimeout(resolve, 2500));
      if (!response.destroyed) response.end('late or fine');
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const attempts = await n.attempts(delivery.id);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ status_code: null, response_excerpt: null });
    expect(attempts[0].error).toMatch(/^timeout: no complete answer within 1000 ms/);
    // The timeout held: the attempt ended near 1 s, well before the receiver's 2.5 s.
    expect(attempts[0].duration_ms).toBeGreaterThanOrEqual(950);
    expect(attempts[0].duration_ms).toBeLessThan(2000);
    expect(attempts[1]).toMatchObject({ status_code: 200, error: null, response_excerpt: 'late or fine' });
    expect(hook.requests[0].headers['webhook-id']).toBe(hook.requests[1].headers['webhook-id']);
  });

  it('disables the endpoint on 410 Gone and fails the delivery without retrying', async () => {
    const hook = await receiver((_request, response) => {
      response.statusCode = 410;
      response.end('gone');
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['FAILED']);
    expect(delivery).toMatchObject({ attempts: 1, last_status_code: 410, next_attempt_at: null, delivered_at: null });
    const [state] = await n.db.query(`SELECT enabled, disabled_reason FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(state).toEqual({ enabled: false, disabled_reason: 'gone (410)' });

    // A disabled endpoint is not subscribed any more: the next event creates no delivery for it.
    const next = await n.emit(tenantId, 'reconciliation.completed');
    await eventually(async () => ((await n.db.count('outbox', `payload->>'eventId' = $1 AND published_at IS NOT NULL`, [next])) === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await n.deliveries({ eventId: next })).toEqual([]);
    expect(hook.requests).toHaveLength(1);
  });

  it('never follows a redirect: a 302 is a failed attempt and the Location target receives nothing', async () => {
    const target = await receiver();
    const hook = await receiver((_request, response) => {
      response.writeHead(302, { location: target.url('/stolen') });
      response.end();
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['PENDING'], 60_000, 2);
    const attempts = await n.attempts(delivery.id);
    expect(attempts.slice(0, 2).map((attempt) => [attempt.status_code, attempt.error])).toEqual([
      [302, 'HTTP 302: redirect not followed'],
      [302, 'HTTP 302: redirect not followed'],
    ]);
    expect(delivery.delivered_at).toBeNull();
    expect(target.requests).toHaveLength(0);
  });

  it('reads at most the first 8 KB of a 20 MB answer, stores 1 KB, and counts the 2xx as delivered', async () => {
    const total = 20 * 1024 * 1024;
    let written = 0;
    let finished = false;
    let closed = false;
    const first = Buffer.alloc(64 * 1024, 'a');
    first.write('BEGIN-');
    const rest = Buffer.alloc(64 * 1024, 'a');
    const hook = await receiver(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      response.on('finish', () => (finished = true));
      response.on('close', () => (closed = true));
      while (written < total && !response.destroyed) {
        const ok = response.write(written === 0 ? first : rest);
        written += rest.length;
        if (!ok) await new Promise((resolve) => (response.once('drain', resolve), response.once('close', resolve)));
      }
      if (!response.destroyed) response.end();
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const before = process.memoryUsage().arrayBuffers;
    const eventId = await n.emit(tenantId, 'reconciliation.completed');

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const [attempt] = await n.attempts(delivery.id);
    expect(attempt.status_code).toBe(200);
    expect(Buffer.byteLength(attempt.response_excerpt ?? '')).toBe(1024);
    expect(attempt.response_excerpt).toBe(`BEGIN-${'a'.repeat(1018)}`);
    expect(attempt.duration_ms).toBeLessThan(1000);
    // The notifier hung up after its 8 KB: the receiver could never finish sending the 20 MB.
    await eventually(async () => (closed ? true : undefined), 10_000, 'the receiver saw the connection close');
    expect(finished).toBe(false);
    expect(written).toBeLessThan(total);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('stores a binary answer as text: NUL bytes replaced, the delivery still counted', async () => {
    const hook = await receiver((_request, response) => {
      response.writeHead(202, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0x21]));
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const delivery = await n.waitForDelivery(await n.emit(tenantId, 'reconciliation.completed'), endpoint.id, ['SUCCEEDED']);
    const [attempt] = await n.attempts(delivery.id);
    expect(attempt).toMatchObject({ status_code: 202, error: null, response_excerpt: 'ok\uFFFD\uFFFD!' });
  });

  it('signs with both secrets while a rotated-out secret is within its overlap, so either verifies the same request', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const previous = await n.seedEndpoint(tenantId, hook.url('/rotation-source'), { events: ['import.completed'] });
    const rotated = await n.seedEndpoint(tenantId, hook.url('/rotated'), {
      events: ['reconciliation.completed'],
      previousSecret: previous.secret,
      previousSecretExpiresAt: new Date(Date.now() + 24 * 3600 * 1000),
    });
    const eventId = await n.emit(tenantId, 'reconciliation.completed', { rotation: true });
    await n.waitForDelivery(eventId, rotated.id, ['SUCCEEDED']);

    const [request] = hook.requests;
    expect(request.path).toBe('/rotated');
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId });
    expect(new Webhook(previous.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId });
  });

  it('stops signing with the previous secret once its overlap has expired', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const old = await n.seedEndpoint(tenantId, hook.url('/old'), { events: ['import.completed'] });
    const current = await n.seedEndpoint(tenantId, hook.url('/current'), {
      previousSecret: old.secret,
      previousSecretExpiresAt: new Date(Date.now() - 1000),
    });
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    await n.waitForDelivery(eventId, current.id, ['SUCCEEDED']);

    const [request] = hook.requests;
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(current.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId });
    expect(() => new Webhook(old.secret).verify(request.body, request.headers)).toThrow();
  });

  it('treats a repeated job for an attempt already made as a no-op: one POST, one attempt', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);

    // The queue forgot the finished job (its retention expired) and the same attempt is published again.
    const first = await n.deliveryQueue.getJob(deliveryJobId(delivery.id, 1));
    await first?.remove();
    const again = await n.deliveryQueue.add('deliver-webhook', first?.data, { jobId: deliveryJobId(delivery.id, 1) });
    await eventually(async () => ((await again.getState()) === 'completed' ? true : undefined));
    expect((await n.deliveryQueue.getJob(deliveryJobId(delivery.id, 1)))?.returnvalue).toBe('duplicate');
    expect(hook.requests).toHaveLength(1);
    expect(await n.attempts(delivery.id)).toHaveLength(1);
    expect((await n.deliveries({ eventId }))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('delivers again, with the same webhook-id, when a delivery is re-queued for a replay (the retry route)', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed', { replay: true });
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);

    // What POST /v1/webhook-deliveries/{id}/retry does: back to PENDING, due now, and a job for the next attempt with a fresh suffix.
    await n.db.query(`UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now(), delivered_at = NULL WHERE id = $1`, [delivery.id]);
    await n.deliveryQueue.add('deliver-webhook', { schemaVersion: 1, tenantId, correlationId: 'replay', deliveryId: delivery.id }, { jobId: `${deliveryJobId(delivery.id, 2)}-retry-1` });

    const replayed = await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED'], 60_000, 2);
    expect(replayed.attempts).toBe(2);
    expect(replayed.delivered_at).toBeInstanceOf(Date);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests.map((request) => request.headers['webhook-id'])).toEqual([eventId, eventId]);
    expect(hook.requests[1].body).toBe(hook.requests[0].body);
    expect(new Webhook(endpoint.secret).verify(hook.requests[1].body, hook.requests[1].headers)).toMatchObject({ id: eventId, data: { replay: true } });
  });

  it('fails a malformed job on its own, without touching the jobs beside it', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const bad = await n.deliveryQueue.add('deliver-webhook', { schemaVersion: 1, tenantId, correlationId: null, deliveryId: "x' OR 1=1 --" }, { jobId: 'malformed-delivery', attempts: 1 });
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    await eventually(async () => ((await bad.getState()) === 'failed' ? true : undefined));
    expect((await n.deliveryQueue.getJob('malformed-delivery'))?.failedReason).toBe('malformed deliver-webhook payload: tenantId and deliveryId must be UUIDs');
    expect(hook.requests).toHaveLength(1);
  });

  it('gives up, without a request, the pending deliveries of an endpoint disabled meanwhile', async () => {
    const hook = await receiver((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    await n.waitForDelivery(eventId, endpoint.id, ['PENDING'], 60_000, 2);
    // Disabled by its owner while the third attempt waits (~1.8 s scaled).
    await n.db.query(`UPDATE webhook_endpoints SET enabled = false WHERE id = $1`, [endpoint.id]);
    const requestsSoFar = hook.requests.length;
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['FAILED']);
    expect(delivery).toMatchObject({ last_error: 'endpoint disabled', next_attempt_at: null });
    expect(hook.requests).toHaveLength(requestsSoFar);
    expect(await n.attempts(delivery.id)).toHaveLength(requestsSoFar);
  });

  it('disables an endpoint that has failed without a success for longer than NOTIFIER_DISABLE_AFTER_MS (3 days)', async () => {
    const hook = await receiver((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    const tenantId = await tenant();
    const since = new Date(Date.now() - 3 * 24 * 3600 * 1000 - 60_000);
    const endpoint = await n.seedEndpoint(tenantId, hook.url(), { failingSince: since });
    const eventId = await n.emit(tenantId, 'reconciliation.completed');

    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['FAILED']);
    expect(delivery).toMatchObject({ attempts: 1, last_status_code: 500, next_attempt_at: null });
    const [state] = await n.db.query<{ enabled: boolean; disabled_reason: string; failing_since: Date }>(
      `SELECT enabled, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1`,
      [endpoint.id],
    );
    expect(state.enabled).toBe(false);
    expect(state.disabled_reason).toBe(`failing since ${since.toISOString().slice(0, 19)}Z`);
    expect(state.failing_since.toISOString()).toBe(since.toISOString());
  });

  it('keeps an endpoint failing for less than that enabled, and a success clears its streak', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url(), { failingSince: new Date(Date.now() - 2 * 24 * 3600 * 1000) });
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const [state] = await n.db.query(`SELECT enabled, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(state).toEqual({ enabled: true, disabled_reason: null, failing_since: null });
  });

  it('keeps a slow endpoint to its concurrency limit without delaying another endpoint', async () => {
    const slow = await receiver(async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      response.end('slow');
    });
    const fast = await receiver();
    const tenantId = await tenant();
    const slowEndpoint = await n.seedEndpoint(tenantId, slow.url());
    const fastEndpoint = await n.seedEndpoint(tenantId, fast.url());
    const started = Date.now();
    const events: string[] = [];
    for (let i = 0; i < 6; i += 1) events.push(await n.emit(tenantId, 'reconciliation.completed', { i }));

    await fast.waitForRequests(6);
    const fastDone = Math.max(...fast.requests.map((request) => request.at));
    await slow.waitForRequests(6);
    for (const eventId of events) await n.waitForDelivery(eventId, slowEndpoint.id, ['SUCCEEDED']);
    for (const eventId of events) await n.waitForDelivery(eventId, fastEndpoint.id, ['SUCCEEDED']);
    // NOTIFIER_ENDPOINT_CONCURRENCY=2: never more than two requests at the slow receiver at once...
    expect(slow.maxConcurrent).toBeLessThanOrEqual(2);
    // ...which takes three rounds of 600 ms there, while the fast endpoint was served in the first.
    const slowThird = slow.requests.map((request) => request.at).sort((a, b) => a - b)[2];
    expect(slowThird - started).toBeGreaterThanOrEqual(600);
    expect(fastDone).toBeLessThan(slowThird);
  });

  it('exports delivery outcomes and attempt latency on /metrics', async () => {
    const hook = await receiver();
    const tenantId = await tenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    await n.waitForDelivery(await n.emit(tenantId, 'reconciliation.completed'), endpoint.id, ['SUCCEEDED']);
    const text = await n.metrics();
    const sample = (name: string, labels: Record<string, string>): number | undefined => {
      const line = text
        .split('\n')
        .find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([label, value]) => candidate.includes(`${label}="${value}"`)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(sample('concilia_webhook_deliveries_total', { outcome: 'succeeded', app: 'notifier-worker' })).toBeGreaterThanOrEqual(1);
    expect(sample('concilia_webhook_attempt_duration_seconds_count', { result: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(sample('concilia_webhook_attempt_duration_seconds_bucket', { result: '2xx', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(sample('concilia_queue_jobs', { queue: 'webhook-delivery', state: 'completed' })).toBeGreaterThanOrEqual(1);
  });
});
