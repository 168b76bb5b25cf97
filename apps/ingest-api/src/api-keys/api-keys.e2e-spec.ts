import type { InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { expectProblem } from '@concilia/testing';

/** Many quick requests with one key: keep the per-key rate limit (tested on its own) out of the way. */
const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };

const RANDOM_ID = '0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d';

function withoutRequestId(response: InjectResponse): Record<string, unknown> {
  const { requestId, ...rest } = response.json();
  expect(requestId).toEqual(expect.any(String));
  return rest;
}

interface CreatedKey {
  id: string;
  secret: string;
  scopes: string[];
  allowedIps: string[];
}

describe('API keys (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  async function createKey(adminKey: string, body: Record<string, unknown>, options: { remoteAddress?: string } = {}): Promise<CreatedKey> {
    const response = await h.api.post('/v1/api-keys', body, adminKey, options);
    if (response.statusCode !== 201) throw new Error(`createKey: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  describe('POST /v1/api-keys', () => {
    it('creates a key with its scopes and a normalised IP allow-list; the secret is shown once and works', async () => {
      const tenant = await h.api.createTenant();
      const response = await h.api.post(
        '/v1/api-keys',
        { name: 'ERP integration', scopes: ['reconciliations:read', 'accounts:read'], allowedIps: ['10.0.0.1', '192.168.0.0/16', '2001:db8::1', '10.0.0.1/32'] },
        tenant.key,
      );
      expect(response.statusCode).toBe(201);
      const key = response.json();
      expect(key).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'ERP integration',
        scopes: ['accounts:read', 'reconciliations:read'],
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(key.allowedIps).toEqual(['10.0.0.1/32', '192.168.0.0/16', '2001:db8::1/128']);
      expect(key.secret).toMatch(/^ck_[A-Za-z0-9]{20,}$/);
      expect(key.secret).not.toBe(tenant.key);

      const [row] = await h.db.query<{ tenant_id: string; allowed_ips: string[]; scopes: string[] }>(
        'SELECT tenant_id, allowed_ips, scopes FROM api_keys WHERE id = $1',
        [key.id],
      );
      expect(row).toEqual({ tenant_id: tenant.tenantId, allowed_ips: ['10.0.0.1/32', '192.168.0.0/16', '2001:db8::1/128'], scopes: ['accounts:read', 'reconciliations:read'] });

      const used = await h.api.get('/v1/accounts', key.secret, { remoteAddress: '10.0.0.1' });
      expect(used.statusCode).toBe(200);
    });

    it('writes an api_key.created audit event naming the calling key', async () => {
      const tenant = await h.api.createTenant();
      const key = await createKey(tenant.key, { name: 'audited', scopes: ['accounts:read'] });
      const events = await h.db.query('SELECT actor_type, actor_id, action, target_type, target_id, tenant_id FROM audit_events WHERE target_id = $1', [key.id]);
      expect(events).toEqual([
        { actor_type: 'api_key', actor_id: tenant.keyId, action: 'api_key.created', target_type: 'api_key', target_id: key.id, tenant_id: tenant.tenantId },
      ]);
    });

    it.each([['not-an-ip'], ['10.0.0.0/33'], ['300.1.1.1'], ['10.0.0.1/'], ['']])('refuses the allow-list entry %p with 422 and creates nothing', async (entry) => {
      const tenant = await h.api.createTenant();
      const before = await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId]);
      const response = await h.api.post('/v1/api-keys', { name: 'bad ip', scopes: ['accounts:read'], allowedIps: ['10.0.0.0/8', entry] }, tenant.key);
      const problem = expectProblem(response, 422, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'allowedIps[1]' })]);
      expect(await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId])).toBe(before);
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'api_key.created'", [tenant.tenantId])).toBe(0);
    });

    it('refuses unknown scopes (422), unknown fields (400) and a missing name (422)', async () => {
      const tenant = await h.api.createTenant();
      expectProblem(await h.api.post('/v1/api-keys', { name: 'x', scopes: ['root'] }, tenant.key), 422, 'validation_failed');
      expectProblem(await h.api.post('/v1/api-keys', { name: 'x', scopes: ['accounts:read'], tenantId: RANDOM_ID }, tenant.key), 400, 'unknown_field');
      expectProblem(await h.api.post('/v1/api-keys', { scopes: ['accounts:read'] }, tenant.key), 422, 'validation_failed');
      expect(await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId])).toBe(1);
    });

    it('refuses to grant a scope the calling key does not hold (403 insufficient_scope)', async () => {
      const tenant = await h.api.createTenant();
      const manager = await createKey(tenant.key, { name: 'manager', scopes: ['api_keys:manage', 'accounts:read'] });
      const before = await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId]);
      const response = await h.api.post('/v1/api-keys', { name: 'escalate', scopes: ['accounts:read', 'accounts:write'] }, manager.secret);
      expectProblem(response, 403, 'insufficient_scope');
      expect(await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId])).toBe(before);
      // Scopes it holds are fine.
      const allowed = await h.api.post('/v1/api-keys', { name: 'reader', scopes: ['accounts:read'] }, manager.secret);
      expect(allowed.statusCode).toBe(201);
    });
  });

  describe('GET /v1/api-keys', () => {
    it('lists the tenant’s keys without any secret or hash, page by page with limit=1', async () => {
      const tenant = await h.api.createTenant();
      const created = [
        await createKey(tenant.key, { name: 'one', scopes: ['accounts:read'] }),
        await createKey(tenant.key, { name: 'two', scopes: ['accounts:write'] }),
        await createKey(tenant.key, { name: 'three', scopes: ['ledger:write'] }),
      ];
      const other = await h.api.createTenant();

      const [hashRow] = await h.db.query<{ hex: string }>("SELECT encode(key_hash, 'hex') AS hex FROM api_keys WHERE id = $1", [created[0].id]);
      const [hashB64] = await h.db.query<{ b64: string }>("SELECT encode(key_hash, 'base64') AS b64 FROM api_keys WHERE id = $1", [created[0].id]);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url = `/v1/api-keys?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await h.api.get(url, tenant.key);
        expect(page.statusCode).toBe(200);
        const body = page.json();
        expect(body.data.length).toBeLessThanOrEqual(1);
        for (const key of body.data) {
          expect(Object.keys(key).sort()).toEqual(['allowedIps', 'createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scopes']);
          seen.push(key.id);
        }
        for (const secret of [tenant.key, ...created.map((key) => key.secret)]) expect(page.body).not.toContain(secret);
        expect(page.body).not.toContain(hashRow.hex);
        expect(page.body).not.toContain(hashB64.b64);
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);

      expect(cursor).toBeNull();
      expect(seen.sort()).toEqual([tenant.keyId, ...created.map((key) => key.id)].sort());
      expect(new Set(seen).size).toBe(4);
      expect(seen).not.toContain(other.keyId);
    });
  });

  describe('DELETE /v1/api-keys/{id}', () => {
    it('revokes at once: the key then gets the same 401 as an unknown key; an audit event names the caller', async () => {
      const tenant = await h.api.createTenant();
      const victim = await createKey(tenant.key, { name: 'to revoke', scopes: ['accounts:read'] });
      expect((await h.api.get('/v1/accounts', victim.secret)).statusCode).toBe(200);

      const revoked = await h.api.delete(`/v1/api-keys/${victim.id}`, tenant.key);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toMatchObject({ id: victim.id, revokedAt: expect.stringMatching(/Z$/) });
      expect(revoked.json()).not.toHaveProperty('secret');

      const afterRevoke = await h.api.get('/v1/accounts', victim.secret);
      expectProblem(afterRevoke, 401, 'unauthenticated');
      expect(String(afterRevoke.headers['www-authenticate'])).toMatch(/^Bearer\b/);
      const unknown = await h.api.get('/v1/accounts', `ck_${'Z'.repeat(43)}`);
      expectProblem(unknown, 401, 'unauthenticated');
      expect(withoutRequestId(afterRevoke)).toEqual(withoutRequestId(unknown));
      expect(afterRevoke.headers['www-authenticate']).toEqual(unknown.headers['www-authenticate']);

      const [row] = await h.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [victim.id]);
      expect(row.revoked_at).toBeInstanceOf(Date);
      const events = await h.db.query('SELECT actor_type, actor_id, tenant_id FROM audit_events WHERE action = $1 AND target_id = $2', ['api_key.revoked', victim.id]);
      expect(events).toEqual([{ actor_type: 'api_key', actor_id: tenant.keyId, tenant_id: tenant.tenantId }]);

      // Revoking again changes nothing and writes no second event.
      const again = await h.api.delete(`/v1/api-keys/${victim.id}`, tenant.key);
      expect(again.statusCode).toBe(200);
      expect(await h.db.count('audit_events', 'action = $1 AND target_id = $2', ['api_key.revoked', victim.id])).toBe(1);
    });

    it('keeps the tenant’s last key able to manage keys (409 api_key_last_admin)', async () => {
      const tenant = await h.api.createTenant();
      const reader = await createKey(tenant.key, { name: 'reader', scopes: ['accounts:read'] });
      const response = await h.api.delete(`/v1/api-keys/${tenant.keyId}`, tenant.key);
      expectProblem(response, 409, 'api_key_last_admin');
      const [row] = await h.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [tenant.keyId]);
      expect(row.revoked_at).toBeNull();
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'api_key.revoked'", [tenant.tenantId])).toBe(0);
      expect((await h.api.get('/v1/api-keys', tenant.key)).statusCode).toBe(200);

      // With a second manager, the first may go; then the second is the last.
      const second = await createKey(tenant.key, { name: 'second manager', scopes: ['api_keys:manage'] });
      expect((await h.api.delete(`/v1/api-keys/${tenant.keyId}`, second.secret)).statusCode).toBe(200);
      expectProblem(await h.api.delete(`/v1/api-keys/${second.id}`, second.secret), 409, 'api_key_last_admin');
      // A non-manager key can still be revoked by the last manager.
      expect((await h.api.delete(`/v1/api-keys/${reader.id}`, second.secret)).statusCode).toBe(200);
    });

    it('answers 404 for another tenant’s key, exactly as for a random id, and leaves it active', async () => {
      const a = await h.api.createTenant();
      const aKey = await createKey(a.key, { name: 'A second', scopes: ['accounts:read'] });
      const b = await h.api.createTenant();
      const foreign = await h.api.delete(`/v1/api-keys/${aKey.id}`, b.key);
      const random = await h.api.delete(`/v1/api-keys/${RANDOM_ID}`, b.key);
      expectProblem(foreign, 404, 'not_found');
      expectProblem(random, 404, 'not_found');
      expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
      const [row] = await h.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [aKey.id]);
      expect(row.revoked_at).toBeNull();
      expect((await h.api.get('/v1/accounts', aKey.secret)).statusCode).toBe(200);
    });

    it('refuses a non-UUID id with 400 invalid_id', async () => {
      const tenant = await h.api.createTenant();
      expectProblem(await h.api.delete('/v1/api-keys/123', tenant.key), 400, 'invalid_id');
    });
  });

  it('refuses every key route to a key without api_keys:manage (403 insufficient_scope)', async () => {
    const tenant = await h.api.createTenant();
    const worker = await createKey(tenant.key, {
      name: 'worker',
      scopes: ['accounts:read', 'accounts:write', 'ledger:write', 'reconciliations:read', 'reconciliations:write', 'settlements:write', 'webhooks:manage'],
    });
    const before = await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId]);
    const attempts = [
      await h.api.get('/v1/api-keys', worker.secret),
      await h.api.post('/v1/api-keys', { name: 'sneaky', scopes: ['accounts:read'] }, worker.secret),
      await h.api.delete(`/v1/api-keys/${tenant.keyId}`, worker.secret),
      await h.api.delete(`/v1/api-keys/${worker.id}`, worker.secret),
    ];
    for (const response of attempts) {
      const problem = expectProblem(response, 403, 'insufficient_scope');
      expect(problem.detail).toContain('api_keys:manage');
    }
    expect(await h.db.count('api_keys', 'tenant_id = $1', [tenant.tenantId])).toBe(before);
    expect(await h.db.count('api_keys', 'tenant_id = $1 AND revoked_at IS NOT NULL', [tenant.tenantId])).toBe(0);
  });

  describe('IP allow-list', () => {
    let limited: CreatedKey;
    let tenantId: string;

    beforeAll(async () => {
      const tenant = await h.api.createTenant();
      tenantId = tenant.tenantId;
      limited = await createKey(tenant.key, { name: 'office only', scopes: ['accounts:read', 'accounts:write'], allowedIps: ['203.0.113.0/24'] });
    });

    it('refuses a caller outside the list with 403 ip_not_allowed, on reads and writes', async () => {
      const read = await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '198.51.100.7' });
      expectProblem(read, 403, 'ip_not_allowed');
      const write = await h.api.post('/v1/accounts', { name: 'outside', kind: 'BANK', currency: 'BRL' }, limited.secret, { remoteAddress: '198.51.100.7' });
      expectProblem(write, 403, 'ip_not_allowed');
      expectProblem(await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '203.0.114.1' }), 403, 'ip_not_allowed');
      expectProblem(await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '2001:db8::7' }), 403, 'ip_not_allowed');
      expect(await h.db.count('accounts', 'tenant_id = $1', [tenantId])).toBe(0);
    });

    it('lets a caller inside the list through (IPv4 and IPv4-mapped IPv6)', async () => {
      expect((await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
      expect((await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '::ffff:203.0.113.250' })).statusCode).toBe(200);
      const write = await h.api.post('/v1/accounts', { name: 'inside', kind: 'BANK', currency: 'BRL' }, limited.secret, { remoteAddress: '203.0.113.9' });
      expect(write.statusCode).toBe(201);
      expect(await h.db.count('accounts', 'tenant_id = $1', [tenantId])).toBe(1);
    });

    it('ignores X-Forwarded-For when the proxy is not trusted', async () => {
      const response = await h.api.get('/v1/accounts', limited.secret, { remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': '203.0.113.9' } });
      expectProblem(response, 403, 'ip_not_allowed');
    });
  });

  describe('scopes', () => {
    it('a key with only accounts:read reads accounts but cannot create one (403 insufficient_scope)', async () => {
      const tenant = await h.api.createTenant();
      const reader = await createKey(tenant.key, { name: 'reader', scopes: ['accounts:read'] });
      const refused = await h.api.post('/v1/accounts', { name: 'nope', kind: 'BANK', currency: 'BRL' }, reader.secret);
      const problem = expectProblem(refused, 403, 'insufficient_scope');
      expect(problem.detail).toContain('accounts:write');
      expect(await h.db.count('accounts', 'tenant_id = $1', [tenant.tenantId])).toBe(0);

      await h.api.createAccount(tenant.key);
      const listed = await h.api.get('/v1/accounts', reader.secret);
      expect(listed.statusCode).toBe(200);
      expect(listed.json().data).toHaveLength(1);

      expectProblem(await h.api.get('/v1/reconciliations', reader.secret), 403, 'insufficient_scope');
      expectProblem(await h.api.post(`/v1/accounts/${listed.json().data[0].id}/ledger-entries`, { entries: [] }, reader.secret), 403, 'insufficient_scope');
    });
  });
});
