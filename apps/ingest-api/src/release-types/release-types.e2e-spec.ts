import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { expectProblem } from '@concilia/testing';

const DEFAULT_CATALOGUE = [
  { code: 'SALE', category: 'REVENUE', builtIn: true, aliases: [] },
  { code: 'COMMISSION', category: 'FEE', builtIn: true, aliases: ['COMISSION'] },
  { code: 'SHIPPING', category: 'SHIPPING', builtIn: true, aliases: ['SHIP'] },
  { code: 'RETURN_SHIPPING', category: 'SHIPPING', builtIn: true, aliases: ['RETURN_SHIP'] },
  { code: 'RETURN_SALE', category: 'RETURN', builtIn: true, aliases: [] },
  { code: 'DEVOLUTION', category: 'RETURN', builtIn: true, aliases: [] },
  { code: 'PENALTY', category: 'PENALTY', builtIn: true, aliases: [] },
  { code: 'ANTICIPATION_FEE', category: 'FINANCIAL', builtIn: true, aliases: [] },
  { code: 'ADJUSTMENT', category: 'ADJUSTMENT', builtIn: true, aliases: [] },
];

describe('release types (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
  });

  afterAll(() => h.close());

  const list = async (key: string, channel: string) => {
    const response = await h.api.get(`/v1/channels/${channel}/release-types`, key);
    expect(response.statusCode).toBe(200);
    return response.json() as { data: { code: string; name: string; category: string; builtIn: boolean; aliases: string[] }[]; nextCursor: null };
  };
  const add = (key: string, channel: string, body: unknown, headers: Record<string, string> = {}) => h.api.post(`/v1/channels/${channel}/release-types`, body, key, { headers });
  const stored = (tenantId: string) => h.db.query(`SELECT channel, code, name, category FROM release_types WHERE tenant_id = $1 ORDER BY created_at, code`, [tenantId]);

  async function state() {
    return { snapshot: await h.db.snapshot(), releaseTypes: await h.db.count('release_types') };
  }

  describe('GET /v1/channels/{channel}/release-types', () => {
    it('gives the default catalogue with names and categories', async () => {
      const { key } = await h.api.createTenant();
      const body = await list(key, 'default');
      expect(body.nextCursor).toBeNull();
      expect(body.data).toEqual(DEFAULT_CATALOGUE.map((type) => ({ ...type, name: expect.any(String) })));
      expect(body.data.every((type) => type.name.length > 0)).toBe(true);
    });

    it('gives unknown channels the default catalogue', async () => {
      const { key } = await h.api.createTenant();
      expect((await list(key, 'my-own-shop_2')).data.map((t) => t.code)).toEqual(DEFAULT_CATALOGUE.map((t) => t.code));
    });

    it.each([
      ['mercadolivre', 'FULFILLMENT_FEE'],
      ['amazon', 'FBA_FEE'],
      ['shopee', 'SERVICE_FEE'],
    ])('extends the default catalogue for %s with its own types (%s)', async (channel, own) => {
      const { key } = await h.api.createTenant();
      const codes = (await list(key, channel)).data.map((t) => t.code);
      expect(codes.slice(0, DEFAULT_CATALOGUE.length)).toEqual(DEFAULT_CATALOGUE.map((t) => t.code));
      expect(codes).toContain(own);
      expect((await list(key, 'default')).data.map((t) => t.code)).not.toContain(own);
    });

    it('reads the channel case-insensitively', async () => {
      const { key } = await h.api.createTenant();
      expect(await list(key, 'MercadoLivre')).toEqual(await list(key, 'mercadolivre'));
    });

    it('refuses malformed channels and query parameters with 400', async () => {
      const { key } = await h.api.createTenant();
      expectProblem(await h.api.get(`/v1/channels/${'a'.repeat(65)}/release-types`, key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/channels/a%20b/release-types`, key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/channels/-shop/release-types`, key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/channels/shop'%3B--/release-types`, key), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/channels/amazon/release-types?limit=10`, key), 400, 'unknown_field');
      expectProblem(await h.api.get(`/v1/channels/amazon/release-types?category=FEE`, key), 400, 'unknown_field');
    });

    it('needs accounts:read', async () => {
      const { key } = await h.api.createTenant();
      const created = await h.api.post('/v1/api-keys', { name: 'recon only', scopes: ['reconciliations:read'] }, key);
      expectProblem(await h.api.get('/v1/channels/amazon/release-types', created.json().secret), 403, 'insufficient_scope');
      expectProblem(await h.api.get('/v1/channels/amazon/release-types', null), 401, 'unauthenticated');
    });
  });

  describe('POST /v1/channels/{channel}/release-types', () => {
    it('adds a tenant type (201) that the channel’s catalogue then lists after the built-in ones, for this tenant only', async () => {
      const mine = await h.api.createTenant();
      const theirs = await h.api.createTenant();
      const response = await add(mine.key, 'shopee', { code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT' });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT', builtIn: false, aliases: [] });
      expect(await stored(mine.tenantId)).toEqual([{ channel: 'shopee', code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT' }]);

      const catalogue = (await list(mine.key, 'shopee')).data;
      expect(catalogue[catalogue.length - 1]).toEqual({ code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT', builtIn: false, aliases: [] });
      expect(catalogue.filter((t) => !t.builtIn)).toHaveLength(1);
      // Not in other channels, nor in another tenant's catalogue.
      expect((await list(mine.key, 'amazon')).data.map((t) => t.code)).not.toContain('COINS_CASHBACK');
      expect((await list(theirs.key, 'shopee')).data.map((t) => t.code)).not.toContain('COINS_CASHBACK');

      const events = await h.db.query(`SELECT actor_id, after FROM audit_events WHERE tenant_id = $1 AND action = 'release_type.created'`, [mine.tenantId]);
      expect(events).toEqual([{ actor_id: mine.keyId, after: { channel: 'shopee', code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT' } }]);
    });

    it('lets two tenants, and two channels, use the same code', async () => {
      const mine = await h.api.createTenant();
      const theirs = await h.api.createTenant();
      const body = { code: 'GIFT_WRAP', name: 'Gift wrap', category: 'REVENUE' };
      expect((await add(mine.key, 'amazon', body)).statusCode).toBe(201);
      expect((await add(mine.key, 'mercadolivre', body)).statusCode).toBe(201);
      expect((await add(theirs.key, 'amazon', body)).statusCode).toBe(201);
      expect(await h.db.count('release_types', "code = 'GIFT_WRAP' AND tenant_id = ANY($1::uuid[])", [[mine.tenantId, theirs.tenantId]])).toBe(3);
    });

    it('stores the channel in lower case, as accounts spell it', async () => {
      const mine = await h.api.createTenant();
      expect((await add(mine.key, 'Amazon', { code: 'PRIME_FEE', name: 'Prime', category: 'FEE' })).statusCode).toBe(201);
      expect(await stored(mine.tenantId)).toEqual([expect.objectContaining({ channel: 'amazon', code: 'PRIME_FEE' })]);
      expect((await list(mine.key, 'amazon')).data.map((t) => t.code)).toContain('PRIME_FEE');
    });

    it('answers 409 release_type_exists for a repeated code and changes nothing', async () => {
      const mine = await h.api.createTenant();
      expect((await add(mine.key, 'amazon', { code: 'GIFT_WRAP', name: 'Gift wrap', category: 'REVENUE' })).statusCode).toBe(201);
      const before = await state();
      const problem = expectProblem(await add(mine.key, 'amazon', { code: 'GIFT_WRAP', name: 'Other', category: 'FEE' }), 409, 'release_type_exists');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'code' })]);
      expect(await state()).toEqual(before);
      expect(await stored(mine.tenantId)).toEqual([{ channel: 'amazon', code: 'GIFT_WRAP', name: 'Gift wrap', category: 'REVENUE' }]);
    });

    it.each([
      ['default', 'SALE'],
      ['default', 'COMISSION'],
      ['mercadolivre', 'RETURN_SHIP'],
      ['amazon', 'FBA_FEE'],
      ['some-new-channel', 'PENALTY'],
    ])('answers 409 release_type_exists for a built-in code or alias of %s (%s)', async (channel, code) => {
      const mine = await h.api.createTenant();
      const before = await state();
      expectProblem(await add(mine.key, channel, { code, name: 'Mine', category: 'FEE' }), 409, 'release_type_exists');
      expect(await state()).toEqual(before);
    });

    it('a code built into another channel is free here', async () => {
      const mine = await h.api.createTenant();
      expect((await add(mine.key, 'shopee', { code: 'FBA_FEE', name: 'Imported FBA fee', category: 'FEE' })).statusCode).toBe(201);
    });

    it('of concurrent adds of one code, exactly one is created', async () => {
      const mine = await h.api.createTenant();
      const body = { code: 'RACE', name: 'Race', category: 'ADJUSTMENT' };
      const responses = await Promise.all(Array.from({ length: 5 }, () => add(mine.key, 'amazon', body)));
      expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
      for (const loser of responses.filter((r) => r.statusCode !== 201)) expectProblem(loser, 409, 'release_type_exists');
      expect(await h.db.count('release_types', "tenant_id = $1 AND code = 'RACE'", [mine.tenantId])).toBe(1);
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'release_type.created'", [mine.tenantId])).toBe(1);
    });

    it('replays an add sent again with the same Idempotency-Key', async () => {
      const mine = await h.api.createTenant();
      const body = { code: 'REPLAYED', name: 'Replayed', category: 'FEE' };
      const headers = { 'idempotency-key': `rt-${randomUUID()}` };
      const first = await add(mine.key, 'amazon', body, headers);
      const replay = await add(mine.key, 'amazon', body, headers);
      expect([first.statusCode, replay.statusCode]).toEqual([201, 201]);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(await h.db.count('release_types', 'tenant_id = $1', [mine.tenantId])).toBe(1);
    });

    it.each([
      ['a lower-case code', { code: 'gift_wrap', name: 'x', category: 'FEE' }, 422, 'validation_failed', 'code'],
      ['a code starting with a digit', { code: '1FEE', name: 'x', category: 'FEE' }, 422, 'validation_failed', 'code'],
      ['a code with a dash', { code: 'GIFT-WRAP', name: 'x', category: 'FEE' }, 422, 'validation_failed', 'code'],
      ['a 65-character code', { code: `A${'B'.repeat(64)}`, name: 'x', category: 'FEE' }, 422, 'validation_failed', 'code'],
      ['an empty name', { code: 'GIFT', name: '', category: 'FEE' }, 422, 'validation_failed', 'name'],
      ['a NUL in the name', { code: 'GIFT', name: 'a\u0000b', category: 'FEE' }, 422, 'validation_failed', 'name'],
      ['an unknown category', { code: 'GIFT', name: 'x', category: 'TAX' }, 422, 'validation_failed', 'category'],
      ['no category', { code: 'GIFT', name: 'x' }, 422, 'validation_failed', 'category'],
      ['a builtIn flag', { code: 'GIFT', name: 'x', category: 'FEE', builtIn: true }, 400, 'unknown_field', 'builtIn'],
      ['a tenantId', { code: 'GIFT', name: 'x', category: 'FEE', tenantId: randomUUID() }, 400, 'unknown_field', 'tenantId'],
    ])('refuses %s and changes nothing', async (_label, body, status, code, field) => {
      const mine = await h.api.createTenant();
      const before = await state();
      const problem = expectProblem(await add(mine.key, 'amazon', body), status, code);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await state()).toEqual(before);
    });

    it('a 64-character code is accepted', async () => {
      const mine = await h.api.createTenant();
      const code = `A${'B'.repeat(63)}`;
      expect((await add(mine.key, 'amazon', { code, name: 'Long', category: 'FEE' })).statusCode).toBe(201);
    });

    it('needs accounts:write and a well-formed channel', async () => {
      const mine = await h.api.createTenant();
      const reader = (await h.api.post('/v1/api-keys', { name: 'reader', scopes: ['accounts:read'] }, mine.key)).json().secret;
      const before = await state();
      expectProblem(await add(reader, 'amazon', { code: 'GIFT', name: 'x', category: 'FEE' }), 403, 'insufficient_scope');
      expectProblem(await add(mine.key, 'a%20b', { code: 'GIFT', name: 'x', category: 'FEE' }), 400, 'invalid_id');
      expect(await state()).toEqual(before);
      // With accounts:read the catalogue is readable.
      expect((await h.api.get('/v1/channels/amazon/release-types', reader)).statusCode).toBe(200);
    });
  });
});
