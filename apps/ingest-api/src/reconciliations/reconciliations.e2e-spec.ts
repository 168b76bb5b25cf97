import { randomUUID } from 'node:crypto';
import { statementEntry, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { insertMatch, reviewSetup } from '../testing/review-fixtures';

const SUMMARY_KEYS = [
  'amountMismatch',
  'discrepancies',
  'failureReason',
  'lastMatchedAt',
  'ledgerEntries',
  'matched',
  'statementEntries',
  'statusMismatch',
  'suggested',
  'unmatchedLedger',
  'unmatchedStatement',
];

describe('reconciliations (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  /** A fresh tenant per test keeps every test under the per-key rate limit and free of overlaps. */
  async function tenantWithAccount(accountOverrides: Record<string, unknown> = {}) {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, accountOverrides);
    return { ...tenant, accountId: account.id };
  }

  function create(key: string, body: Record<string, unknown>) {
    return h.api.post('/v1/reconciliations', { periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL', ...body }, key);
  }

  describe('create', () => {
    it('answers 201 PENDING with an all-zero summary in the account currency', async () => {
      const { key, accountId } = await tenantWithAccount({ currency: 'KWD' });
      const response = await create(key, { accountId, note: 'January' });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        accountId,
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        mode: 'MANUAL',
        status: 'PENDING',
        note: 'January',
        currency: 'KWD',
        statementEntryCount: 0,
        expectedEntryCount: null,
        runVersion: 0,
      });
      expect(body).not.toHaveProperty('progress');
      expect(Object.keys(body.summary).sort()).toEqual(SUMMARY_KEYS);
      const zero = '0.000';
      expect(body.summary).toEqual({
        statementEntries: { count: 0, amount: zero },
        ledgerEntries: { count: 0, amount: zero },
        matched: { count: 0, amount: zero },
        suggested: { count: 0 },
        amountMismatch: { count: 0, amount: zero },
        statusMismatch: { count: 0 },
        unmatchedStatement: { count: 0, amount: zero },
        unmatchedLedger: { count: 0, amount: zero },
        discrepancies: { open: 0, resolved: 0, ignored: 0 },
        lastMatchedAt: null,
        failureReason: null,
      });
      const rows = await h.db.query('SELECT status, currency, period_start::text AS start, period_end::text AS "end" FROM reconciliations WHERE id = $1', [body.id]);
      expect(rows).toEqual([{ status: 'PENDING', currency: 'KWD', start: '2026-01-01', end: '2026-01-31' }]);
    });

    it('formats zeros with the exponent of the account currency (BRL 2, JPY 0)', async () => {
      const brl = await tenantWithAccount({ currency: 'BRL' });
      const jpy = await tenantWithAccount({ currency: 'JPY' });
      const a = (await create(brl.key, { accountId: brl.accountId })).json();
      const b = (await create(jpy.key, { accountId: jpy.accountId })).json();
      expect(a.summary.matched).toEqual({ count: 0, amount: '0.00' });
      expect(b.summary.matched).toEqual({ count: 0, amount: '0' });
      expect(b.summary.statementEntries).toEqual({ count: 0, amount: '0' });
    });

    it('counts inline statement entries in statementEntryCount and the summary', async () => {
      const { key, accountId } = await tenantWithAccount();
      const response = await create(key, { accountId, statementEntries: [statementEntry({ externalId: 'a' }), statementEntry({ externalId: 'b', amount: '50.25' })] });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.status).toBe('PENDING');
      expect(body.statementEntryCount).toBe(2);
      expect(body.summary.statementEntries.count).toBe(2);
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [body.id])).toBe(2);
    });

    it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
      const { key, accountId } = await tenantWithAccount();
      const headers = { 'idempotency-key': `create-${randomUUID()}` };
      const body = { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL' };
      const first = await h.api.post('/v1/reconciliations', body, key, { headers });
      expect(first.statusCode).toBe(201);
      const replay = await h.api.post('/v1/reconciliations', body, key, { headers });
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(await h.db.count('reconciliations', 'account_id = $1', [accountId])).toBe(1);
      const before = await h.db.snapshot();
      expectProblem(await h.api.post('/v1/reconciliations', { ...body, periodStart: '2026-02-01', periodEnd: '2026-02-28' }, key, { headers }), 422, 'idempotency_key_reused');
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('refuses unknown fields and fields a client may not set, storing nothing', async () => {
      const { key, accountId } = await tenantWithAccount();
      const before = await h.db.snapshot();
      for (const extra of [{ status: 'CLOSED' }, { tenantId: randomUUID() }, { id: randomUUID() }, { color: 'red' }]) {
        const response = await create(key, { accountId, ...extra });
        const problem = expectProblem(response, 400, 'unknown_field');
        expect(problem.errors.map((e: { field: string }) => e.field)).toEqual([Object.keys(extra)[0]]);
      }
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('answers 404 for an account of another tenant and for an unknown account', async () => {
      const { key } = await tenantWithAccount();
      const other = await tenantWithAccount();
      const before = await h.db.snapshot();
      expectProblem(await create(key, { accountId: other.accountId }), 404, 'not_found');
      expectProblem(await create(key, { accountId: randomUUID() }), 404, 'not_found');
      expect(await h.db.snapshot()).toEqual(before);
    });
  });

  describe('period rules', () => {
    it('refuses a period that ends before it starts (422 period_invalid)', async () => {
      const { key, accountId } = await tenantWithAccount();
      const before = await h.db.snapshot();
      const problem = expectProblem(await create(key, { accountId, periodStart: '2026-01-31', periodEnd: '2026-01-01' }), 422, 'period_invalid');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'periodEnd' })]));
      expect(await h.db.snapshot()).toEqual(before);
    });

    it.each([
      ['periodEnd', { periodStart: '2026-02-01', periodEnd: '2026-02-30' }],
      ['periodStart', { periodStart: '2026-02-30', periodEnd: '2026-03-10' }],
      ['periodEnd', { periodStart: '2026-01-01', periodEnd: '2026-13-01' }],
      ['periodStart', { periodStart: '2026-1-01', periodEnd: '2026-01-31' }],
    ])('refuses an impossible date and names the field (%s)', async (field, period) => {
      const { key, accountId } = await tenantWithAccount();
      const before = await h.db.snapshot();
      const response = await create(key, { accountId, ...period });
      expect(response.statusCode).toBe(422);
      expect(String(response.headers['content-type'])).toContain('application/problem+json');
      const problem = response.json();
      expect(['period_invalid', 'validation_failed']).toContain(problem.code);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('allows exactly 90 days on a default account and refuses 91 (422 period_too_long)', async () => {
      const { key, accountId } = await tenantWithAccount();
      const before = await h.db.snapshot();
      const problem = expectProblem(await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-04-01' }), 422, 'period_too_long');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'periodEnd' })]));
      expect(await h.db.snapshot()).toEqual(before);
      const ok = await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-03-31' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ periodStart: '2026-01-01', periodEnd: '2026-03-31' });
    });

    it("follows the account's maxPeriodDays (10 allows 10 days, refuses 11)", async () => {
      const { key, accountId } = await tenantWithAccount();
      const patched = await h.api.patch(`/v1/accounts/${accountId}`, { maxPeriodDays: 10 }, key);
      expect(patched.statusCode).toBe(200);
      const before = await h.db.snapshot();
      expectProblem(await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-11' }), 422, 'period_too_long');
      expect(await h.db.snapshot()).toEqual(before);
      expect((await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-10' })).statusCode).toBe(201);
    });

    it('refuses an overlapping period of the same account (both ends inclusive) and allows adjacent ones', async () => {
      const { key, accountId } = await tenantWithAccount();
      expect((await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31' })).statusCode).toBe(201);
      const before = await h.db.snapshot();
      for (const period of [
        { periodStart: '2026-01-31', periodEnd: '2026-02-10' }, // touches on the last day
        { periodStart: '2025-12-20', periodEnd: '2026-01-01' }, // touches on the first day
        { periodStart: '2026-01-10', periodEnd: '2026-01-20' }, // inside
        { periodStart: '2025-12-15', periodEnd: '2026-02-15' }, // around
      ]) {
        expectProblem(await create(key, { accountId, ...period }), 409, 'period_overlaps');
      }
      expect(await h.db.snapshot()).toEqual(before);
      expect((await create(key, { accountId, periodStart: '2026-02-01', periodEnd: '2026-02-10' })).statusCode).toBe(201);
      expect((await create(key, { accountId, periodStart: '2025-12-20', periodEnd: '2025-12-31' })).statusCode).toBe(201);
    });

    it('allows the same period on another account', async () => {
      const { key, accountId } = await tenantWithAccount();
      const second = await h.api.createAccount(key, { name: 'Second store' });
      expect((await create(key, { accountId })).statusCode).toBe(201);
      expect((await create(key, { accountId: second.id })).statusCode).toBe(201);
      expect(await h.db.count('reconciliations', 'account_id = ANY($1::uuid[])', [[accountId, second.id]])).toBe(2);
    });

    it('lets exactly one of 50 concurrent creates of the same period win; the rest get 409 period_overlaps', async () => {
      const { key, accountId } = await tenantWithAccount();
      const responses = await Promise.all(Array.from({ length: 50 }, () => create(key, { accountId })));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      for (const response of responses.filter((r) => r.statusCode === 409)) {
        expect(String(response.headers['content-type'])).toContain('application/problem+json');
        expect(response.json().code).toBe('period_overlaps');
      }
      expect(await h.db.count('reconciliations', 'account_id = $1', [accountId])).toBe(1);
      const winner = responses.find((r) => r.statusCode === 201)?.json().id;
      expect(await h.db.count('audit_events', "action = 'reconciliation.created' AND target_id = $1", [winner])).toBe(1);
    });
  });

  describe('list and read', () => {
    it('lists with accountId, status, periodFrom and periodTo filters and cursor pagination', async () => {
      const { key, accountId } = await tenantWithAccount();
      const other = await h.api.createAccount(key, { name: 'Other store' });
      const jan = (await create(key, { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31' })).json();
      const feb = (await create(key, { accountId, periodStart: '2026-02-01', periodEnd: '2026-02-28' })).json();
      const mar = (await create(key, { accountId, periodStart: '2026-03-01', periodEnd: '2026-03-31' })).json();
      const otherJan = (await create(key, { accountId: other.id, periodStart: '2026-01-01', periodEnd: '2026-01-31' })).json();
      expect((await h.api.post(`/v1/reconciliations/${feb.id}/auto-match`, undefined, key)).statusCode).toBe(202);

      const ids = async (query: string) => {
        const response = await h.api.get(`/v1/reconciliations${query}`, key);
        expect(response.statusCode).toBe(200);
        return (response.json().data as { id: string }[]).map((r) => r.id).sort();
      };
      expect(await ids('')).toEqual([jan.id, feb.id, mar.id, otherJan.id].sort());
      expect(await ids(`?accountId=${accountId}`)).toEqual([jan.id, feb.id, mar.id].sort());
      expect(await ids(`?accountId=${other.id}`)).toEqual([otherJan.id]);
      expect(await ids('?status=PROCESSING')).toEqual([feb.id]);
      expect(await ids(`?status=PENDING&accountId=${accountId}`)).toEqual([jan.id, mar.id].sort());
      expect(await ids('?status=CLOSED')).toEqual([]);
      // periodFrom: periods ending on or after; periodTo: periods starting on or before.
      expect(await ids(`?accountId=${accountId}&periodFrom=2026-02-28`)).toEqual([feb.id, mar.id].sort());
      expect(await ids(`?accountId=${accountId}&periodFrom=2026-03-01`)).toEqual([mar.id]);
      expect(await ids(`?accountId=${accountId}&periodTo=2026-02-01`)).toEqual([jan.id, feb.id].sort());
      expect(await ids(`?accountId=${accountId}&periodFrom=2026-02-10&periodTo=2026-02-20`)).toEqual([feb.id]);

      const first = await h.api.get('/v1/reconciliations?limit=3', key);
      expect(first.statusCode).toBe(200);
      expect(first.json().data).toHaveLength(3);
      expect(first.json().nextCursor).toEqual(expect.any(String));
      const second = await h.api.get(`/v1/reconciliations?limit=3&cursor=${first.json().nextCursor}`, key);
      expect(second.statusCode).toBe(200);
      expect(second.json().nextCursor).toBeNull();
      const paged = [...first.json().data, ...second.json().data].map((r: { id: string }) => r.id);
      expect(paged).toHaveLength(4);
      expect([...paged].sort()).toEqual([jan.id, feb.id, mar.id, otherJan.id].sort());
      const listed = first.json().data[0];
      expect(Object.keys(listed.summary).sort()).toEqual(SUMMARY_KEYS);
    });

    it.each([
      ['?color=red', 'unknown_field', 'color'],
      ['?tenantId=0190a0b4-7c2e-7d1a-9f3b-5e8c1a2b3c4d', 'unknown_field', 'tenantId'],
      ['?status=DONE', 'invalid_query', 'status'],
      ["?status=PENDING'%20OR%20'1'='1", 'invalid_query', 'status'],
      ['?accountId=not-a-uuid', 'invalid_query', 'accountId'],
      ['?periodTo=yesterday', 'invalid_query', 'periodTo'],
      ['?periodFrom=2026-02-30', 'invalid_query', 'periodFrom'],
      ['?periodTo=2026-13-01', 'invalid_query', 'periodTo'],
      ['?limit=0', 'invalid_query', 'limit'],
      ['?limit=501', 'invalid_query', 'limit'],
      ['?cursor=bogus', 'invalid_cursor', 'cursor'],
    ])('refuses the query %s (400 %s)', async (query, code, field) => {
      const { key } = await tenantWithAccount();
      const problem = expectProblem(await h.api.get(`/v1/reconciliations${query}`, key), 400, code);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it("never shows another tenant's reconciliations", async () => {
      const a = await tenantWithAccount();
      const b = await tenantWithAccount();
      const mine = (await create(a.key, { accountId: a.accountId })).json();
      const list = await h.api.get('/v1/reconciliations', b.key);
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual({ data: [], nextCursor: null });
      expect((await h.api.get(`/v1/reconciliations?accountId=${a.accountId}`, b.key)).json().data).toEqual([]);
      expectProblem(await h.api.get(`/v1/reconciliations/${mine.id}`, b.key), 404, 'not_found');
    });

    it('reads one by id; unknown ids are 404 and malformed ids 400', async () => {
      const { key, accountId } = await tenantWithAccount();
      const created = (await create(key, { accountId, note: 'n1', expectedEntryCount: 7 })).json();
      const response = await h.api.get(`/v1/reconciliations/${created.id}`, key);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
      expect(response.json()).toMatchObject({ expectedEntryCount: 7, note: 'n1', submittedAt: null, finalizedAt: null });
      expectProblem(await h.api.get(`/v1/reconciliations/${randomUUID()}`, key), 404, 'not_found');
      expectProblem(await h.api.get('/v1/reconciliations/not-a-uuid', key), 400, 'invalid_id');
    });
  });

  describe('update', () => {
    it('sets and clears the note, and records it in the audit trail', async () => {
      const { key, accountId } = await tenantWithAccount();
      const created = (await create(key, { accountId })).json();
      const set = await h.api.patch(`/v1/reconciliations/${created.id}`, { note: 'checked by Ana' }, key);
      expect(set.statusCode).toBe(200);
      expect(set.json().note).toBe('checked by Ana');
      expect((await h.api.get(`/v1/reconciliations/${created.id}`, key)).json().note).toBe('checked by Ana');
      const cleared = await h.api.patch(`/v1/reconciliations/${created.id}`, { note: null }, key);
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json().note).toBeNull();
      expect(await h.db.query('SELECT note FROM reconciliations WHERE id = $1', [created.id])).toEqual([{ note: null }]);
      expect(await h.db.count('audit_events', "action = 'reconciliation.note_updated' AND target_id = $1", [created.id])).toBe(2);
    });

    it('refuses other fields and bad notes, changing nothing', async () => {
      const { key, accountId } = await tenantWithAccount();
      const created = (await create(key, { accountId, note: 'keep' })).json();
      expectProblem(await h.api.patch(`/v1/reconciliations/${created.id}`, { status: 'CLOSED' }, key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/reconciliations/${created.id}`, { periodEnd: '2026-02-28' }, key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/reconciliations/${created.id}`, { note: 42 }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/reconciliations/${created.id}`, { note: 'x'.repeat(2001) }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/reconciliations/${created.id}`, { note: 'a\u0000b' }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/reconciliations/${randomUUID()}`, { note: 'x' }, key), 404, 'not_found');
      expect(await h.db.query('SELECT note, status, period_end::text AS "end" FROM reconciliations WHERE id = $1', [created.id])).toEqual([
        { note: 'keep', status: 'PENDING', end: '2026-01-31' },
      ]);
    });
  });

  describe('delete', () => {
    it('deletes it with its statement entries, audits it, and frees the period', async () => {
      const { key, keyId, accountId } = await tenantWithAccount();
      const created = (await create(key, { accountId, statementEntries: [statementEntry({ externalId: 'x1' }), statementEntry({ externalId: 'x2' })] })).json();
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [created.id])).toBe(2);

      const deleted = await h.api.delete(`/v1/reconciliations/${created.id}`, key);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expect(await h.db.count('reconciliations', 'id = $1', [created.id])).toBe(0);
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [created.id])).toBe(0);
      expectProblem(await h.api.get(`/v1/reconciliations/${created.id}`, key), 404, 'not_found');
      expectProblem(await h.api.delete(`/v1/reconciliations/${created.id}`, key), 404, 'not_found');

      const audit = await h.db.query<{ action: string; actor_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
        'SELECT action, actor_id, before, after FROM audit_events WHERE target_id = $1 ORDER BY id',
        [created.id],
      );
      expect(audit.map((a) => a.action)).toEqual(['reconciliation.created', 'reconciliation.deleted']);
      expect(audit.every((a) => a.actor_id === keyId)).toBe(true);
      expect(audit[0].after).toMatchObject({ accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL' });
      expect(audit[1].before).toMatchObject({ accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31' });

      const again = await create(key, { accountId });
      expect(again.statusCode).toBe(201);
      expect(again.json().id).not.toBe(created.id);
    });

    it('deletes its matches, links, discrepancies and runs, and frees the ledger entries its suggestions held', async () => {
      const t = await reviewSetup(h, [{ externalId: 'S1' }, { externalId: 'S2' }], [{ externalId: 'PED-1', date: '2026-01-30' }, { externalId: 'PED-2', date: '2026-01-30' }]); // in both months' reach
      const suggested = await insertMatch(h, t, { statement: [t.s.S1], ledger: [t.l['PED-1']] });
      await insertMatch(h, t, { statement: [t.s.S2], ledger: [t.l['PED-2']] }, { status: 'REJECTED' });
      await h.db.query(
        `INSERT INTO discrepancies (id, tenant_id, reconciliation_id, match_id, type, severity, amount, currency, statement_entry_ids, ledger_entry_ids, detail)
         VALUES ($1, $2, $3, $4, 'AMOUNT_MISMATCH', 'INFO', 1, 'BRL', '{}', '{}', 'seeded')`,
        [randomUUID(), t.tenantId, t.reconciliationId, suggested],
      );
      await h.db.query(`INSERT INTO matching_runs (id, tenant_id, reconciliation_id, run_version, status, rules_snapshot) VALUES ($1, $2, $3, 1, 'SUCCEEDED', '{}')`, [randomUUID(), t.tenantId, t.reconciliationId]);
      const february = await h.api.createReconciliation(t.key, t.accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28' });
      const unmatchedInFebruary = async () =>
        (await h.api.get(`/v1/reconciliations/${february.id}/ledger-entries?scope=unmatched`, t.key)).json().data.map((e: { externalId: string }) => e.externalId).sort();
      expect(await unmatchedInFebruary()).toEqual(['PED-2']);
      const [{ version: versionBefore }] = await h.db.query<{ version: string }>('SELECT version::text FROM ledger_versions WHERE account_id = $1', [t.accountId]);

      expect((await h.api.delete(`/v1/reconciliations/${t.reconciliationId}`, t.key)).statusCode).toBe(204);
      for (const table of ['matches', 'match_items', 'released_match_items', 'discrepancies', 'matching_runs', 'statement_entries']) {
        expect([table, await h.db.count(table, 'reconciliation_id = $1', [t.reconciliationId])]).toEqual([table, 0]);
      }
      expect(await unmatchedInFebruary()).toEqual(['PED-1', 'PED-2']);
      const [{ version: versionAfter }] = await h.db.query<{ version: string }>('SELECT version::text FROM ledger_versions WHERE account_id = $1', [t.accountId]);
      expect(BigInt(versionAfter)).toBeGreaterThan(BigInt(versionBefore));
    });

    it('refuses (409 reconciliation_not_deletable) while it holds an accepted match, and after an unmatch while the ERP has acted on its settlement', async () => {
      const t = await reviewSetup(h, [{ externalId: 'S1', amount: '80.00' }], [{ externalId: 'PED-1', amount: '80.00' }]);
      const match = (await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.S1], ledgerEntryIds: [t.l['PED-1']] }, t.key)).json();
      expect(match.status).toBe('ACCEPTED');
      const refusedWith = async () => {
        const before = await h.db.snapshot();
        const response = await h.api.delete(`/v1/reconciliations/${t.reconciliationId}`, t.key);
        expect(await h.db.snapshot()).toEqual(before);
        return response;
      };
      expectProblem(await refusedWith(), 409, 'reconciliation_not_deletable');

      const [settlement] = await h.db.query<{ id: string }>('SELECT id FROM settlements WHERE match_id = $1', [match.id]);
      const resolved = await h.api.post('/v1/settlements/resolve-batch', { items: [{ id: settlement.id, status: 'RESOLVED' }] }, t.key);
      expect(resolved.statusCode).toBe(200);
      expect((await h.api.post(`/v1/matches/${match.id}/unmatch`, undefined, t.key)).statusCode).toBe(200);
      expect(await h.db.count('matches', `reconciliation_id = $1 AND status = 'ACCEPTED'`, [t.reconciliationId])).toBe(0);
      expectProblem(await refusedWith(), 409, 'reconciliation_not_deletable');
      expect(await h.db.count('settlements', `id = $1 AND status = 'RESOLVED'`, [settlement.id])).toBe(1);
    });

    it("refuses to delete a PROCESSING reconciliation (409 reconciliation_not_deletable) and another tenant's (404)", async () => {
      const { key, accountId } = await tenantWithAccount();
      const other = await tenantWithAccount();
      const created = (await create(key, { accountId, statementEntries: [statementEntry()] })).json();
      expect((await h.api.post(`/v1/reconciliations/${created.id}/auto-match`, undefined, key)).json().status).toBe('PROCESSING');
      const before = await h.db.snapshot();
      expectProblem(await h.api.delete(`/v1/reconciliations/${created.id}`, key), 409, 'reconciliation_not_deletable');
      expectProblem(await h.api.delete(`/v1/reconciliations/${created.id}`, other.key), 404, 'not_found');
      expect(await h.db.snapshot()).toEqual(before);
      expect((await h.api.get(`/v1/reconciliations/${created.id}`, key)).json()).toMatchObject({ status: 'PROCESSING', statementEntryCount: 1 });
    });
  });
});
