import { randomUUID } from 'node:crypto';
import { ledgerEntry, statementEntry, type InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/** Many quick requests with one key: keep the per-key rate limit (tested on its own) out of the way. */
const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  name: string;
  method: Method;
  /** The path with `:id` standing for the id under test. */
  path: string;
  /** Which of tenant A's ids goes into the path. */
  target: 'account' | 'ledgerEntry' | 'reconciliation' | 'apiKey';
  body?: () => unknown;
}

/**
 * Every row of a tenant, in full, ordered: compared before and after tenant B's attempts.
 * `api_keys.last_used_at` is written off the request path (at most once a minute) and the
 * outbox is drained by the relay, so those two are compared without their moving columns.
 */
async function tenantRows(h: IngestApiHarness, tenantId: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  rows['tenants'] = await h.db.query('SELECT * FROM tenants WHERE id = $1', [tenantId]);
  for (const table of ['accounts', 'matching_rules', 'ledger_entries', 'reconciliations', 'statement_entries', 'audit_events']) {
    rows[table] = await h.db.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY 1`, [tenantId]);
  }
  rows['api_keys'] = await h.db.query('SELECT id, name, key_prefix, key_hash, scopes, allowed_ips, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  rows['outbox'] = await h.db.query('SELECT id, queue, job_name, job_id, payload FROM outbox WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  rows['idempotency_keys'] = await h.db.query('SELECT scope, key, request_hash FROM idempotency_keys WHERE scope = $1 ORDER BY key', [tenantId]);
  return rows;
}

function withoutRequestId(response: InjectResponse): Record<string, unknown> {
  const { requestId, ...rest } = response.json();
  expect(requestId).toBe(response.headers['x-request-id']);
  return rest;
}

describe('tenant isolation (e2e)', () => {
  let h: IngestApiHarness;
  let a: { tenantId: string; key: string; keyId: string };
  let b: { tenantId: string; key: string; keyId: string };
  let ids: Record<Route['target'], string>;
  let aSecondKey: { id: string; secret: string };
  let aLedgerIds: string[];
  let aStatementIds: string[];
  let bAccountId: string;
  let bReconciliationId: string;
  let rulesBody: Record<string, unknown>;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
    a = await h.api.createTenant();
    b = await h.api.createTenant();

    const account = await h.api.createAccount(a.key, { name: 'A store', externalId: 'A-STORE-1' });
    const ledger = await h.api.post(
      `/v1/accounts/${account.id}/ledger-entries`,
      { entries: [ledgerEntry({ externalId: 'A-PED-1', amount: '10.00' }), ledgerEntry({ externalId: 'A-PED-2', amount: '20.00' })] },
      a.key,
    );
    if (ledger.statusCode !== 200) throw new Error(`ledger entries: ${ledger.statusCode} ${ledger.body}`);
    aLedgerIds = (await h.db.query<{ id: string }>('SELECT id FROM ledger_entries WHERE account_id = $1 ORDER BY id', [account.id])).map((row) => row.id);
    const reconciliation = await h.api.createReconciliation(a.key, account.id, {
      note: 'A private note',
      statementEntries: [statementEntry({ externalId: 'A-ST-1', amount: '10.00' }), statementEntry({ externalId: 'A-ST-2', amount: '20.00' })],
    });
    aStatementIds = (await h.db.query<{ id: string }>('SELECT id FROM statement_entries WHERE reconciliation_id = $1 ORDER BY id', [reconciliation.id])).map(
      (row) => row.id,
    );
    const key = await h.api.post('/v1/api-keys', { name: 'A second key', scopes: ['accounts:read'] }, a.key);
    if (key.statusCode !== 201) throw new Error(`api key: ${key.statusCode} ${key.body}`);
    aSecondKey = key.json();

    const rules = (await h.api.get(`/v1/accounts/${account.id}/matching-rules`, a.key)).json();
    const { accountId: _accountId, updatedAt: _updatedAt, ...editable } = rules;
    rulesBody = { ...editable, dateWindowDays: 9 };

    // B has data of its own, so that its lists are not trivially empty.
    bAccountId = (await h.api.createAccount(b.key, { name: 'B store' })).id;
    bReconciliationId = (await h.api.createReconciliation(b.key, bAccountId)).id;

    ids = { account: account.id, ledgerEntry: aLedgerIds[0], reconciliation: reconciliation.id, apiKey: aSecondKey.id };
    expect(aLedgerIds).toHaveLength(2);
    expect(aStatementIds).toHaveLength(2);
  });

  afterAll(() => h.close());

  const routes: Route[] = [
    { name: 'read an account', method: 'GET', path: '/v1/accounts/:id', target: 'account' },
    { name: 'rename an account', method: 'PATCH', path: '/v1/accounts/:id', target: 'account', body: () => ({ name: 'hijacked' }) },
    { name: 'block an account', method: 'PATCH', path: '/v1/accounts/:id', target: 'account', body: () => ({ status: 'BLOCKED' }) },
    { name: 'read matching rules', method: 'GET', path: '/v1/accounts/:id/matching-rules', target: 'account' },
    { name: 'replace matching rules', method: 'PUT', path: '/v1/accounts/:id/matching-rules', target: 'account', body: () => rulesBody },
    {
      name: 'post ledger entries',
      method: 'POST',
      path: '/v1/accounts/:id/ledger-entries',
      target: 'account',
      body: () => ({ entries: [ledgerEntry({ externalId: 'A-PED-1', amount: '99.00' }), ledgerEntry({ externalId: 'B-INTRUDER' })] }),
    },
    { name: 'list ledger entries', method: 'GET', path: '/v1/accounts/:id/ledger-entries', target: 'account' },
    { name: 'list ledger entries with a filter', method: 'GET', path: '/v1/accounts/:id/ledger-entries?externalId=A-PED-1', target: 'account' },
    { name: 'read a ledger entry', method: 'GET', path: '/v1/ledger-entries/:id', target: 'ledgerEntry' },
    { name: 'read a reconciliation', method: 'GET', path: '/v1/reconciliations/:id', target: 'reconciliation' },
    { name: 'change a reconciliation note', method: 'PATCH', path: '/v1/reconciliations/:id', target: 'reconciliation', body: () => ({ note: 'hijacked' }) },
    { name: 'delete a reconciliation', method: 'DELETE', path: '/v1/reconciliations/:id', target: 'reconciliation' },
    {
      name: 'post statement entries',
      method: 'POST',
      path: '/v1/reconciliations/:id/statement-entries',
      target: 'reconciliation',
      body: () => ({ entries: [statementEntry({ externalId: 'B-INTRUDER' })] }),
    },
    { name: 'list statement entries', method: 'GET', path: '/v1/reconciliations/:id/statement-entries', target: 'reconciliation' },
    { name: 'submit a reconciliation', method: 'POST', path: '/v1/reconciliations/:id/submit', target: 'reconciliation' },
    { name: 'start auto-matching', method: 'POST', path: '/v1/reconciliations/:id/auto-match', target: 'reconciliation' },
    { name: 'revoke an API key', method: 'DELETE', path: '/v1/api-keys/:id', target: 'apiKey' },
  ];

  function call(route: Route, id: string, key: string, headers: Record<string, string> = {}): Promise<InjectResponse> {
    const url = route.path.replace(':id', id);
    return h.api.request(route.method, url, route.body?.(), { key, headers });
  }

  it.each(routes.map((route) => [`${route.method} ${route.path} (${route.name})`, route] as const))(
    '%s with tenant B’s key answers exactly like a random id, and changes nothing',
    async (_label, route) => {
      const aBefore = await tenantRows(h, a.tenantId);
      const bBefore = await tenantRows(h, b.tenantId);

      const foreign = await call(route, ids[route.target], b.key);
      const random = await call(route, randomUUID(), b.key);

      expect({ status: foreign.statusCode, body: foreign.body }).toMatchObject({ status: 404 });
      expect(random.statusCode).toBe(404);
      expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(foreign.headers['content-type']).toBe(random.headers['content-type']);
      expect(foreign.json().code).toBe('not_found');
      expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
      expect(foreign.body).not.toContain(ids[route.target]);
      expect(foreign.body).not.toContain('A store');

      expect(await tenantRows(h, a.tenantId)).toEqual(aBefore);
      expect(await tenantRows(h, b.tenantId)).toEqual(bBefore);
    },
  );

  it('answers the same with an Idempotency-Key on POSTs (no stored answer leaks across tenants)', async () => {
    const route = routes.find((r) => r.path.endsWith('/submit')) as Route;
    const headers = { 'idempotency-key': 'isolation-submit-1' };
    // A uses the key first, on its own reconciliation.
    const own = await call(route, ids.reconciliation, a.key, headers);
    expect(own.statusCode).toBe(200);
    const foreign = await call(route, ids.reconciliation, b.key, headers);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['idempotent-replayed']).toBeUndefined();
    expect(foreign.json().code).toBe('not_found');
    expect(foreign.body).not.toContain(a.tenantId);
  });

  it('POST /v1/reconciliations for tenant A’s account with B’s key answers like a random account id', async () => {
    const aBefore = await tenantRows(h, a.tenantId);
    const bBefore = await tenantRows(h, b.tenantId);
    const body = (accountId: string) => ({ accountId, periodStart: '2026-02-01', periodEnd: '2026-02-28', mode: 'MANUAL', statementEntries: [statementEntry({ date: '2026-02-10' })] });
    const foreign = await h.api.post('/v1/reconciliations', body(ids.account), b.key);
    const random = await h.api.post('/v1/reconciliations', body(randomUUID()), b.key);
    expect({ status: foreign.statusCode, body: foreign.body }).toMatchObject({ status: 404 });
    expect(foreign.json().code).toBe('not_found');
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(withoutRequestId(foreign)).toEqual(withoutRequestId(random));
    expect(await tenantRows(h, a.tenantId)).toEqual(aBefore);
    expect(await tenantRows(h, b.tenantId)).toEqual(bBefore);
  });

  it('leaves A’s specific rows as they were, and A can still use all of them', async () => {
    const [account] = await h.db.query<{ name: string; status: string }>('SELECT name, status FROM accounts WHERE id = $1', [ids.account]);
    expect(account).toEqual({ name: 'A store', status: 'ACTIVE' });
    const [reconciliation] = await h.db.query<{ note: string; statement_entry_count: number }>('SELECT note, statement_entry_count FROM reconciliations WHERE id = $1', [
      ids.reconciliation,
    ]);
    expect(reconciliation).toEqual({ note: 'A private note', statement_entry_count: 2 });
    const ledger = await h.db.query('SELECT external_id, amount FROM ledger_entries WHERE account_id = $1 ORDER BY external_id', [ids.account]);
    expect(ledger).toEqual([
      { external_id: 'A-PED-1', amount: '1000' },
      { external_id: 'A-PED-2', amount: '2000' },
    ]);
    expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [ids.reconciliation])).toBe(2);
    expect(await h.db.count('ledger_entries', "external_id = 'B-INTRUDER'")).toBe(0);
    expect(await h.db.count('statement_entries', "external_id = 'B-INTRUDER'")).toBe(0);
    const [key] = await h.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [aSecondKey.id]);
    expect(key.revoked_at).toBeNull();
    const [rules] = await h.db.query<{ date_window_days: number }>('SELECT date_window_days FROM matching_rules WHERE account_id = $1', [ids.account]);
    expect(rules.date_window_days).toBe(3);

    // A still sees and uses all of it.
    expect((await h.api.get(`/v1/accounts/${ids.account}`, a.key)).json()).toMatchObject({ name: 'A store', status: 'ACTIVE' });
    expect((await h.api.get(`/v1/ledger-entries/${ids.ledgerEntry}`, a.key)).statusCode).toBe(200);
    expect((await h.api.get(`/v1/reconciliations/${ids.reconciliation}`, a.key)).json()).toMatchObject({ note: 'A private note' });
    const statements = await h.api.get(`/v1/reconciliations/${ids.reconciliation}/statement-entries`, a.key);
    expect(statements.json().data.map((entry: { id: string }) => entry.id).sort()).toEqual(aStatementIds);
    expect((await h.api.get('/v1/accounts', aSecondKey.secret)).statusCode).toBe(200);
  });

  describe('lists with B’s key never show A’s rows', () => {
    it('GET /v1/accounts', async () => {
      const response = await h.api.get('/v1/accounts?limit=500', b.key);
      expect(response.statusCode).toBe(200);
      const listed = response.json().data.map((row: { id: string }) => row.id);
      expect(listed).toEqual([bAccountId]);
      expect(response.body).not.toContain(ids.account);
      expect(response.body).not.toContain('A store');
    });

    it('GET /v1/accounts with filters that match A’s account', async () => {
      for (const query of ['status=ACTIVE', 'kind=MARKETPLACE', 'currency=BRL']) {
        const response = await h.api.get(`/v1/accounts?${query}`, b.key);
        expect(response.statusCode).toBe(200);
        expect(response.json().data.map((row: { id: string }) => row.id)).toEqual([bAccountId]);
      }
    });

    it('GET /v1/reconciliations, also filtered by A’s account id', async () => {
      const response = await h.api.get('/v1/reconciliations?limit=500', b.key);
      expect(response.statusCode).toBe(200);
      expect(response.json().data.map((row: { id: string }) => row.id)).toEqual([bReconciliationId]);
      expect(response.body).not.toContain(ids.reconciliation);

      const filtered = await h.api.get(`/v1/reconciliations?accountId=${ids.account}`, b.key);
      expect(filtered.statusCode).toBe(200);
      expect(filtered.json()).toEqual({ data: [], nextCursor: null });
    });

    it('GET /v1/api-keys', async () => {
      const response = await h.api.get('/v1/api-keys?limit=500', b.key);
      expect(response.statusCode).toBe(200);
      expect(response.json().data.map((row: { id: string }) => row.id)).toEqual([b.keyId]);
      expect(response.body).not.toContain(a.keyId);
      expect(response.body).not.toContain(aSecondKey.id);
    });

    it('a cursor crafted from A’s ids (or past every id) does not page into A’s rows', async () => {
      for (const [list, id] of [
        ['/v1/accounts', ids.account],
        ['/v1/reconciliations', ids.reconciliation],
        ['/v1/api-keys', aSecondKey.id],
      ] as const) {
        for (const after of [id, `ffffffff-ffff-7fff-bfff-${'f'.repeat(12)}`]) {
          const response = await h.api.get(`${list}?limit=500&cursor=${Buffer.from(after).toString('base64url')}`, b.key);
          expect(response.statusCode).toBe(200);
          const listed: string[] = response.json().data.map((row: { id: string }) => row.id);
          expect(listed).not.toContain(id);
          expect(listed.every((rowId) => [bAccountId, bReconciliationId, b.keyId].includes(rowId))).toBe(true);
        }
      }
    });
  });
});
