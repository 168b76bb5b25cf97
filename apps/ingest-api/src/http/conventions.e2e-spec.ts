import { expectProblem, ledgerEntry } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/** Many quick requests with one key: keep the per-key rate limit (tested on its own) out of the way. */
const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RANDOM_ID = '0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d';
const ACCOUNT = { name: 'Main store', kind: 'MARKETPLACE', currency: 'BRL' };

/** Row counts of a tenant's data, robust to other test files writing to the same database. */
async function tenantCounts(h: IngestApiHarness, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['api_keys', 'accounts', 'matching_rules', 'ledger_entries', 'reconciliations', 'statement_entries', 'outbox', 'audit_events']) {
    counts[table] = await h.db.count(table, 'tenant_id = $1', [tenantId]);
  }
  counts['idempotency_keys'] = await h.db.count('idempotency_keys', 'scope = $1', [tenantId]);
  return counts;
}

describe('HTTP conventions (e2e)', () => {
  let h: IngestApiHarness;
  let key: string;
  let tenantId: string;
  let accountId: string;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
    const tenant = await h.api.createTenant();
    key = tenant.key;
    tenantId = tenant.tenantId;
    accountId = (await h.api.createAccount(key)).id;
  });

  afterAll(() => h.close());

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['Basic credentials', { authorization: 'Basic x' }],
      ['"Bearer" alone', { authorization: 'Bearer' }],
      ['"Bearer " with nothing after', { authorization: 'Bearer ' }],
      ['lowercase scheme with garbage', { authorization: 'bearer' }],
      ['a token with spaces', { authorization: 'Bearer ck_abc def' }],
      ['a token of the wrong shape', { authorization: 'Bearer not-a-key' }],
      ['an unknown ck_ key', { authorization: `Bearer ck_${'A'.repeat(43)}` }],
      ['an over-long token', { authorization: `Bearer ck_${'A'.repeat(5000)}` }],
    ])('%s: 401 unauthenticated with WWW-Authenticate: Bearer', async (_label, headers) => {
      const response = await h.api.get('/v1/accounts', null, { headers: headers as Record<string, string> });
      expectProblem(response, 401, 'unauthenticated');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
    });

    it('refuses writes without a valid key and stores nothing', async () => {
      const response = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'anonymous' }, `ck_${'B'.repeat(43)}`);
      expectProblem(response, 401, 'unauthenticated');
      expect(await h.db.count('accounts', "name = 'anonymous'")).toBe(0);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane id sent by the client, also in the problem body', async () => {
      const ok = await h.api.get('/v1/accounts', key, { headers: { 'x-request-id': 'client-req-0001' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-request-id']).toBe('client-req-0001');
      const problem = await h.api.get(`/v1/accounts/${RANDOM_ID}`, key, { headers: { 'x-request-id': 'client-req-0002' } });
      expect(problem.headers['x-request-id']).toBe('client-req-0002');
      expect(expectProblem(problem, 404, 'not_found').requestId).toBe('client-req-0002');
    });

    it.each([
      ['absent', undefined],
      ['with spaces and quotes', 'id with "quotes"'],
      ['with a newline-like payload', 'abc%0d%0aSet-Cookie:x'],
      ['too long', 'r'.repeat(300)],
      ['empty', ''],
    ])('generates a UUID when the client id is %s', async (_label, given) => {
      const headers: Record<string, string> = given === undefined ? {} : { 'x-request-id': given };
      const ok = await h.api.get('/v1/accounts', key, { headers });
      expect(String(ok.headers['x-request-id'])).toMatch(UUID);
      const problem = await h.api.get('/v1/accounts/123', key, { headers });
      expect(String(problem.headers['x-request-id'])).toMatch(UUID);
      expect(expectProblem(problem, 400, 'invalid_id').requestId).toBe(problem.headers['x-request-id']);
    });

    it('gives every request its own generated id', async () => {
      const ids = await Promise.all([1, 2, 3].map(async () => (await h.api.get('/v1/accounts', key)).headers['x-request-id']));
      expect(new Set(ids).size).toBe(3);
    });
  });

  describe('errors', () => {
    it('answers an unknown route with 404 route_not_found, with or without a key', async () => {
      expectProblem(await h.api.get('/v1/nothing-here', key), 404, 'route_not_found');
      expectProblem(await h.api.get('/v1/nothing-here', null), 404, 'route_not_found');
      expectProblem(await h.api.post('/v1/accounts/extra/path/segments', {}, key), 404, 'route_not_found');
    });

    it('keeps internals out of error bodies for hostile inputs', async () => {
      const responses = [
        await h.api.get(`/v1/accounts/${encodeURIComponent("' OR 1=1--")}`, key),
        await h.api.get('/v1/accounts?status=%27%3B%20SELECT%20pg_sleep(1)--', key),
        await h.api.post('/v1/accounts', '{"name": "x", "kind": ', key),
        await h.api.post('/v1/accounts', { ...ACCOUNT, currency: 'XXXX' }, key),
        await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [ledgerEntry({ amount: '1e400' })] }, key),
        await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [ledgerEntry({ date: '2026-02-30' })] }, key),
        await h.api.post('/v1/reconciliations', { accountId, periodStart: '2026-13-01', periodEnd: '2026-01-31', mode: 'MANUAL' }, key),
        await h.api.post('/v1/reconciliations', { accountId: RANDOM_ID, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL' }, key),
      ];
      for (const response of responses) {
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expectProblem(response, response.statusCode, response.json().code);
        expect(response.json().code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      }
    });
  });

  describe('content types and bodies', () => {
    it.each([
      ['text/plain', JSON.stringify(ACCOUNT)],
      ['application/xml', '<account><name>x</name></account>'],
      ['application/x-www-form-urlencoded', 'name=x&kind=BANK&currency=BRL'],
    ])('answers 415 to a POST with Content-Type %s and stores nothing', async (contentType, body) => {
      const before = await tenantCounts(h, tenantId);
      const response = await h.api.post('/v1/accounts', body, key, { headers: { 'content-type': contentType } });
      expectProblem(response, 415, 'unsupported_media_type');
      expect(await tenantCounts(h, tenantId)).toEqual(before);
    });

    it.each([
      ['truncated JSON', '{"name": "x", "kind": '],
      ['trailing garbage', `${JSON.stringify(ACCOUNT)} trailing`],
      ['single quotes', "{'name': 'x'}"],
      ['an empty body', ''],
      ['__proto__', '{"name":"Proto","kind":"BANK","currency":"BRL","__proto__":{"polluted":true}}'],
      ['nested __proto__', '{"name":"Proto","kind":"BANK","currency":"BRL","channel":"x","externalId":"y","maxPeriodDays":5,"x":{"__proto__":{"polluted":true}}}'],
      ['constructor.prototype', '{"name":"Proto","kind":"BANK","currency":"BRL","constructor":{"prototype":{"polluted":true}}}'],
    ])('answers 400 invalid_json to %s and stores nothing', async (_label, body) => {
      const before = await tenantCounts(h, tenantId);
      const response = await h.api.post('/v1/accounts', body, key, { headers: { 'content-type': 'application/json' } });
      expectProblem(response, 400, 'invalid_json');
      expect(await tenantCounts(h, tenantId)).toEqual(before);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('answers 422 (never 500) to 10,000 levels of nesting, as the body, in a field or inside metadata, and keeps answering', async () => {
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const json = { headers: { 'content-type': 'application/json' } };
      const before = await tenantCounts(h, tenantId);

      const entry = JSON.stringify(ledgerEntry({ externalId: 'DEEP-1' })).replace(/}$/, `,"metadata":{"a":${deep}}}`);
      const statement = JSON.stringify({ amount: '1.00', currency: 'BRL', date: '2026-01-10' }).replace(/}$/, `,"metadata":${deepObject}}`);
      const attempts = [
        await h.api.post('/v1/accounts', deep, key, json),
        await h.api.post('/v1/accounts', `{"name":${deep},"kind":"BANK","currency":"BRL"}`, key, json),
        await h.api.post('/v1/reconciliations', deepObject, key, json),
        await h.api.put(`/v1/accounts/${accountId}/matching-rules`, `{"referencePatterns":${deep}}`, key, json),
        await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, `{"entries":[${entry}]}`, key, json),
        await h.api.post(
          '/v1/reconciliations',
          `{"accountId":"${accountId}","periodStart":"2026-03-01","periodEnd":"2026-03-31","mode":"MANUAL","statementEntries":[${statement}]}`,
          key,
          json,
        ),
      ];
      for (const response of attempts) {
        const problem = expectProblem(response, 422, 'validation_failed');
        expect(problem.errors).toEqual([expect.objectContaining({ code: 'too_deep' })]);
      }

      expect(await tenantCounts(h, tenantId)).toEqual(before);
      expect((await h.api.get('/health/live', null)).statusCode).toBe(200);
      expect((await h.api.get(`/v1/accounts/${accountId}`, key)).statusCode).toBe(200);
    });

    it('still accepts metadata nested a reasonable depth', async () => {
      const metadata = { order: { items: [{ sku: { code: 'A-1', tags: 'x' } }] } };
      const response = await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [ledgerEntry({ externalId: 'NESTED-OK', metadata })] }, key);
      expect(response.statusCode).toBe(200);
      const rows = await h.db.query('SELECT metadata FROM ledger_entries WHERE account_id = $1 AND external_id = $2', [accountId, 'NESTED-OK']);
      expect(rows).toEqual([{ metadata }]);
    });

    it('refuses a JSON array or scalar where an object is expected, with a 4xx', async () => {
      const before = await tenantCounts(h, tenantId);
      for (const body of ['[]', '[{"name":"x","kind":"BANK","currency":"BRL"}]', '"text"', '42', 'null']) {
        const response = await h.api.post('/v1/accounts', body, key, { headers: { 'content-type': 'application/json' } });
        expect([400, 422]).toContain(response.statusCode);
        expectProblem(response, response.statusCode, response.json().code);
      }
      expect(await tenantCounts(h, tenantId)).toEqual(before);
    });

    it('answers 422 to a NUL byte in a name and stores nothing', async () => {
      const before = await tenantCounts(h, tenantId);
      const response = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Main\u0000store' }, key);
      const problem = expectProblem(response, 422, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'name' })]);
      expect(await tenantCounts(h, tenantId)).toEqual(before);
      const patched = await h.api.patch(`/v1/accounts/${accountId}`, { name: 'x\u0000' }, key);
      expectProblem(patched, 422, 'validation_failed');
    });

    it('refuses fields a client may not set (400 unknown_field)', async () => {
      const before = await tenantCounts(h, tenantId);
      for (const extra of [{ tenantId: RANDOM_ID }, { id: RANDOM_ID }, { status: 'BLOCKED' }]) {
        const response = await h.api.post('/v1/accounts', { ...ACCOUNT, ...extra }, key);
        const problem = expectProblem(response, 400, 'unknown_field');
        expect(problem.errors).toEqual([expect.objectContaining({ field: Object.keys(extra)[0], code: 'unknown_field' })]);
      }
      expect(await tenantCounts(h, tenantId)).toEqual(before);
    });
  });

  describe('path ids', () => {
    it.each([
      ['/v1/accounts/123'],
      [`/v1/accounts/${encodeURIComponent("'")}%20OR%201=1--`],
      ["/v1/accounts/'%20OR%201=1--"],
      ['/v1/accounts/0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4dX'],
      ['/v1/accounts/%00'],
      ['/v1/accounts/123/matching-rules'],
      ['/v1/accounts/123/ledger-entries'],
      ['/v1/ledger-entries/1'],
      ['/v1/reconciliations/abc'],
      ['/v1/reconciliations/abc/statement-entries'],
    ])('GET %s → 400 invalid_id', async (url) => {
      expectProblem(await h.api.get(url, key), 400, 'invalid_id');
    });

    it('refuses non-UUID ids on writes too, before touching anything', async () => {
      const before = await tenantCounts(h, tenantId);
      expectProblem(await h.api.patch('/v1/accounts/123', { name: 'x' }, key), 400, 'invalid_id');
      expectProblem(await h.api.delete('/v1/reconciliations/1;DROP%20TABLE%20accounts', key), 400, 'invalid_id');
      expectProblem(await h.api.post('/v1/reconciliations/abc/submit', undefined, key), 400, 'invalid_id');
      expect(await tenantCounts(h, tenantId)).toEqual(before);
    });
  });

  describe('lists and query parameters', () => {
    const lists = ['/v1/accounts', '/v1/reconciliations', '/v1/api-keys'];

    it.each(lists.flatMap((list) => ['0', '501', 'abc', '-1', '1.5', '1e2', ''].map((limit) => [list, limit])))('%s?limit=%p → 400 invalid_query', async (list, limit) => {
      const problem = expectProblem(await h.api.get(`${list}?limit=${limit}`, key), 400, 'invalid_query');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    });

    it('accepts limit=1 and limit=500', async () => {
      expect((await h.api.get('/v1/accounts?limit=1', key)).statusCode).toBe(200);
      expect((await h.api.get('/v1/accounts?limit=500', key)).statusCode).toBe(200);
    });

    it.each(lists.flatMap((list) => ['garbage', 'AAAA', encodeURIComponent("' OR 1=1--"), 'x'.repeat(200)].map((cursor) => [list, cursor])))(
      '%s?cursor=%p → 400 invalid_cursor',
      async (list, cursor) => {
        expectProblem(await h.api.get(`${list}?cursor=${cursor}`, key), 400, 'invalid_cursor');
      },
    );

    it.each([
      ['/v1/accounts?sort=name%3BDROP%20TABLE%20accounts'],
      ['/v1/accounts?sort=name;DROP%20TABLE%20accounts'],
      ['/v1/accounts?tenantId=0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d'],
      ['/v1/reconciliations?orderBy=id'],
      ['/v1/api-keys?includeSecret=true'],
      [`/v1/accounts/RECONCILE/ledger-entries?foo=bar`.replace('RECONCILE', RANDOM_ID)],
    ])('refuses an unknown query parameter: %s → 400 unknown_field', async (url) => {
      const problem = expectProblem(await h.api.get(url, key), 400, 'unknown_field');
      expect(problem.errors).toEqual([expect.objectContaining({ code: 'unknown_field' })]);
    });

    it.each([
      ["/v1/accounts?status=ACTIVE'%20OR%20'1'='1"],
      ['/v1/accounts?status=active'],
      ['/v1/accounts?kind=BANK%27--'],
      ['/v1/accounts?currency=BRL%27%20OR%201%3D1'],
      ["/v1/reconciliations?status=PENDING'%20OR%20'1'='1"],
      ['/v1/reconciliations?accountId=1%20OR%201%3D1'],
      ['/v1/reconciliations?periodFrom=2026-01-01%27--'],
      ['/v1/reconciliations?periodFrom=2026-02-30'],
    ])('refuses an invalid filter value: %s → 400 invalid_query', async (url) => {
      const problem = expectProblem(await h.api.get(url, key), 400, 'invalid_query');
      expect(problem.errors).toEqual([expect.objectContaining({ field: new URL(url, 'http://x').searchParams.keys().next().value })]);
    });

    it('ignores nothing: a valid filter still filters', async () => {
      const active = await h.api.get('/v1/accounts?status=ACTIVE', key);
      expect(active.statusCode).toBe(200);
      expect(active.json().data.map((a: { id: string }) => a.id)).toContain(accountId);
      const blocked = await h.api.get('/v1/accounts?status=BLOCKED', key);
      expect(blocked.statusCode).toBe(200);
      expect(blocked.json().data).toEqual([]);
    });
  });

  describe('idempotency', () => {
    it('replays the same answer for the same key and body, with Idempotent-Replayed: true, and stores one account', async () => {
      const body = { ...ACCOUNT, name: 'Idempotent 1' };
      const headers = { 'idempotency-key': 'create-account-0001' };
      const first = await h.api.post('/v1/accounts', body, key, { headers });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const second = await h.api.post('/v1/accounts', body, key, { headers });
      expect(second.statusCode).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json()).toEqual(first.json());
      expect(second.headers['content-type']).toMatch(/^application\/json/);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, 'Idempotent 1'])).toBe(1);
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'account.created' AND target_id = $2", [tenantId, first.json().id])).toBe(1);
    });

    it('answers 422 idempotency_key_reused for the same key with another body, and stores nothing', async () => {
      const headers = { 'idempotency-key': 'create-account-0002' };
      expect((await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Idempotent 2' }, key, { headers })).statusCode).toBe(201);
      const before = await tenantCounts(h, tenantId);
      const reused = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Idempotent 2 bis' }, key, { headers });
      expectProblem(reused, 422, 'idempotency_key_reused');
      expect(await tenantCounts(h, tenantId)).toEqual(before);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, 'Idempotent 2 bis'])).toBe(0);
    });

    it('accepts a 255-character key and refuses a 256-character one (400 idempotency_key_invalid)', async () => {
      const ok = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Idempotent 255' }, key, { headers: { 'idempotency-key': 'k'.repeat(255) } });
      expect(ok.statusCode).toBe(201);
      const before = await tenantCounts(h, tenantId);
      const tooLong = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Idempotent 256' }, key, { headers: { 'idempotency-key': 'k'.repeat(256) } });
      expectProblem(tooLong, 400, 'idempotency_key_invalid');
      const withSpace = await h.api.post('/v1/accounts', { ...ACCOUNT, name: 'Idempotent 256' }, key, { headers: { 'idempotency-key': 'has space' } });
      expectProblem(withSpace, 400, 'idempotency_key_invalid');
      expect(await tenantCounts(h, tenantId)).toEqual(before);
    });

    it('scopes keys per tenant: tenant B reusing A’s key string creates B’s own account', async () => {
      const other = await h.api.createTenant();
      const headers = { 'idempotency-key': 'shared-key-string-0003' };
      const body = { ...ACCOUNT, name: 'Per tenant' };
      const fromA = await h.api.post('/v1/accounts', body, key, { headers });
      expect(fromA.statusCode).toBe(201);
      const fromB = await h.api.post('/v1/accounts', body, other.key, { headers });
      expect(fromB.statusCode).toBe(201);
      expect(fromB.headers['idempotent-replayed']).toBeUndefined();
      expect(fromB.json().id).not.toBe(fromA.json().id);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, 'Per tenant'])).toBe(1);
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [other.tenantId, 'Per tenant'])).toBe(1);
      // And B's account is B's: A cannot see it.
      expectProblem(await h.api.get(`/v1/accounts/${fromB.json().id}`, key), 404, 'not_found');
    });

    it('lets exactly one of two concurrent requests with one key run', async () => {
      const body = { ...ACCOUNT, name: 'Concurrent' };
      const headers = { 'idempotency-key': 'concurrent-0004' };
      const [a, b] = await Promise.all([h.api.post('/v1/accounts', body, key, { headers }), h.api.post('/v1/accounts', body, key, { headers })]);
      const responses = [a, b].sort((x, y) => x.statusCode - y.statusCode || Number(x.headers['idempotent-replayed'] === 'true') - Number(y.headers['idempotent-replayed'] === 'true'));
      expect(responses[0].statusCode).toBe(201);
      expect(responses[0].headers['idempotent-replayed']).toBeUndefined();
      if (responses[1].statusCode === 201) {
        expect(responses[1].headers['idempotent-replayed']).toBe('true');
        expect(responses[1].json()).toEqual(responses[0].json());
      } else {
        expectProblem(responses[1], 409, 'idempotency_in_progress');
      }
      expect(await h.db.count('accounts', 'tenant_id = $1 AND name = $2', [tenantId, 'Concurrent'])).toBe(1);
      // Once settled, a retry replays the winner.
      const retry = await h.api.post('/v1/accounts', body, key, { headers });
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(responses[0].json());
    });

    it('replays a refused request (422) as it was', async () => {
      const headers = { 'idempotency-key': 'refused-0005' };
      const body = { ...ACCOUNT, name: 'Refused\u0000' };
      const first = await h.api.post('/v1/accounts', body, key, { headers });
      expectProblem(first, 422, 'validation_failed');
      const again = await h.api.post('/v1/accounts', body, key, { headers });
      expect(again.statusCode).toBe(422);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
    });
  });

  describe('OpenAPI, health and metrics', () => {
    it('serves an OpenAPI document at /docs-json listing the routes', async () => {
      const response = await h.api.get('/docs-json', null);
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/accounts', '/v1/accounts/{id}', '/v1/reconciliations/{id}/statement-entries', '/v1/admin/tenants', '/v1/api-keys']));
      expect(Object.keys(document.paths['/v1/accounts'])).toEqual(expect.arrayContaining(['get', 'post']));
    });

    it('answers /health/live and /health/ready with Postgres, migrations and Redis up', async () => {
      expect((await h.api.get('/health/live', null)).statusCode).toBe(200);
      const ready = await h.api.get('/health/ready', null);
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, migrations: { status: 'up' }, redis: { status: 'up' } },
      });
    });

    it('serves Prometheus text at /metrics, with request durations by route pattern', async () => {
      expect((await h.api.get(`/v1/accounts/${accountId}`, key)).statusCode).toBe(200);
      const response = await h.api.get('/metrics', null);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('# TYPE concilia_http_request_duration_seconds histogram');
      expect(response.body).toMatch(/concilia_http_request_duration_seconds_count\{[^}]*route="\/v1\/accounts\/:id"[^}]*\} [1-9]/);
      expect(response.body).not.toContain(accountId);
    });
  });
});

describe('HTTP conventions: body size limit (e2e)', () => {
  let h: IngestApiHarness;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    h = await startIngestApi({ API_BODY_LIMIT_BYTES: '2048' });
    const tenant = await h.api.createTenant();
    key = tenant.key;
    tenantId = tenant.tenantId;
  });

  afterAll(() => h.close());

  it('answers 413 payload_too_large to a body over the limit and stores nothing', async () => {
    const before = await tenantCounts(h, tenantId);
    const response = await h.api.post('/v1/accounts', { ...ACCOUNT, externalId: 'x'.repeat(3000) }, key);
    expectProblem(response, 413, 'payload_too_large');
    const malformed = await h.api.post('/v1/accounts', `{"name": "${'y'.repeat(3000)}`, key, { headers: { 'content-type': 'application/json' } });
    expectProblem(malformed, 413, 'payload_too_large');
    expect(await tenantCounts(h, tenantId)).toEqual(before);
    expect(await h.db.count('accounts', 'tenant_id = $1', [tenantId])).toBe(0);
  });

  it('still accepts a body under the limit', async () => {
    const response = await h.api.post('/v1/accounts', { ...ACCOUNT, externalId: 'x'.repeat(200) }, key);
    expect(response.statusCode).toBe(201);
  });
});

describe('HTTP conventions: rate limits (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '3' });
  });

  afterAll(() => h.close());

  it('limits each key: a burst gets 429 rate_limited with Retry-After; another tenant is unaffected', async () => {
    const a = await h.api.createTenant();
    const b = await h.api.createTenant();
    const burst = await Promise.all([
      ...Array.from({ length: 10 }, () => h.api.get('/v1/accounts', a.key)),
      ...Array.from({ length: 3 }, () => h.api.get('/v1/accounts', b.key)),
    ]);
    const fromA = burst.slice(0, 10);
    const fromB = burst.slice(10);

    const limited = fromA.filter((response) => response.statusCode === 429);
    const passed = fromA.filter((response) => response.statusCode === 200);
    expect(limited.length + passed.length).toBe(10);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    // Exactly 3 per one-second window pass, however the burst fell across windows (X-RateLimit-Reset names the window).
    const windows = new Map<string, { passed: number; total: number }>();
    for (const response of fromA) {
      const window = String(response.headers['x-ratelimit-reset']);
      expect(window).toMatch(/^\d+$/);
      const counts = windows.get(window) ?? { passed: 0, total: 0 };
      counts.total += 1;
      if (response.statusCode === 200) counts.passed += 1;
      windows.set(window, counts);
    }
    for (const counts of windows.values()) expect(counts.passed).toBe(Math.min(3, counts.total));
    for (const response of limited) {
      expectProblem(response, 429, 'rate_limited');
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    for (const response of passed) {
      expect(response.headers['x-ratelimit-limit']).toBe('3');
      expect(Number(response.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
      expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(3);
    }

    for (const response of fromB) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe('3');
    }
  });

  it('lets the key through again in the next window', async () => {
    const tenant = await h.api.createTenant();
    await Promise.all(Array.from({ length: 6 }, () => h.api.get('/v1/accounts', tenant.key)));
    const deadline = Date.now() + 3000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await h.api.get('/v1/accounts', tenant.key)).statusCode;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
