import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/** Blocking an account records an `account.blocked` event (and its webhook-dispatch outbox row) with the change. */
describe('account.blocked event (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
  });

  afterAll(() => h.close());

  const eventsOf = (tenantId: string) =>
    h.db.query<{ id: string; type: string; data: Record<string, unknown> }>('SELECT id, type, data FROM events WHERE tenant_id = $1 ORDER BY id', [tenantId]);

  it('records one event when PATCH blocks the account, with its dispatch job in the outbox', async () => {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, { name: 'Store', externalId: 'store-1' });
    const requestId = `req-${randomUUID()}`;
    const response = await h.api.patch(`/v1/accounts/${account.id}`, { status: 'BLOCKED' }, tenant.key, { headers: { 'x-request-id': requestId } });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('BLOCKED');

    const events = await eventsOf(tenant.tenantId);
    expect(events).toEqual([{ id: expect.any(String), type: 'account.blocked', data: { accountId: account.id, name: 'Store', externalId: 'store-1', status: 'BLOCKED' } }]);
    const outbox = await h.db.query("SELECT tenant_id, queue, job_name, job_id, payload FROM outbox WHERE payload->>'eventId' = $1", [events[0].id]);
    expect(outbox).toEqual([
      {
        tenant_id: tenant.tenantId,
        queue: 'webhook-dispatch',
        job_name: 'dispatch-event',
        job_id: `event-${events[0].id}`,
        payload: { schemaVersion: 1, tenantId: tenant.tenantId, correlationId: requestId, eventId: events[0].id, eventType: 'account.blocked' },
      },
    ]);
    // The audit event of the same change is there too.
    expect(await h.db.count('audit_events', "action = 'account.blocked' AND target_id = $1", [account.id])).toBe(1);
  });

  it('records nothing for other changes, for a PATCH that keeps it BLOCKED, or for unblocking; blocking again records a second event', async () => {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key);
    const patch = (body: Record<string, unknown>) => h.api.patch(`/v1/accounts/${account.id}`, body, tenant.key);

    expect((await patch({ name: 'Renamed', maxPeriodDays: 31 })).statusCode).toBe(200);
    expect((await patch({ status: 'ACTIVE' })).statusCode).toBe(200);
    expect(await eventsOf(tenant.tenantId)).toEqual([]);

    expect((await patch({ status: 'BLOCKED' })).statusCode).toBe(200);
    expect((await patch({ status: 'BLOCKED', name: 'Still blocked' })).statusCode).toBe(200);
    expect((await eventsOf(tenant.tenantId)).map((event) => event.type)).toEqual(['account.blocked']);

    expect((await patch({ status: 'ACTIVE' })).statusCode).toBe(200);
    expect(await eventsOf(tenant.tenantId)).toHaveLength(1);
    expect((await patch({ status: 'BLOCKED' })).statusCode).toBe(200);
    const events = await eventsOf(tenant.tenantId);
    expect(events.map((event) => event.type)).toEqual(['account.blocked', 'account.blocked']);
    expect(events[1].data).toMatchObject({ accountId: account.id, name: 'Still blocked', status: 'BLOCKED' });
    expect(await h.db.count('outbox', "tenant_id = $1 AND queue = 'webhook-dispatch'", [tenant.tenantId])).toBe(2);
  });

  it('records nothing when the PATCH is refused', async () => {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key);
    const refused = await h.api.patch(`/v1/accounts/${account.id}`, { status: 'BLOCKED', maxPeriodDays: 0 }, tenant.key);
    expect(refused.statusCode).toBe(422);
    expect(String(refused.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(refused.json().code).toBe('validation_failed');
    const other = await h.api.createTenant();
    const foreign = await h.api.patch(`/v1/accounts/${account.id}`, { status: 'BLOCKED' }, other.key);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('not_found');
    expect(await eventsOf(tenant.tenantId)).toEqual([]);
    expect(await eventsOf(other.tenantId)).toEqual([]);
    expect(await h.db.count('outbox', 'tenant_id = $1 OR tenant_id = $2', [tenant.tenantId, other.tenantId])).toBe(0);
  });
});
