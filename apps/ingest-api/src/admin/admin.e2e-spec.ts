import { TEST_ADMIN_TOKEN, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

const ALL_SCOPES = [
  'accounts:read',
  'accounts:write',
  'api_keys:manage',
  'ledger:write',
  'reconciliations:read',
  'reconciliations:write',
  'settlements:write',
  'webhooks:manage',
];

describe('POST /v1/admin/tenants (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  it('creates a tenant and its first key, holding every scope, returned once with a ck_ secret', async () => {
    const response = await h.api.post('/v1/admin/tenants', { name: 'Acme Marketplace Ltd', keyName: 'bootstrap' }, TEST_ADMIN_TOKEN);
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(body.tenant).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Acme Marketplace Ltd', createdAt: expect.stringMatching(/Z$/) });
    expect(body.apiKey).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'bootstrap', allowedIps: [], revokedAt: null });
    expect(body.apiKey.secret).toMatch(/^ck_[A-Za-z0-9]{20,}$/);
    expect([...body.apiKey.scopes].sort()).toEqual(ALL_SCOPES);
    expect(body.apiKey.secret.startsWith(body.apiKey.prefix)).toBe(true);
    expect(body.apiKey.prefix.length).toBeLessThan(body.apiKey.secret.length);
    expect(body.apiKey).not.toHaveProperty('hash');
    expect(body.apiKey).not.toHaveProperty('keyHash');

    const tenants = await h.db.query('SELECT name FROM tenants WHERE id = $1', [body.tenant.id]);
    expect(tenants).toEqual([{ name: 'Acme Marketplace Ltd' }]);
    const keys = await h.db.query<{ tenant_id: string; scopes: string[] }>('SELECT tenant_id, scopes FROM api_keys WHERE id = $1', [body.apiKey.id]);
    expect(keys).toHaveLength(1);
    expect(keys[0].tenant_id).toBe(body.tenant.id);
    expect([...keys[0].scopes].sort()).toEqual(ALL_SCOPES);

    // The key works straight away, with every scope (api_keys:manage included).
    const listed = await h.api.get('/v1/api-keys', body.apiKey.secret);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.map((key: { id: string }) => key.id)).toEqual([body.apiKey.id]);
    expect(listed.body).not.toContain(body.apiKey.secret);
    expect((await h.api.post('/v1/accounts', { name: 'Bank', kind: 'BANK', currency: 'BRL' }, body.apiKey.secret)).statusCode).toBe(201);
  });

  it('defaults the first key name to "default"', async () => {
    const response = await h.api.post('/v1/admin/tenants', { name: 'No key name' }, TEST_ADMIN_TOKEN);
    expect(response.statusCode).toBe(201);
    expect(response.json().apiKey.name).toBe('default');
  });

  it('stores only a hash of the key: its secret is in no column of api_keys (nor in the audit trail)', async () => {
    const response = await h.api.post('/v1/admin/tenants', { name: 'Hash check' }, TEST_ADMIN_TOKEN);
    expect(response.statusCode).toBe(201);
    const { tenant, apiKey } = response.json();
    const secret: string = apiKey.secret;

    const rows = await h.db.query('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(rows).toHaveLength(1);
    for (const [column, value] of Object.entries(rows[0])) {
      const texts = Buffer.isBuffer(value)
        ? [value.toString('utf8'), value.toString('hex'), value.toString('base64'), value.toString('base64url')]
        : [typeof value === 'string' ? value : JSON.stringify(value)];
      for (const text of texts) {
        expect({ column, equalsSecret: text === secret, containsSecret: text?.includes(secret) ?? false }).toEqual({ column, equalsSecret: false, containsSecret: false });
      }
    }
    // Not a reversible encoding either: nothing in the whole table or the tenant's audit events holds the secret.
    const [{ whole }] = await h.db.query<{ whole: string }>(`SELECT coalesce(string_agg(row_to_json(k)::text, ''), '') AS whole FROM api_keys k`);
    expect(whole).not.toContain(secret);
    expect(whole).not.toContain(secret.slice(3));
    const [{ audit }] = await h.db.query<{ audit: string }>(
      `SELECT coalesce(string_agg(row_to_json(a)::text, ''), '') AS audit FROM audit_events a WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(audit).toContain('tenant.created');
    expect(audit).not.toContain(secret);
  });

  describe('refuses callers without the admin token (401 + WWW-Authenticate: Bearer) and creates nothing', () => {
    let apiKey: string;

    beforeAll(async () => {
      apiKey = (await h.api.createTenant()).key;
    });

    it.each([
      ['no Authorization header', () => null],
      ['a wrong token', () => 'wrong-admin-token-0123456789abcdef'],
      ['the admin token with a suffix', () => `${TEST_ADMIN_TOKEN}x`],
      ['a prefix of the admin token', () => TEST_ADMIN_TOKEN.slice(0, -1)],
      ['a tenant API key', () => apiKey],
    ])('%s', async (_label, token) => {
      const name = `refused-${Math.random().toString(36).slice(2)}`;
      const response = await h.api.post('/v1/admin/tenants', { name }, token());
      expectProblem(response, 401, 'unauthenticated');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
      expect(await h.db.count('tenants', 'name = $1', [name])).toBe(0);
    });

    it('a malformed Authorization header (Basic)', async () => {
      const response = await h.api.post('/v1/admin/tenants', { name: 'basic' }, null, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}` },
      });
      expectProblem(response, 401, 'unauthenticated');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
    });
  });

  it('refuses unknown fields with 400 unknown_field (tenantId or id cannot be chosen by the caller)', async () => {
    const name = `unknown-${Math.random().toString(36).slice(2)}`;
    for (const extra of [{ id: '0190a0b4-0000-7000-8000-000000000001' }, { tenantId: '0190a0b4-0000-7000-8000-000000000002' }, { colour: 'red' }]) {
      const response = await h.api.post('/v1/admin/tenants', { name, ...extra }, TEST_ADMIN_TOKEN);
      const body = expectProblem(response, 400, 'unknown_field');
      expect(body.errors).toEqual([expect.objectContaining({ field: Object.keys(extra)[0], code: 'unknown_field' })]);
    }
    expect(await h.db.count('tenants', 'name = $1', [name])).toBe(0);
  });

  it.each([
    ['missing', {}],
    ['empty', { name: '' }],
    ['not a string', { name: 42 }],
    ['too long', { name: 'x'.repeat(201) }],
    ['with a NUL byte', { name: 'Acme\u0000Ltd' }],
  ])('refuses a name that is %s with 422 validation_failed naming the field', async (_label, body) => {
    const before = await h.db.count('tenants', "name LIKE 'Acme%Ltd'");
    const response = await h.api.post('/v1/admin/tenants', body, TEST_ADMIN_TOKEN);
    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
    expect(await h.db.count('tenants', "name LIKE 'Acme%Ltd'")).toBe(before);
  });
});
