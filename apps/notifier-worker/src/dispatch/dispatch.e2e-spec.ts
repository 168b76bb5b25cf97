import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { dispatchJobId, JOB_NAMES, type DispatchEventPayload } from '@concilia/queue-contracts';
import { eventually, startNotifier, type NotifierHarness } from '../testing/notifier.harness';
import { WebhookReceiver } from '../testing/webhook-receiver';


/** Fan-out end to end: which endpoints get a delivery, exactly once, per tenant, even when Redis missed the event. */
describe('notifier-worker: dispatch (e2e)', () => {
  let n: NotifierHarness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    n = await startNotifier();
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  afterAll(() => n.close());

  async function receiver(): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  }

  async function jobFinished(jobId: string): Promise<unknown> {
    return eventually(async () => {
      const job = await n.dispatchQueue.getJob(jobId);
      return job && (await job.getState()) === 'completed' ? (job.returnvalue as unknown) : undefined;
    }, 10_000, `dispatch job ${jobId} completed`);
  }

  function dispatchPayload(tenantId: string, eventId: string, eventType = 'reconciliation.completed'): DispatchEventPayload {
    return { schemaVersion: 1, tenantId, correlationId: 'test', eventId, eventType };
  }

  it('creates one delivery per enabled endpoint subscribed to the event type, and none for the others', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const subscribed = await n.seedEndpoint(tenantId, hook.url('/subscribed'), { events: ['import.completed', 'reconciliation.completed'] });
    const other = await n.seedEndpoint(tenantId, hook.url('/other'), { events: ['import.completed'] });
    const disabled = await n.seedEndpoint(tenantId, hook.url('/disabled'), { events: ['reconciliation.completed'], enabled: false });
    const eventId = await n.emit(tenantId, 'reconciliation.completed', { reconciliationId: randomUUID() });

    await n.waitForDelivery(eventId, subscribed.id, ['SUCCEEDED']);
    expect((await n.deliveries({ eventId })).map((delivery) => delivery.endpoint_id)).toEqual([subscribed.id]);
    expect(await n.deliveries({ endpointId: other.id })).toEqual([]);
    expect(await n.deliveries({ endpointId: disabled.id })).toEqual([]);
    expect(hook.requests.map((request) => request.path)).toEqual(['/subscribed']);
  });

  it('sends webhook.test to the named endpoint only, whatever its subscriptions and even while it is disabled', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const named = await n.seedEndpoint(tenantId, hook.url('/named'), { events: ['import.failed'], enabled: false });
    const bystander = await n.seedEndpoint(tenantId, hook.url('/bystander'), { events: ['webhook.test', 'reconciliation.completed'] });
    const eventId = await n.emit(tenantId, 'webhook.test', { endpointId: named.id });

    await n.waitForDelivery(eventId, named.id, ['SUCCEEDED']);
    expect((await n.deliveries({ eventId })).map((delivery) => delivery.endpoint_id)).toEqual([named.id]);
    expect(await n.deliveries({ endpointId: bystander.id })).toEqual([]);
    const [request] = hook.requests;
    expect(hook.requests).toHaveLength(1);
    expect(request.path).toBe('/named');
    expect(new Webhook(named.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId, type: 'webhook.test', data: { endpointId: named.id } });
  });

  it('creates one delivery and sends one request when the same dispatch runs again later', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    expect(await jobFinished(dispatchJobId(eventId))).toEqual({ created: 1, enqueued: 1 });

    // The same event dispatched again (a re-sent outbox row whose first job the queue no longer remembers).
    await n.dispatchQueue.add(JOB_NAMES.dispatchEvent, dispatchPayload(tenantId, eventId), { jobId: `${dispatchJobId(eventId)}-again` });
    expect(await jobFinished(`${dispatchJobId(eventId)}-again`)).toEqual({ created: 0, enqueued: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await n.db.count('webhook_deliveries', 'event_id = $1', [eventId])).toBe(1);
    expect(hook.requests).toHaveLength(1);
  });

  it('creates one delivery and sends one request when two copies of a dispatch run at the same time', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const eventId = await n.emit(tenantId, 'reconciliation.completed', {}, { publish: false });
    await n.dispatchQueue.addBulk([
      { name: JOB_NAMES.dispatchEvent, data: dispatchPayload(tenantId, eventId), opts: { jobId: `${dispatchJobId(eventId)}-copy-1` } },
      { name: JOB_NAMES.dispatchEvent, data: dispatchPayload(tenantId, eventId), opts: { jobId: `${dispatchJobId(eventId)}-copy-2` } },
    ]);
    await jobFinished(`${dispatchJobId(eventId)}-copy-1`);
    await jobFinished(`${dispatchJobId(eventId)}-copy-2`);
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await n.db.count('webhook_deliveries', 'event_id = $1', [eventId])).toBe(1);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0].headers['webhook-id']).toBe(eventId);
  });

  it('delivers an event committed while Redis was unreachable: the relay sends its outbox row', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    // What a producer leaves behind when Redis is down at commit: the event and its unpublished outbox row.
    const eventId = randomUUID();
    await n.db.query(`INSERT INTO events (id, tenant_id, type, data) VALUES ($1, $2, 'reconciliation.completed', '{"reconciliationId":"r-redis-down"}')`, [eventId, tenantId]);
    await n.db.query(`INSERT INTO outbox (tenant_id, queue, job_name, job_id, payload) VALUES ($1, 'webhook-dispatch', 'dispatch-event', $2, $3)`, [
      tenantId,
      dispatchJobId(eventId),
      JSON.stringify(dispatchPayload(tenantId, eventId)),
    ]);

    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    const [request] = await hook.waitForRequests(1);
    expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId, data: { reconciliationId: 'r-redis-down' } });
    const [row] = await n.db.query<{ published_at: Date | null; publish_attempts: number }>(`SELECT published_at, publish_attempts FROM outbox WHERE job_id = $1`, [dispatchJobId(eventId)]);
    expect(row.published_at).toBeInstanceOf(Date);
    expect(row.publish_attempts).toBeGreaterThanOrEqual(1);
  });

  it('delivers an event whose producer committed and then could not publish (a process with Redis down), exactly once', async () => {
    const hook = await receiver();
    const tenantId = await n.seedTenant();
    const endpoint = await n.seedEndpoint(tenantId, hook.url());
    const down = await startNotifier({ REDIS_URL: 'redis://127.0.0.1:6390', OUTBOX_RELAY_INTERVAL_MS: '3600000' });
    let eventId: string;
    try {
      eventId = await down.emit(tenantId, 'reconciliation.completed', { via: 'redis-down' });
      // Its publish cannot reach Redis: the committed row stays unpublished...
      const [row] = await n.db.query<{ published_at: Date | null }>(`SELECT published_at FROM outbox WHERE job_id = $1`, [dispatchJobId(eventId)]);
      expect(row).toEqual({ published_at: null });
    } finally {
      await down.close();
    }
    // ...until the running notifier's relay sends it.
    await n.waitForDelivery(eventId, endpoint.id, ['SUCCEEDED']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.requests).toHaveLength(1);
    expect(await n.db.count('webhook_deliveries', 'event_id = $1', [eventId])).toBe(1);
  });

  it("never delivers a tenant's event to another tenant's endpoint", async () => {
    const hookA = await receiver();
    const hookB = await receiver();
    const tenantA = await n.seedTenant();
    const tenantB = await n.seedTenant();
    const endpointA = await n.seedEndpoint(tenantA, hookA.url(), { events: ['reconciliation.completed', 'webhook.test'] });
    const endpointB = await n.seedEndpoint(tenantB, hookB.url(), { events: ['reconciliation.completed', 'webhook.test'] });

    const eventId = await n.emit(tenantA, 'reconciliation.completed', { secretOfA: 'only-for-a' });
    await n.waitForDelivery(eventId, endpointA.id, ['SUCCEEDED']);
    // A test event of tenant A naming tenant B's endpoint goes nowhere.
    const crossTest = await n.emit(tenantA, 'webhook.test', { endpointId: endpointB.id });
    expect(await jobFinished(dispatchJobId(crossTest))).toEqual({ created: 0, enqueued: 0 });
    // A dispatch job that claims tenant B for tenant A's event finds no such event.
    await n.dispatchQueue.add(JOB_NAMES.dispatchEvent, dispatchPayload(tenantB, eventId), { jobId: `${dispatchJobId(eventId)}-as-b` });
    expect(await jobFinished(`${dispatchJobId(eventId)}-as-b`)).toEqual({ created: 0, enqueued: 0 });

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await n.deliveries({ eventId })).map((delivery) => [delivery.tenant_id, delivery.endpoint_id])).toEqual([[tenantA, endpointA.id]]);
    expect(await n.deliveries({ eventId: crossTest })).toEqual([]);
    expect(await n.deliveries({ endpointId: endpointB.id })).toEqual([]);
    expect(hookB.requests).toHaveLength(0);
    expect(hookA.requests).toHaveLength(1);
  });

  it('creates nothing for an event nobody subscribed to, or one that does not exist', async () => {
    const tenantId = await n.seedTenant();
    const eventId = await n.emit(tenantId, 'account.blocked', { accountId: randomUUID() });
    expect(await jobFinished(dispatchJobId(eventId))).toEqual({ created: 0, enqueued: 0 });
    const missing = randomUUID();
    await n.dispatchQueue.add(JOB_NAMES.dispatchEvent, dispatchPayload(tenantId, missing), { jobId: dispatchJobId(missing) });
    expect(await jobFinished(dispatchJobId(missing))).toEqual({ created: 0, enqueued: 0 });
    expect(await n.db.count('webhook_deliveries', 'event_id = ANY($1::uuid[])', [[eventId, missing]])).toBe(0);
  });
});
