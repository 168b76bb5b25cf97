import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { WebhookHostResolver } from './webhook-url.policy';
import { expectProblem } from '@concilia/testing';

/** Many quick requests with one key: keep the per-key rate limit (tested on its own) out of the way. */
const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };
const RANDOM_ID = '0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d';
/** A receiver URL allowed in tests (WEBHOOK_ALLOWED_CIDRS lists loopback); nothing listens and nothing connects. */
const LOCAL_URL = 'http://127.0.0.1:9/hooks/concilia';
/** A name the stubbed resolver maps to a public address. */
const PUBLIC_URL = 'https://hooks.example.com/concilia';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const ENDPOINT_FIELDS = ['createdAt', 'description', 'disabledReason', 'enabled', 'events', 'failingSince', 'id', 'previousSecretExpiresAt', 'updatedAt', 'url'];

function withoutRequestId(response: InjectResponse): Record<string, unknown> {
  const { requestId, ...rest } = response.json();
  expect(requestId).toEqual(expect.any(String));
  return rest;
}

interface CreatedEndpoint {
  id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
}

describe('webhook endpoints (e2e)', () => {
  let h: IngestApiHarness;
  const resolved: string[] = [];

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
    // Tests never ask real DNS: one public name, everything else unresolvable.
    jest.spyOn(h.app.get(WebhookHostResolver), 'resolve').mockImplementation(async (host: string) => {
      resolved.push(host);
      if (host === 'hooks.example.com') return ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    });
  });

  afterAll(() => h.close());

  async function createEndpoint(key: string, body: Record<string, unknown> = {}): Promise<CreatedEndpoint> {
    const response = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['reconciliation.completed'], ...body }, key);
    if (response.statusCode !== 201) throw new Error(`createEndpoint: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  const endpointRow = async (id: string) =>
    (
      await h.db.query<{
        tenant_id: string;
        url: string;
        events: string[];
        enabled: boolean;
        disabled_reason: string | null;
        failing_since: Date | null;
        secret: string;
        previous_secret: string | null;
        previous_secret_expires_at: Date | null;
        description: string | null;
      }>('SELECT tenant_id, url, events, enabled, disabled_reason, failing_since, secret, previous_secret, previous_secret_expires_at, description FROM webhook_endpoints WHERE id = $1', [id])
    )[0];

  const auditOf = (targetId: string) =>
    h.db.query<{ action: string; actor_id: string; tenant_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
      'SELECT action, actor_id, tenant_id, before, after FROM audit_events WHERE target_id = $1 ORDER BY id',
      [targetId],
    );

  describe('POST /v1/webhook-endpoints', () => {
    it('creates an endpoint and returns its whsec_ secret once; the row holds it, the audit event does not', async () => {
      const tenant = await h.api.createTenant();
      const response = await h.api.post(
        '/v1/webhook-endpoints',
        { url: LOCAL_URL, events: ['reconciliation.completed', 'account.blocked'], description: 'ERP listener' },
        tenant.key,
      );
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual([...ENDPOINT_FIELDS, 'secret'].sort());
      expect(body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: LOCAL_URL,
        description: 'ERP listener',
        events: ['reconciliation.completed', 'account.blocked'],
        enabled: true,
        disabledReason: null,
        failingSince: null,
        previousSecretExpiresAt: null,
        secret: expect.stringMatching(SECRET),
      });
      const row = await endpointRow(body.id);
      expect(row).toMatchObject({ tenant_id: tenant.tenantId, url: LOCAL_URL, events: ['reconciliation.completed', 'account.blocked'], enabled: true, secret: body.secret, previous_secret: null });

      // The secret is a real Standard Webhooks key: a receiver can verify with it.
      const signer = new Webhook(body.secret);
      const now = new Date();
      const signature = signer.sign('msg_1', now, '{"ok":true}');
      expect(new Webhook(body.secret).verify('{"ok":true}', { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature })).toEqual({ ok: true });

      const audit = await auditOf(body.id);
      expect(audit).toEqual([
        {
          action: 'webhook_endpoint.created',
          actor_id: tenant.keyId,
          tenant_id: tenant.tenantId,
          before: null,
          after: { url: LOCAL_URL, description: 'ERP listener', events: ['reconciliation.completed', 'account.blocked'], enabled: true, disabledReason: null },
        },
      ]);
    });

    it('gives every endpoint its own secret', async () => {
      const tenant = await h.api.createTenant();
      const a = await createEndpoint(tenant.key);
      const b = await createEndpoint(tenant.key);
      expect(a.secret).toMatch(SECRET);
      expect(b.secret).toMatch(SECRET);
      expect(a.secret).not.toBe(b.secret);
    });

    it('accepts https to a name that resolves to public addresses only (resolver stubbed, nothing connects)', async () => {
      const tenant = await h.api.createTenant();
      resolved.length = 0;
      const created = await createEndpoint(tenant.key, { url: PUBLIC_URL, events: ['webhook.test'] });
      expect(created.url).toBe(PUBLIC_URL);
      expect(resolved).toEqual(['hooks.example.com']);
    });

    it.each([
      ['no events', { events: [] }],
      ['an unknown event', { events: ['reconciliation.completed', 'invoice.paid'] }],
      ['a repeated event', { events: ['account.blocked', 'account.blocked'] }],
      ['events not an array', { events: 'account.blocked' }],
      ['events missing', { events: undefined }],
      ['url missing', { url: undefined }],
      ['url not a string', { url: 42 }],
      ['url not absolute', { url: 'hooks.example.com/concilia' }],
      ['url with a space', { url: 'https://hooks.example.com/a b' }],
      ['url longer than 2,048 characters', { url: `https://hooks.example.com/${'a'.repeat(2048)}` }],
      ['a description over 500 characters', { description: 'd'.repeat(501) }],
      ['a description with a NUL', { description: 'a\u0000b' }],
    ])('refuses %s with 422 validation_failed and stores nothing', async (_, override) => {
      const tenant = await h.api.createTenant();
      const before = await h.db.snapshot();
      const response = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['reconciliation.completed'], ...override }, tenant.key);
      const problem = expectProblem(response, 422, 'validation_failed');
      const field = Object.keys(override)[0];
      expect(problem.errors.map((error: { field: string }) => error.field.replace(/\[\d+\]$/, ''))).toContain(field);
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(0);
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('accepts a URL of exactly 2,048 characters', async () => {
      const tenant = await h.api.createTenant();
      const url = `${LOCAL_URL}/${'a'.repeat(2048 - LOCAL_URL.length - 1)}`;
      expect(url).toHaveLength(2048);
      const created = await createEndpoint(tenant.key, { url });
      expect(created.url).toBe(url);
    });

    it.each([['secret', 'whsec_chosen'], ['tenantId', RANDOM_ID], ['enabled', false], ['id', RANDOM_ID]])('refuses the field %s with 400 unknown_field', async (field, value) => {
      const tenant = await h.api.createTenant();
      const response = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['reconciliation.completed'], [field]: value }, tenant.key);
      expectProblem(response, 400, 'unknown_field');
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(0);
    });

    it('allows 16 endpoints per tenant; the 17th is 422 webhook_endpoint_limit until one is deleted', async () => {
      const tenant = await h.api.createTenant();
      const other = await h.api.createTenant();
      const created: CreatedEndpoint[] = [];
      for (let i = 0; i < 16; i += 1) created.push(await createEndpoint(tenant.key, { url: `${LOCAL_URL}/${i}` }));
      const auditBefore = await h.db.count('audit_events', 'tenant_id = $1', [tenant.tenantId]);

      const refused = await h.api.post('/v1/webhook-endpoints', { url: `${LOCAL_URL}/17`, events: ['reconciliation.completed'] }, tenant.key);
      const problem = expectProblem(refused, 422, 'webhook_endpoint_limit');
      expect(problem.detail).toContain('16');
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(16);
      expect(await h.db.count('audit_events', 'tenant_id = $1', [tenant.tenantId])).toBe(auditBefore);

      // The limit is per tenant.
      await createEndpoint(other.key);

      expect((await h.api.delete(`/v1/webhook-endpoints/${created[0].id}`, tenant.key)).statusCode).toBe(204);
      await createEndpoint(tenant.key, { url: `${LOCAL_URL}/again` });
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(16);
    });

    it('holds the limit under concurrent creates', async () => {
      const tenant = await h.api.createTenant();
      for (let i = 0; i < 14; i += 1) await createEndpoint(tenant.key, { url: `${LOCAL_URL}/${i}` });
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) => h.api.post('/v1/webhook-endpoints', { url: `${LOCAL_URL}/race-${i}`, events: ['account.blocked'] }, tenant.key)),
      );
      const statuses = responses.map((response) => response.statusCode).sort();
      expect(statuses).toEqual([201, 201, 422, 422, 422, 422]);
      for (const response of responses.filter((r) => r.statusCode === 422)) expectProblem(response, 422, 'webhook_endpoint_limit');
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(16);
    });

    it('replays a create with the same Idempotency-Key: one endpoint, the same secret', async () => {
      const tenant = await h.api.createTenant();
      const headers = { 'idempotency-key': `wh-${randomUUID()}` };
      const first = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['webhook.test'] }, tenant.key, { headers });
      const second = await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['webhook.test'] }, tenant.key, { headers });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json()).toEqual(first.json());
      expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(1);
    });
  });

  describe('GET /v1/webhook-endpoints and /{id}', () => {
    it('lists the tenant’s endpoints newest first, page by page, never with a secret', async () => {
      const tenant = await h.api.createTenant();
      const other = await h.api.createTenant();
      const created = [await createEndpoint(tenant.key), await createEndpoint(tenant.key), await createEndpoint(tenant.key)];
      const foreign = await createEndpoint(other.key);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await h.api.get(`/v1/webhook-endpoints?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tenant.key);
        expect(page.statusCode).toBe(200);
        const body = page.json();
        expect(body.data).toHaveLength(1);
        for (const endpoint of body.data) {
          expect(Object.keys(endpoint).sort()).toEqual(ENDPOINT_FIELDS);
          seen.push(endpoint.id);
        }
        expect(page.body).not.toContain('whsec_');
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect(seen).toEqual(created.map((endpoint) => endpoint.id).reverse());
      expect(seen).not.toContain(foreign.id);
    });

    it('reads one endpoint without its secret', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key, { description: 'one' });
      const response = await h.api.get(`/v1/webhook-endpoints/${created.id}`, tenant.key);
      expect(response.statusCode).toBe(200);
      const { secret, ...withoutSecret } = created;
      expect(secret).toMatch(SECRET);
      expect(response.json()).toEqual(withoutSecret);
      expect(response.body).not.toContain('whsec_');
    });

    it('refuses a bad limit, cursor or id with 400', async () => {
      const tenant = await h.api.createTenant();
      expectProblem(await h.api.get('/v1/webhook-endpoints?limit=501', tenant.key), 400, 'invalid_query');
      expectProblem(await h.api.get('/v1/webhook-endpoints?cursor=nope', tenant.key), 400, 'invalid_cursor');
      expectProblem(await h.api.get('/v1/webhook-endpoints?enabled=true', tenant.key), 400, 'unknown_field');
      expectProblem(await h.api.get('/v1/webhook-endpoints/123', tenant.key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/webhook-endpoints/${RANDOM_ID}`, tenant.key), 404, 'not_found');
    });
  });

  describe('PATCH /v1/webhook-endpoints/{id}', () => {
    it('changes url, events and description; audits before and after without the secret', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key, { description: 'old' });
      const response = await h.api.patch(
        `/v1/webhook-endpoints/${created.id}`,
        { url: PUBLIC_URL, events: ['reconciliation.failed', 'import.failed'], description: null },
        tenant.key,
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: created.id, url: PUBLIC_URL, events: ['reconciliation.failed', 'import.failed'], description: null, enabled: true });
      expect(response.json()).not.toHaveProperty('secret');
      expect(await endpointRow(created.id)).toMatchObject({ url: PUBLIC_URL, events: ['reconciliation.failed', 'import.failed'], description: null, secret: created.secret });

      const audit = await auditOf(created.id);
      expect(audit.map((event) => event.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.updated']);
      expect(audit[1]).toMatchObject({
        actor_id: tenant.keyId,
        before: { url: LOCAL_URL, events: ['reconciliation.completed'], description: 'old' },
        after: { url: PUBLIC_URL, events: ['reconciliation.failed', 'import.failed'], description: null },
      });
    });

    it('checks a new URL again: a forbidden one is 422 webhook_url_forbidden and changes nothing', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      const before = await endpointRow(created.id);
      for (const url of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://unknown.invalid/hook', 'http://hooks.example.com/plain']) {
        const response = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { url, events: ['account.blocked'] }, tenant.key);
        const problem = expectProblem(response, 422, 'webhook_url_forbidden');
        expect(problem.errors).toEqual([expect.objectContaining({ field: 'url', code: 'webhook_url_forbidden' })]);
      }
      expect(await endpointRow(created.id)).toEqual(before);
      expect((await auditOf(created.id)).map((event) => event.action)).toEqual(['webhook_endpoint.created']);
    });

    it('enabling an endpoint the system disabled clears disabledReason and failingSince; disabling by hand leaves no reason', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      await h.db.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'receiver answered 410 Gone', failing_since = now() - interval '3 days' WHERE id = $1`, [created.id]);
      const shown = (await h.api.get(`/v1/webhook-endpoints/${created.id}`, tenant.key)).json();
      expect(shown).toMatchObject({ enabled: false, disabledReason: 'receiver answered 410 Gone', failingSince: expect.stringMatching(/Z$/) });

      const enabled = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { enabled: true }, tenant.key);
      expect(enabled.statusCode).toBe(200);
      expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
      expect(await endpointRow(created.id)).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });

      const disabled = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { enabled: false }, tenant.key);
      expect(disabled.json()).toMatchObject({ enabled: false, disabledReason: null });
      const actions = (await auditOf(created.id)).map((event) => event.action);
      expect(actions).toEqual(['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.updated']);
    });

    it('a PATCH that changes nothing writes no audit event', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key, { events: ['account.blocked', 'webhook.test'] });
      const response = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { enabled: true, events: ['webhook.test', 'account.blocked'] }, tenant.key);
      expect(response.statusCode).toBe(200);
      expect((await auditOf(created.id)).map((event) => event.action)).toEqual(['webhook_endpoint.created']);
    });

    it.each([
      ['no events', { events: [] }, 422, 'validation_failed'],
      ['an unknown event', { events: ['nope'] }, 422, 'validation_failed'],
      ['enabled not a boolean', { enabled: 'yes' }, 422, 'validation_failed'],
      ['a URL over 2,048 characters', { url: `https://hooks.example.com/${'x'.repeat(2100)}` }, 422, 'validation_failed'],
      ['a secret', { secret: 'whsec_mine' }, 400, 'unknown_field'],
      ['a disabledReason', { disabledReason: null }, 400, 'unknown_field'],
    ])('refuses %s with %i %s and changes nothing', async (_, body, status, code) => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      const before = await endpointRow(created.id);
      expectProblem(await h.api.patch(`/v1/webhook-endpoints/${created.id}`, body, tenant.key), status, code);
      expect(await endpointRow(created.id)).toEqual(before);
    });
  });

  describe('DELETE /v1/webhook-endpoints/{id}', () => {
    it('deletes (204), audits, and then answers 404', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      const response = await h.api.delete(`/v1/webhook-endpoints/${created.id}`, tenant.key);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await h.db.count('webhook_endpoints', 'id = $1', [created.id])).toBe(0);
      expectProblem(await h.api.get(`/v1/webhook-endpoints/${created.id}`, tenant.key), 404, 'not_found');
      expectProblem(await h.api.delete(`/v1/webhook-endpoints/${created.id}`, tenant.key), 404, 'not_found');
      const audit = await auditOf(created.id);
      expect(audit.map((event) => event.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.deleted']);
      expect(audit[1]).toMatchObject({ actor_id: tenant.keyId, before: { url: LOCAL_URL }, after: { pendingDeliveriesFailed: 0 } });
    });
  });

  describe('POST /v1/webhook-endpoints/{id}/rotate-secret', () => {
    it('returns a new secret once and keeps the old one in the row for 24 h', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      const startedAt = Date.now();
      const response = await h.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`, undefined, tenant.key);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.secret).toMatch(SECRET);
      expect(body.secret).not.toBe(created.secret);
      expect(response.body).not.toContain(created.secret);
      const row = await endpointRow(created.id);
      expect(row.secret).toBe(body.secret);
      expect(row.previous_secret).toBe(created.secret);
      expect(row.previous_secret_expires_at).toBeInstanceOf(Date);
      const expiresAt = Number(row.previous_secret_expires_at?.getTime());
      expect(expiresAt).toBeGreaterThanOrEqual(startedAt + 24 * 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 1000);
      expect(body.previousSecretExpiresAt).toBe(new Date(expiresAt).toISOString());

      const audit = await auditOf(created.id);
      expect(audit.map((event) => event.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_rotated']);
      expect(audit[1]).toMatchObject({ actor_id: tenant.keyId, after: { previousSecretExpiresAt: body.previousSecretExpiresAt } });

      // Reads never show either secret.
      const read = await h.api.get(`/v1/webhook-endpoints/${created.id}`, tenant.key);
      expect(read.body).not.toContain('whsec_');
      expect(read.json().previousSecretExpiresAt).toBe(body.previousSecretExpiresAt);

      // A second rotation keeps only the secret it replaces.
      const again = (await h.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`, undefined, tenant.key)).json();
      expect(await endpointRow(created.id)).toMatchObject({ secret: again.secret, previous_secret: body.secret });
    });

    it('answers 404 for an unknown endpoint', async () => {
      const tenant = await h.api.createTenant();
      expectProblem(await h.api.post(`/v1/webhook-endpoints/${RANDOM_ID}/rotate-secret`, undefined, tenant.key), 404, 'not_found');
    });
  });

  describe('POST /v1/webhook-endpoints/{id}/test', () => {
    it('records a webhook.test event for this endpoint and its dispatch job in the outbox (202)', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key, { events: ['reconciliation.completed'] });
      const requestId = `req-${randomUUID()}`;
      const response = await h.api.post(`/v1/webhook-endpoints/${created.id}/test`, undefined, tenant.key, { headers: { 'x-request-id': requestId } });
      expect(response.statusCode).toBe(202);
      const body = response.json();
      expect(body).toEqual({ eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'webhook.test', endpointId: created.id });

      const events = await h.db.query('SELECT id, tenant_id, type, data FROM events WHERE tenant_id = $1', [tenant.tenantId]);
      expect(events).toEqual([{ id: body.eventId, tenant_id: tenant.tenantId, type: 'webhook.test', data: { endpointId: created.id } }]);
      const outbox = await h.db.query("SELECT queue, job_name, job_id, payload FROM outbox WHERE payload->>'eventId' = $1", [body.eventId]);
      expect(outbox).toEqual([
        {
          queue: 'webhook-dispatch',
          job_name: 'dispatch-event',
          job_id: `event-${body.eventId}`,
          payload: { schemaVersion: 1, tenantId: tenant.tenantId, correlationId: requestId, eventId: body.eventId, eventType: 'webhook.test' },
        },
      ]);
    });

    it('sends a test to a disabled endpoint too (a receiver can be checked before enabling again)', async () => {
      const tenant = await h.api.createTenant();
      const created = await createEndpoint(tenant.key);
      await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { enabled: false }, tenant.key);
      const response = await h.api.post(`/v1/webhook-endpoints/${created.id}/test`, undefined, tenant.key);
      expect(response.statusCode).toBe(202);
      expect(await h.db.query('SELECT type, data FROM events WHERE tenant_id = $1', [tenant.tenantId])).toEqual([{ type: 'webhook.test', data: { endpointId: created.id } }]);
      expect((await endpointRow(created.id)).enabled).toBe(false);
    });
  });

  it('keeps secrets out of audit events, events, outbox payloads and error bodies', async () => {
    const tenant = await h.api.createTenant();
    const created = await createEndpoint(tenant.key);
    const rotated = (await h.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`, undefined, tenant.key)).json();
    await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { events: ['webhook.test'], description: 'changed' }, tenant.key);
    await h.api.post(`/v1/webhook-endpoints/${created.id}/test`, undefined, tenant.key);
    const refused = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { url: 'https://10.1.2.3/' }, tenant.key);
    expectProblem(refused, 422, 'webhook_url_forbidden');
    const unknownField = await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { secret: created.secret }, tenant.key);
    expectProblem(unknownField, 400, 'unknown_field');
    await h.api.delete(`/v1/webhook-endpoints/${created.id}`, tenant.key);

    const secrets = [created.secret, rotated.secret];
    const texts = [
      ...(await h.db.query<{ text: string }>('SELECT row_to_json(a)::text AS text FROM audit_events a WHERE tenant_id = $1', [tenant.tenantId])),
      ...(await h.db.query<{ text: string }>('SELECT row_to_json(o)::text AS text FROM outbox o WHERE tenant_id = $1', [tenant.tenantId])),
      ...(await h.db.query<{ text: string }>('SELECT row_to_json(e)::text AS text FROM events e WHERE tenant_id = $1', [tenant.tenantId])),
    ].map((row) => row.text);
    expect(texts.length).toBeGreaterThanOrEqual(6);
    for (const text of [...texts, refused.body, unknownField.body]) {
      expect(text).not.toContain('whsec_');
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret.slice('whsec_'.length));
      }
    }
  });

  it('refuses every webhook route to a key without webhooks:manage (403 insufficient_scope)', async () => {
    const tenant = await h.api.createTenant();
    const created = await createEndpoint(tenant.key);
    const keyResponse = await h.api.post(
      '/v1/api-keys',
      { name: 'no webhooks', scopes: ['accounts:read', 'accounts:write', 'ledger:write', 'reconciliations:read', 'reconciliations:write', 'settlements:write'] },
      tenant.key,
    );
    const limited = keyResponse.json().secret as string;
    const before = await h.db.snapshot();
    const attempts = [
      await h.api.post('/v1/webhook-endpoints', { url: LOCAL_URL, events: ['account.blocked'] }, limited),
      await h.api.get('/v1/webhook-endpoints', limited),
      await h.api.get(`/v1/webhook-endpoints/${created.id}`, limited),
      await h.api.patch(`/v1/webhook-endpoints/${created.id}`, { enabled: false }, limited),
      await h.api.delete(`/v1/webhook-endpoints/${created.id}`, limited),
      await h.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`, undefined, limited),
      await h.api.post(`/v1/webhook-endpoints/${created.id}/test`, undefined, limited),
      await h.api.get(`/v1/webhook-endpoints/${created.id}/deliveries`, limited),
      await h.api.post(`/v1/webhook-deliveries/${RANDOM_ID}/retry`, undefined, limited),
    ];
    for (const response of attempts) expect(expectProblem(response, 403, 'insufficient_scope').detail).toContain('webhooks:manage');
    expect(await h.db.snapshot()).toEqual(before);
    expect(await endpointRow(created.id)).toMatchObject({ enabled: true, secret: created.secret });
  });

  it('answers another tenant’s endpoint id exactly like a random id (404) on every route, and leaves it alone', async () => {
    const owner = await h.api.createTenant();
    const intruder = await h.api.createTenant();
    const created = await createEndpoint(owner.key);
    const before = await endpointRow(created.id);
    const routes: [string, (id: string) => Promise<InjectResponse>][] = [
      ['GET', (id) => h.api.get(`/v1/webhook-endpoints/${id}`, intruder.key)],
      ['PATCH', (id) => h.api.patch(`/v1/webhook-endpoints/${id}`, { enabled: false }, intruder.key)],
      ['PATCH url', (id) => h.api.patch(`/v1/webhook-endpoints/${id}`, { url: PUBLIC_URL }, intruder.key)],
      ['DELETE', (id) => h.api.delete(`/v1/webhook-endpoints/${id}`, intruder.key)],
      ['rotate', (id) => h.api.post(`/v1/webhook-endpoints/${id}/rotate-secret`, undefined, intruder.key)],
      ['test', (id) => h.api.post(`/v1/webhook-endpoints/${id}/test`, undefined, intruder.key)],
      ['deliveries', (id) => h.api.get(`/v1/webhook-endpoints/${id}/deliveries`, intruder.key)],
    ];
    for (const [, call] of routes) {
      const foreign = await call(created.id);
      const random = await call(RANDOM_ID);
      expectProblem(foreign, 404, 'not_found');
      expectProblem(random, 404, 'not_found');
      expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
    }
    expect(await endpointRow(created.id)).toEqual(before);
    expect(await h.db.count('events', 'tenant_id = $1 OR tenant_id = $2', [owner.tenantId, intruder.tenantId])).toBe(0);
    expect(await h.db.count('audit_events', "target_id = $1 AND action <> 'webhook_endpoint.created'", [created.id])).toBe(0);
    const list = await h.api.get('/v1/webhook-endpoints', intruder.key);
    expect(list.json()).toEqual({ data: [], nextCursor: null });
  });
});
