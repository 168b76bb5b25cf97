import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { ledgerEntry, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

interface Scope {
  tenantId: string;
  key: string;
  keyId: string;
  accountId: string;
  reconciliationId: string;
  currency: string;
  /** Ledger entries of the account by externalId. */
  ledger: Record<string, string>;
}

interface SettlementRow {
  ledgerEntryId: string;
  accountId: string;
  reconciliationId: string;
  matchId: string;
  currency: string;
  expectedAmount: bigint;
  receivedAmount: bigint;
  breakdown: Record<string, string>;
  status: string;
  remarks: string | null;
  readAt: string | null;
}

describe('settlements (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
  });

  afterAll(() => h.close());

  async function setup(options: { channel?: string; currency?: string; tenant?: { tenantId: string; key: string; keyId: string } } = {}): Promise<Scope> {
    const currency = options.currency ?? 'BRL';
    const tenant = options.tenant ?? (await h.api.createTenant());
    const account = await h.api.createAccount(tenant.key, { currency, ...(options.channel && { channel: options.channel }) });
    const reconciliation = await h.api.createReconciliation(tenant.key, account.id);
    const entries = ['PED-1', 'PED-2', 'PED-3'].map((externalId, i) => ledgerEntry({ externalId, currency, amount: '100', date: `2026-01-1${i}`, kind: i === 2 ? 'INVOICE' : 'ORDER' }));
    const created = await h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries }, tenant.key);
    expect(created.statusCode).toBe(200);
    const rows = await h.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM ledger_entries WHERE account_id = $1', [account.id]);
    return { ...tenant, accountId: account.id, reconciliationId: reconciliation.id, currency, ledger: Object.fromEntries(rows.map((row) => [row.external_id, row.id])) };
  }

  /** Settlements are written by the matcher for accepted matches: here they are inserted with SQL. */
  async function insertSettlement(scope: Scope, row: Partial<SettlementRow> = {}): Promise<string> {
    const id = uuidv7();
    const expected = row.expectedAmount ?? 10000n;
    const received = row.receivedAmount ?? 8000n;
    await h.db.query(
      `INSERT INTO settlements (id, tenant_id, account_id, reconciliation_id, match_id, ledger_entry_id, currency, expected_amount, received_amount, difference, breakdown, status, remarks, read_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id,
        scope.tenantId,
        row.accountId ?? scope.accountId,
        row.reconciliationId ?? scope.reconciliationId,
        row.matchId ?? randomUUID(),
        row.ledgerEntryId ?? scope.ledger['PED-1'],
        row.currency ?? scope.currency,
        expected.toString(),
        received.toString(),
        (received - expected).toString(),
        JSON.stringify(row.breakdown ?? { SALE: '10000', COMMISSION: '-1200', SHIPPING: '-800' }),
        row.status ?? 'PENDING',
        row.remarks ?? null,
        row.readAt ?? null,
      ],
    );
    return id;
  }

  const rowOf = async (id: string) =>
    (await h.db.query(`SELECT status, remarks, read_at, resolved_at FROM settlements WHERE id = $1`, [id]))[0] as {
      status: string;
      remarks: string | null;
      read_at: Date | null;
      resolved_at: Date | null;
    };

  /** Every settlement row, and the row counts of the other tables: what a refused request must leave alone. */
  async function state() {
    return {
      snapshot: await h.db.snapshot(),
      settlements: await h.db.query(`SELECT id, status, remarks, read_at, resolved_at FROM settlements ORDER BY id`),
    };
  }

  const feed = async (key: string, query = '') => {
    const response = await h.api.get(`/v1/settlements${query}`, key);
    expect(response.statusCode).toBe(200);
    return response.json() as { data: Record<string, any>[]; nextCursor: string | null }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const feedIds = async (key: string, query = '') => (await feed(key, query)).data.map((item) => item.id);

  async function keyWith(adminKey: string, scopes: string[]): Promise<string> {
    const response = await h.api.post('/v1/api-keys', { name: `only ${scopes.join(',')}`, scopes }, adminKey);
    expect(response.statusCode).toBe(201);
    return response.json().secret;
  }

  const resolveBatch = (key: string, body: unknown, headers: Record<string, string> = {}) => h.api.post('/v1/settlements/resolve-batch', body, key, { headers });
  const readBatch = (key: string, body: unknown) => h.api.post('/v1/settlements/read-batch', body, key);

  describe('GET /v1/settlements', () => {
    it('shows each settlement with its ledger entry, exact amounts and the breakdown classified by the channel’s catalogue', async () => {
      const scope = await setup({ channel: 'mercadolivre' });
      const matchId = randomUUID();
      const id = await insertSettlement(scope, {
        matchId,
        ledgerEntryId: scope.ledger['PED-3'],
        expectedAmount: 10000n,
        receivedAmount: 7700n,
        breakdown: { SHIP: '-800', WEIRD_TYPE: '5', SALE: '10000', COMISSION: '-1200', FINANCING_FEE: '-300', UNCLASSIFIED: '-5' },
      });
      const body = await feed(scope.key);
      expect(body).toEqual({
        data: [
          {
            id,
            accountId: scope.accountId,
            reconciliationId: scope.reconciliationId,
            matchId,
            ledgerEntryId: scope.ledger['PED-3'],
            ledgerEntry: { externalId: 'PED-3', kind: 'INVOICE', date: '2026-01-12' },
            currency: 'BRL',
            expectedAmount: '100.00',
            receivedAmount: '77.00',
            difference: '-23.00',
            breakdown: [
              { releaseType: 'SALE', amount: '100.00', category: 'REVENUE', classified: true },
              { releaseType: 'COMMISSION', amount: '-12.00', category: 'FEE', classified: true },
              { releaseType: 'SHIPPING', amount: '-8.00', category: 'SHIPPING', classified: true },
              { releaseType: 'FINANCING_FEE', amount: '-3.00', category: 'FINANCIAL', classified: true },
              { releaseType: 'UNCLASSIFIED', amount: '-0.05', category: null, classified: false },
              { releaseType: 'WEIRD_TYPE', amount: '0.05', category: null, classified: false },
            ],
            status: 'PENDING',
            remarks: null,
            readAt: null,
            resolvedAt: null,
            createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
          },
        ],
        nextCursor: null,
      });
    });

    it('classifies by the account’s own channel: a channel type is unclassified elsewhere, accounts without a channel use the default', async () => {
      const tenant = await h.api.createTenant();
      const amazon = await setup({ channel: 'amazon', tenant });
      const shopee = await setup({ channel: 'shopee', tenant, currency: 'JPY' });
      const bank = await setup({ tenant });
      await insertSettlement(amazon, { breakdown: { FBA_FEE: '-150', SALE: '1000' } });
      await insertSettlement(shopee, { breakdown: { FBA_FEE: '-150', SERVICE_FEE: '-7', SALE: '1000' }, expectedAmount: 1000n, receivedAmount: 843n });
      await insertSettlement(bank, { breakdown: { FBA_FEE: '-150', ALLOCATED: '1000' } });
      const byAccount = new Map((await feed(tenant.key)).data.map((s) => [s.accountId, s]));
      expect(byAccount.get(amazon.accountId)?.breakdown).toEqual([
        { releaseType: 'SALE', amount: '10.00', category: 'REVENUE', classified: true },
        { releaseType: 'FBA_FEE', amount: '-1.50', category: 'FEE', classified: true },
      ]);
      expect(byAccount.get(shopee.accountId)).toMatchObject({
        currency: 'JPY',
        expectedAmount: '1000',
        receivedAmount: '843',
        difference: '-157',
        breakdown: [
          { releaseType: 'SALE', amount: '1000', category: 'REVENUE', classified: true },
          { releaseType: 'SERVICE_FEE', amount: '-7', category: 'FEE', classified: true },
          { releaseType: 'FBA_FEE', amount: '-150', category: null, classified: false },
        ],
      });
      expect(byAccount.get(bank.accountId)?.breakdown).toEqual([
        { releaseType: 'ALLOCATED', amount: '10.00', category: null, classified: false },
        { releaseType: 'FBA_FEE', amount: '-1.50', category: null, classified: false },
      ]);
    });

    it('classifies the tenant’s own release types, for that tenant and channel only', async () => {
      const mine = await setup({ channel: 'shopee' });
      const theirs = await setup({ channel: 'shopee' });
      const added = await h.api.post('/v1/channels/shopee/release-types', { code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT' }, mine.key);
      expect(added.statusCode).toBe(201);
      const breakdown = { SALE: '10000', COINS_CASHBACK: '250' };
      await insertSettlement(mine, { breakdown });
      await insertSettlement(theirs, { breakdown });
      expect((await feed(mine.key)).data[0].breakdown).toEqual([
        { releaseType: 'SALE', amount: '100.00', category: 'REVENUE', classified: true },
        { releaseType: 'COINS_CASHBACK', amount: '2.50', category: 'ADJUSTMENT', classified: true },
      ]);
      expect((await feed(theirs.key)).data[0].breakdown).toEqual([
        { releaseType: 'SALE', amount: '100.00', category: 'REVENUE', classified: true },
        { releaseType: 'COINS_CASHBACK', amount: '2.50', category: null, classified: false },
      ]);
    });

    it('lists PENDING by default; status, accountId and unread filter; pages newest first', async () => {
      const tenant = await h.api.createTenant();
      const a = await setup({ tenant });
      const b = await setup({ tenant });
      const p1 = await insertSettlement(a);
      const resolved = await insertSettlement(a, { status: 'RESOLVED' });
      const divergent = await insertSettlement(b, { status: 'DIVERGENT' });
      const ignored = await insertSettlement(b, { status: 'IGNORED' });
      const p2 = await insertSettlement(b, { readAt: '2026-02-01T10:00:00Z' });
      const p3 = await insertSettlement(a);
      const p4 = await insertSettlement(b);

      expect(await feedIds(tenant.key)).toEqual([p4, p3, p2, p1]);
      expect(await feedIds(tenant.key, '?status=PENDING')).toEqual([p4, p3, p2, p1]);
      expect(await feedIds(tenant.key, '?status=RESOLVED')).toEqual([resolved]);
      expect(await feedIds(tenant.key, '?status=DIVERGENT')).toEqual([divergent]);
      expect(await feedIds(tenant.key, '?status=IGNORED')).toEqual([ignored]);
      expect(await feedIds(tenant.key, `?accountId=${a.accountId}`)).toEqual([p3, p1]);
      expect(await feedIds(tenant.key, `?accountId=${b.accountId}&status=IGNORED`)).toEqual([ignored]);
      expect(await feedIds(tenant.key, `?accountId=${b.accountId.toUpperCase()}`)).toEqual([p4, p2]);
      expect(await feedIds(tenant.key, '?unread=true')).toEqual([p4, p3, p1]);
      expect(await feedIds(tenant.key, '?unread=false')).toEqual([p2]);
      expect(await feedIds(tenant.key, `?unread=true&accountId=${b.accountId}`)).toEqual([p4]);
      expect((await feed(tenant.key, '?status=RESOLVED')).data[0]).toMatchObject({ status: 'RESOLVED' });
      expect((await feed(tenant.key, '?unread=false')).data[0]).toMatchObject({ readAt: '2026-02-01T10:00:00.000Z' });

      const page1 = await feed(tenant.key, '?limit=3');
      const page2 = await feed(tenant.key, `?limit=3&cursor=${page1.nextCursor}`);
      expect(page1.data.map((s) => s.id)).toEqual([p4, p3, p2]);
      expect(page2.data.map((s) => s.id)).toEqual([p1]);
      expect(page2.nextCursor).toBeNull();
      const unreadPage1 = await feed(tenant.key, '?unread=true&limit=2');
      const unreadPage2 = await feed(tenant.key, `?unread=true&limit=2&cursor=${unreadPage1.nextCursor}`);
      expect([...unreadPage1.data, ...unreadPage2.data].map((s) => s.id)).toEqual([p4, p3, p1]);
    });

    it('never shows another tenant’s settlements, even when filtered by its account', async () => {
      const mine = await setup();
      const theirs = await setup();
      const own = await insertSettlement(mine);
      await insertSettlement(theirs);
      await insertSettlement(theirs, { status: 'RESOLVED' });
      expect(await feedIds(mine.key)).toEqual([own]);
      expect(await feedIds(mine.key, '?status=RESOLVED')).toEqual([]);
      expect(await feedIds(mine.key, `?accountId=${theirs.accountId}`)).toEqual([]);
    });

    it('refuses bad filters with 400', async () => {
      const scope = await setup();
      for (const query of ['?status=DONE', '?status=pending', "?status=PENDING'--", '?unread=yes', '?unread=1', '?accountId=not-a-uuid', '?limit=501', '?limit=abc']) {
        expectProblem(await h.api.get(`/v1/settlements${query}`, scope.key), 400, 'invalid_query');
      }
      expectProblem(await h.api.get(`/v1/settlements?reconciliationId=${scope.reconciliationId}`, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.get(`/v1/settlements?cursor=${'x'.repeat(20)}`, scope.key), 400, 'invalid_cursor');
    });

    it('needs reconciliations:read', async () => {
      const scope = await setup();
      const accountsOnly = await keyWith(scope.key, ['accounts:read', 'settlements:write']);
      expectProblem(await h.api.get('/v1/settlements', accountsOnly), 403, 'insufficient_scope');
      expectProblem(await h.api.get('/v1/settlements', null), 401, 'unauthenticated');
      expect((await h.api.get('/v1/settlements', await keyWith(scope.key, ['reconciliations:read']))).statusCode).toBe(200);
    });
  });

  describe('POST /v1/settlements/resolve-batch', () => {
    it('answers one result per item in request order: resolved, not_found (unknown or another tenant’s), already_resolved', async () => {
      const scope = await setup();
      const other = await setup();
      const a = await insertSettlement(scope);
      const c = await insertSettlement(scope, { remarks: 'kept' });
      const done = await insertSettlement(scope, { status: 'DIVERGENT', remarks: 'old' });
      const untouched = await insertSettlement(scope);
      const theirs = await insertSettlement(other);
      const unknown = randomUUID();
      const started = Date.now();

      const response = await resolveBatch(scope.key, {
        items: [
          { id: a, status: 'RESOLVED', remarks: 'posted as NF 123' },
          { id: unknown, status: 'RESOLVED' },
          { id: theirs, status: 'IGNORED' },
          { id: done, status: 'RESOLVED', remarks: 'again' },
          { id: c.toUpperCase(), status: 'IGNORED' },
          { id: a, status: 'DIVERGENT', remarks: 'second thought' },
        ],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        results: [
          { id: a, outcome: 'resolved', status: 'RESOLVED' },
          { id: unknown, outcome: 'not_found', status: null },
          { id: theirs, outcome: 'not_found', status: null },
          { id: done, outcome: 'already_resolved', status: 'DIVERGENT' },
          { id: c, outcome: 'resolved', status: 'IGNORED' },
          { id: a, outcome: 'already_resolved', status: 'RESOLVED' },
        ],
      });

      const rowA = await rowOf(a);
      expect(rowA).toMatchObject({ status: 'RESOLVED', remarks: 'posted as NF 123', read_at: null });
      expect(rowA.resolved_at?.getTime()).toBeGreaterThanOrEqual(started - 5000);
      expect(await rowOf(c)).toMatchObject({ status: 'IGNORED', remarks: 'kept' });
      expect(await rowOf(done)).toMatchObject({ status: 'DIVERGENT', remarks: 'old', resolved_at: null });
      expect(await rowOf(untouched)).toMatchObject({ status: 'PENDING', resolved_at: null });
      expect(await rowOf(theirs)).toMatchObject({ status: 'PENDING', remarks: null, resolved_at: null });

      // One audit event for the batch, naming what it resolved.
      const events = await h.db.query<{ actor_id: string; after: { ids: string[] } }>(
        `SELECT actor_id, after FROM audit_events WHERE tenant_id = $1 AND action = 'settlements.resolved'`,
        [scope.tenantId],
      );
      expect(events).toHaveLength(1);
      expect(events[0].actor_id).toBe(scope.keyId);
      expect([...events[0].after.ids].sort()).toEqual([a, c].sort());
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'settlements.resolved'", [other.tenantId])).toBe(0);

      // The feed no longer offers them as PENDING.
      expect(await feedIds(scope.key)).toEqual([untouched]);
      expect((await feedIds(scope.key, '?status=RESOLVED'))).toEqual([a]);
      expect(await feedIds(other.key)).toEqual([theirs]);
    });

    it('a batch that resolves nothing answers every item and changes nothing', async () => {
      const scope = await setup();
      const done = await insertSettlement(scope, { status: 'RESOLVED' });
      const before = await state();
      const response = await resolveBatch(scope.key, { items: [{ id: randomUUID(), status: 'RESOLVED' }, { id: done, status: 'IGNORED' }] });
      expect(response.statusCode).toBe(200);
      expect(response.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['not_found', 'already_resolved']);
      expect(await state()).toEqual(before);
    });

    it('takes exactly 1,000 items and refuses 1,001 with 413 batch_too_large, changing nothing', async () => {
      const scope = await setup();
      const real = [await insertSettlement(scope), await insertSettlement(scope), await insertSettlement(scope)];
      const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: i < 3 ? real[i] : randomUUID(), status: 'RESOLVED' }));
      const before = await state();
      const problem = expectProblem(await resolveBatch(scope.key, { items: tooMany }), 413, 'batch_too_large');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'items' })]);
      expect(await state()).toEqual(before);

      const response = await resolveBatch(scope.key, { items: tooMany.slice(0, 1000) });
      expect(response.statusCode).toBe(200);
      const results = response.json().results as { id: string; outcome: string }[];
      expect(results).toHaveLength(1000);
      expect(results.map((r) => r.id)).toEqual(tooMany.slice(0, 1000).map((item) => item.id));
      expect(results.slice(0, 3).map((r) => r.outcome)).toEqual(['resolved', 'resolved', 'resolved']);
      expect(results.slice(3).every((r) => r.outcome === 'not_found')).toBe(true);
    });

    it.each([
      ['an empty list', { items: [] }, 422, 'validation_failed', 'items'],
      ['no items', {}, 422, 'validation_failed', 'items'],
      ['items that are not a list', { items: 'all' }, 422, 'validation_failed', 'items'],
      ['a PENDING status', { items: [{ id: '00000000-0000-4000-8000-000000000000', status: 'PENDING' }] }, 422, 'validation_failed', 'items[0].status'],
      ['a missing status', { items: [{ id: '00000000-0000-4000-8000-000000000000' }] }, 422, 'validation_failed', 'items[0].status'],
      ['a non-UUID id', { items: [{ id: "1' OR '1'='1", status: 'RESOLVED' }] }, 422, 'validation_failed', 'items[0].id'],
      ['a NUL in remarks', { items: [{ id: '00000000-0000-4000-8000-000000000000', status: 'RESOLVED', remarks: 'a\u0000b' }] }, 422, 'validation_failed', 'items[0].remarks'],
      ['remarks too long', { items: [{ id: '00000000-0000-4000-8000-000000000000', status: 'RESOLVED', remarks: 'x'.repeat(2001) }] }, 422, 'validation_failed', 'items[0].remarks'],
      ['an unknown item field', { items: [{ id: '00000000-0000-4000-8000-000000000000', status: 'RESOLVED', tenantId: randomUUID() }] }, 400, 'unknown_field', 'items[0].tenantId'],
      ['an unknown top-level field', { items: [{ id: '00000000-0000-4000-8000-000000000000', status: 'RESOLVED' }], status: 'RESOLVED' }, 400, 'unknown_field', 'status'],
    ])('refuses %s and changes nothing', async (_label, body, status, code, field) => {
      const scope = await setup();
      await insertSettlement(scope);
      const before = await state();
      const problem = expectProblem(await resolveBatch(scope.key, body), status, code);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await state()).toEqual(before);
    });

    it('refuses a body that is not a JSON object', async () => {
      const scope = await setup();
      expectProblem(await resolveBatch(scope.key, []), 422, 'validation_failed');
      expectProblem(await resolveBatch(scope.key, 'null'), 422, 'validation_failed');
      expectProblem(await resolveBatch(scope.key, '{"items": ['), 400, 'invalid_json');
    });

    it('marks settlements of a BLOCKED account account_blocked per item and leaves them PENDING', async () => {
      const tenant = await h.api.createTenant();
      const blocked = await setup({ tenant });
      const active = await setup({ tenant });
      const held = await insertSettlement(blocked);
      const heldDone = await insertSettlement(blocked, { status: 'RESOLVED' });
      const free = await insertSettlement(active);
      expect((await h.api.patch(`/v1/accounts/${blocked.accountId}`, { status: 'BLOCKED' }, tenant.key)).statusCode).toBe(200);
      const response = await resolveBatch(tenant.key, {
        items: [
          { id: held, status: 'RESOLVED' },
          { id: heldDone, status: 'RESOLVED' },
          { id: free, status: 'RESOLVED' },
        ],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().results).toEqual([
        { id: held, outcome: 'account_blocked', status: 'PENDING' },
        { id: heldDone, outcome: 'already_resolved', status: 'RESOLVED' },
        { id: free, outcome: 'resolved', status: 'RESOLVED' },
      ]);
      expect(await rowOf(held)).toMatchObject({ status: 'PENDING', resolved_at: null });
    });

    it('two concurrent batches over the same settlements resolve each exactly once', async () => {
      const scope = await setup();
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await insertSettlement(scope));
      const forward = ids.map((id) => ({ id, status: 'RESOLVED' }));
      const backward = [...ids].reverse().map((id) => ({ id, status: 'IGNORED' }));
      const [a, b] = await Promise.all([resolveBatch(scope.key, { items: forward }), resolveBatch(scope.key, { items: backward })]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      const outcomes = new Map<string, string[]>();
      for (const result of [...a.json().results, ...b.json().results]) outcomes.set(result.id, [...(outcomes.get(result.id) ?? []), result.outcome]);
      for (const id of ids) expect(outcomes.get(id)?.sort()).toEqual(['already_resolved', 'resolved']);
      const stored = await h.db.query<{ id: string; status: string }>('SELECT id, status FROM settlements WHERE id = ANY($1::uuid[])', [ids]);
      for (const row of stored) {
        const winner = [...a.json().results, ...b.json().results].find((r: { id: string; outcome: string }) => r.id === row.id && r.outcome === 'resolved');
        expect(row.status).toBe(winner.status);
      }
    });

    it('replays a batch sent again with the same Idempotency-Key', async () => {
      const scope = await setup();
      const id = await insertSettlement(scope);
      const headers = { 'idempotency-key': `batch-${id}` };
      const first = await resolveBatch(scope.key, { items: [{ id, status: 'RESOLVED' }] }, headers);
      const replay = await resolveBatch(scope.key, { items: [{ id, status: 'RESOLVED' }] }, headers);
      expect([first.statusCode, replay.statusCode]).toEqual([200, 200]);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual({ results: [{ id, outcome: 'resolved', status: 'RESOLVED' }] });
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'settlements.resolved'", [scope.tenantId])).toBe(1);
    });

    it('needs settlements:write', async () => {
      const scope = await setup();
      const id = await insertSettlement(scope);
      const writer = await keyWith(scope.key, ['reconciliations:read', 'reconciliations:write']);
      const before = await state();
      expectProblem(await resolveBatch(writer, { items: [{ id, status: 'RESOLVED' }] }), 403, 'insufficient_scope');
      expectProblem(await readBatch(writer, { ids: [id] }), 403, 'insufficient_scope');
      expect(await state()).toEqual(before);
      const settler = await keyWith(scope.key, ['settlements:write']);
      expect((await resolveBatch(settler, { items: [{ id, status: 'RESOLVED' }] })).json().results[0].outcome).toBe('resolved');
    });
  });

  describe('POST /v1/settlements/read-batch', () => {
    it('marks settlements read once, answers per id in request order, and feeds unread=true accordingly', async () => {
      const scope = await setup();
      const other = await setup();
      const a = await insertSettlement(scope);
      const b = await insertSettlement(scope, { status: 'RESOLVED' });
      const c = await insertSettlement(scope);
      const theirs = await insertSettlement(other);
      const unknown = randomUUID();

      const response = await readBatch(scope.key, { ids: [a, unknown, theirs, b, a] });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        results: [
          { id: a, outcome: 'read' },
          { id: unknown, outcome: 'not_found' },
          { id: theirs, outcome: 'not_found' },
          { id: b, outcome: 'read' },
          { id: a, outcome: 'read' },
        ],
      });
      const readAt = (await rowOf(a)).read_at;
      expect(readAt).toBeInstanceOf(Date);
      expect((await rowOf(b)).read_at).toBeInstanceOf(Date);
      expect((await rowOf(c)).read_at).toBeNull();
      expect((await rowOf(theirs)).read_at).toBeNull();
      // Status is untouched by reading.
      expect((await rowOf(a)).status).toBe('PENDING');
      expect(await feedIds(scope.key, '?unread=true')).toEqual([c]);
      expect((await feed(scope.key, '?unread=false')).data).toEqual([expect.objectContaining({ id: a, readAt: (readAt as Date).toISOString() })]);

      // Reading again keeps the first read mark.
      const again = await readBatch(scope.key, { ids: [a.toUpperCase(), c] });
      expect(again.json().results).toEqual([
        { id: a, outcome: 'read' },
        { id: c, outcome: 'read' },
      ]);
      expect((await rowOf(a)).read_at).toEqual(readAt);
      expect(await feedIds(scope.key, '?unread=true')).toEqual([]);

      // One audit event per batch that marked something, naming what it marked.
      const events = await h.db.query<{ actor_id: string; after: { ids: string[] } }>(
        `SELECT actor_id, after FROM audit_events WHERE tenant_id = $1 AND action = 'settlements.read' ORDER BY id`,
        [scope.tenantId],
      );
      expect(events.map((event) => [...event.after.ids].sort())).toEqual([[a, b].sort(), [c]]);
      expect(events.every((event) => event.actor_id === scope.keyId)).toBe(true);
      const quiet = await readBatch(scope.key, { ids: [a, c] });
      expect(quiet.statusCode).toBe(200);
      expect(await h.db.count('audit_events', "tenant_id = $1 AND action = 'settlements.read'", [scope.tenantId])).toBe(2);
    });

    it('takes 1,000 ids and refuses 1,001 with 413 batch_too_large, changing nothing', async () => {
      const scope = await setup();
      const id = await insertSettlement(scope);
      const ids = [id, ...Array.from({ length: 1000 }, () => randomUUID())];
      const before = await state();
      expectProblem(await readBatch(scope.key, { ids }), 413, 'batch_too_large');
      expect(await state()).toEqual(before);
      const response = await readBatch(scope.key, { ids: ids.slice(0, 1000) });
      expect(response.statusCode).toBe(200);
      expect(response.json().results).toHaveLength(1000);
      expect((await rowOf(id)).read_at).toBeInstanceOf(Date);
    });

    it.each([
      ['an empty list', { ids: [] }, 422, 'validation_failed'],
      ['no ids', {}, 422, 'validation_failed'],
      ['a non-UUID id', { ids: ['abc'] }, 422, 'validation_failed'],
      ['ids as objects', { ids: [{ id: '00000000-0000-4000-8000-000000000000' }] }, 422, 'validation_failed'],
      ['an unknown field', { ids: ['00000000-0000-4000-8000-000000000000'], readAt: '2026-01-01T00:00:00Z' }, 400, 'unknown_field'],
    ])('refuses %s and changes nothing', async (_label, body, status, code) => {
      const scope = await setup();
      await insertSettlement(scope);
      const before = await state();
      expectProblem(await readBatch(scope.key, body), status, code);
      expect(await state()).toEqual(before);
    });
  });
});
