import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { InjectResponse } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { expectProblem } from '@concilia/testing';

interface Scope {
  tenantId: string;
  key: string;
  keyId: string;
  accountId: string;
  reconciliationId: string;
}

interface DiscrepancyRow {
  id: string;
  type?: string;
  severity?: string;
  amount?: bigint;
  currency?: string;
  status?: string;
  resolution?: string;
  matchId?: string | null;
  statementEntryIds?: string[];
  ledgerEntryIds?: string[];
  detail?: string;
}

describe('discrepancies (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
  });

  afterAll(() => h.close());

  async function setup(currency = 'BRL'): Promise<Scope> {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, { currency });
    const reconciliation = await h.api.createReconciliation(tenant.key, account.id);
    return { ...tenant, accountId: account.id, reconciliationId: reconciliation.id };
  }

  /** Discrepancies are raised by the matcher in production: here they are written with SQL. */
  async function insertDiscrepancy(scope: Pick<Scope, 'tenantId' | 'reconciliationId'>, row: Partial<DiscrepancyRow> = {}): Promise<string> {
    const id = row.id ?? uuidv7();
    await h.db.query(
      `INSERT INTO discrepancies (id, tenant_id, reconciliation_id, match_id, type, severity, amount, currency, statement_entry_ids, ledger_entry_ids, detail, status, resolution)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10::uuid[], $11, $12, $13)`,
      [
        id,
        scope.tenantId,
        scope.reconciliationId,
        row.matchId ?? null,
        row.type ?? 'AMOUNT_MISMATCH',
        row.severity ?? 'WARNING',
        (row.amount ?? 2000n).toString(),
        row.currency ?? 'BRL',
        row.statementEntryIds ?? [],
        row.ledgerEntryIds ?? [],
        row.detail ?? 'received 80.00 of 100.00',
        row.status ?? 'OPEN',
        row.resolution ?? 'PENDING',
      ],
    );
    return id;
  }

  const rowOf = async (id: string) =>
    (
      await h.db.query(
        `SELECT status, resolution, adjusted_amount::text AS adjusted_amount, remarks, note, resolved_at, resolved_by FROM discrepancies WHERE id = $1`,
        [id],
      )
    )[0];

  const auditCount = (action: string, targetId: string) => h.db.count('audit_events', 'action = $1 AND target_id = $2', [action, targetId]);

  /** Row counts that a refused request must leave as they were, and the refused row itself. */
  async function state(id: string) {
    return { snapshot: await h.db.snapshot(), discrepancies: await h.db.count('discrepancies'), row: await rowOf(id) };
  }

  const summaryOf = async (key: string, reconciliationId: string) => (await h.api.get(`/v1/reconciliations/${reconciliationId}`, key)).json().summary.discrepancies;

  async function keyWith(adminKey: string, scopes: string[]): Promise<string> {
    return (await createKey(adminKey, scopes)).secret;
  }

  async function createKey(adminKey: string, scopes: string[]): Promise<{ id: string; secret: string }> {
    const response = await h.api.post('/v1/api-keys', { name: `only ${scopes.join(',')}`, scopes }, adminKey);
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  describe('GET /v1/reconciliations/{id}/discrepancies', () => {
    it('lists the reconciliation’s discrepancies, newest first, with every field', async () => {
      const scope = await setup();
      const statementId = randomUUID();
      const ledgerId = randomUUID();
      const matchId = randomUUID();
      const first = await insertDiscrepancy(scope, { type: 'AMOUNT_MISMATCH', severity: 'CRITICAL', amount: 123456n, matchId, statementEntryIds: [statementId], ledgerEntryIds: [ledgerId] });
      const second = await insertDiscrepancy(scope, { type: 'MISSING_STATEMENT_ENTRY', severity: 'INFO', amount: 5n, ledgerEntryIds: [ledgerId], detail: 'never paid' });
      // Another reconciliation of the same tenant, and another tenant: never listed here.
      const feb = await h.api.createReconciliation(scope.key, scope.accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28' });
      await insertDiscrepancy({ tenantId: scope.tenantId, reconciliationId: feb.id });
      const other = await setup();
      await insertDiscrepancy(other);

      const response = await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies`, scope.key);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.nextCursor).toBeNull();
      expect(body.data.map((d: { id: string }) => d.id)).toEqual([second, first]);
      expect(body.data[1]).toEqual({
        id: first,
        reconciliationId: scope.reconciliationId,
        type: 'AMOUNT_MISMATCH',
        severity: 'CRITICAL',
        amount: '1234.56',
        currency: 'BRL',
        statementEntryIds: [statementId],
        ledgerEntryIds: [ledgerId],
        matchId,
        detail: 'received 80.00 of 100.00',
        status: 'OPEN',
        resolution: 'PENDING',
        adjustedAmount: null,
        remarks: null,
        note: null,
        resolvedAt: null,
        resolvedBy: null,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      });
      expect(body.data[0]).toMatchObject({ type: 'MISSING_STATEMENT_ENTRY', amount: '0.05', matchId: null, statementEntryIds: [], detail: 'never paid' });
    });

    it('filters by type, severity, status and resolution, and pages with a cursor', async () => {
      const scope = await setup();
      const a = await insertDiscrepancy(scope, { type: 'AMOUNT_MISMATCH', severity: 'WARNING' });
      const b = await insertDiscrepancy(scope, { type: 'STATUS_MISMATCH', severity: 'CRITICAL', status: 'IN_REVIEW' });
      const c = await insertDiscrepancy(scope, { type: 'UNEXPECTED_STATEMENT_ENTRY', severity: 'INFO', status: 'CLOSED', resolution: 'IGNORED' });
      const d = await insertDiscrepancy(scope, { type: 'AMOUNT_MISMATCH', severity: 'CRITICAL', status: 'CLOSED', resolution: 'RESOLVED' });
      const e = await insertDiscrepancy(scope, { type: 'DUPLICATE_STATEMENT_ENTRY', severity: 'INFO', resolution: 'PENDING' });
      const ids = async (query: string) => {
        const response = await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies${query}`, scope.key);
        expect(response.statusCode).toBe(200);
        return response.json().data.map((item: { id: string }) => item.id);
      };
      expect(await ids('?type=AMOUNT_MISMATCH')).toEqual([d, a]);
      expect(await ids('?type=CURRENCY_MISMATCH')).toEqual([]);
      expect(await ids('?severity=CRITICAL')).toEqual([d, b]);
      expect(await ids('?severity=INFO')).toEqual([e, c]);
      expect(await ids('?status=OPEN')).toEqual([e, a]);
      expect(await ids('?status=IN_REVIEW')).toEqual([b]);
      expect(await ids('?status=CLOSED')).toEqual([d, c]);
      expect(await ids('?resolution=PENDING')).toEqual([e, b, a]);
      expect(await ids('?resolution=IGNORED')).toEqual([c]);
      expect(await ids('?resolution=DIVERGENT')).toEqual([]);
      expect(await ids('?type=AMOUNT_MISMATCH&severity=CRITICAL&status=CLOSED&resolution=RESOLVED')).toEqual([d]);

      const page1 = (await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies?limit=2`, scope.key)).json();
      const page2 = (await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies?limit=2&cursor=${page1.nextCursor}`, scope.key)).json();
      const page3 = (await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies?limit=2&cursor=${page2.nextCursor}`, scope.key)).json();
      expect([...page1.data, ...page2.data, ...page3.data].map((item: { id: string }) => item.id)).toEqual([e, d, c, b, a]);
      expect(page1.nextCursor).toEqual(expect.any(String));
      expect(page3.nextCursor).toBeNull();
    });

    it('answers 404 for an unknown or another tenant’s reconciliation, 400 for bad filters, ids and cursors', async () => {
      const scope = await setup();
      const other = await setup();
      await insertDiscrepancy(other);
      expectProblem(await h.api.get(`/v1/reconciliations/${randomUUID()}/discrepancies`, scope.key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/reconciliations/${other.reconciliationId}/discrepancies`, scope.key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/reconciliations/not-a-uuid/discrepancies`, scope.key), 400, 'invalid_id');
      const base = `/v1/reconciliations/${scope.reconciliationId}/discrepancies`;
      for (const query of ['?type=WRONG', '?severity=LOW', '?status=DONE', '?resolution=OPEN', "?type=AMOUNT_MISMATCH'%20OR%201=1--", '?limit=501', '?limit=0']) {
        expectProblem(await h.api.get(`${base}${query}`, scope.key), 400, 'invalid_query');
      }
      expectProblem(await h.api.get(`${base}?accountId=${scope.accountId}`, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.get(`${base}?cursor=bm90LWEtdXVpZA`, scope.key), 400, 'invalid_cursor');
    });

    it('needs reconciliations:read and a key', async () => {
      const scope = await setup();
      const accountsOnly = await keyWith(scope.key, ['accounts:read']);
      expectProblem(await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies`, accountsOnly), 403, 'insufficient_scope');
      const anonymous = await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies`, null);
      expectProblem(anonymous, 401, 'unauthenticated');
      const reader = await keyWith(scope.key, ['reconciliations:read']);
      expect((await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies`, reader)).statusCode).toBe(200);
    });
  });

  describe('PATCH /v1/discrepancies/{id}', () => {
    it('changes the review status and the note, audits the change and refreshes the summary', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      await insertDiscrepancy(scope);

      const inReview = await h.api.patch(`/v1/discrepancies/${id}`, { status: 'IN_REVIEW', note: 'asked the marketplace' }, scope.key);
      expect(inReview.statusCode).toBe(200);
      expect(inReview.json()).toMatchObject({ id, status: 'IN_REVIEW', note: 'asked the marketplace', resolution: 'PENDING', resolvedAt: null });
      expect(await rowOf(id)).toMatchObject({ status: 'IN_REVIEW', note: 'asked the marketplace', resolution: 'PENDING' });
      const events = await h.db.query(`SELECT actor_id, before, after FROM audit_events WHERE action = 'discrepancy.updated' AND target_id = $1`, [id]);
      expect(events).toEqual([
        { actor_id: scope.keyId, before: { status: 'OPEN', note: null }, after: { status: 'IN_REVIEW', note: 'asked the marketplace' } },
      ]);
      expect(await summaryOf(scope.key, scope.reconciliationId)).toEqual({ open: 2, resolved: 0, ignored: 0 });

      // Closing it without a resolution takes it out of the open ones.
      const closedNow = await h.api.patch(`/v1/discrepancies/${id}`, { status: 'CLOSED' }, scope.key);
      expect(closedNow.json()).toMatchObject({ status: 'CLOSED', note: 'asked the marketplace', resolution: 'PENDING' });
      expect(await summaryOf(scope.key, scope.reconciliationId)).toEqual({ open: 1, resolved: 0, ignored: 0 });

      // ...and reopening it brings it back; the note can be cleared.
      const reopened = await h.api.patch(`/v1/discrepancies/${id}`, { status: 'OPEN', note: null }, scope.key);
      expect(reopened.json()).toMatchObject({ status: 'OPEN', note: null });
      expect(await summaryOf(scope.key, scope.reconciliationId)).toEqual({ open: 2, resolved: 0, ignored: 0 });
      expect(await auditCount('discrepancy.updated', id)).toBe(3);

      // A request that changes nothing writes nothing.
      const same = await h.api.patch(`/v1/discrepancies/${id}`, { status: 'OPEN' }, scope.key);
      expect(same.statusCode).toBe(200);
      expect(await auditCount('discrepancy.updated', id)).toBe(3);
    });

    it('refuses bad bodies (unknown fields, resolution, bad status, NUL) and changes nothing', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      const before = await state(id);
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { resolution: 'RESOLVED' }, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { tenantId: randomUUID(), note: 'x' }, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'RESOLVED' }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { note: 'a\u0000b' }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { note: 'x'.repeat(2001) }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/discrepancies/not-a-uuid`, { note: 'x' }, scope.key), 400, 'invalid_id');
      expect(await state(id)).toEqual(before);
    });

    it('keeps a resolved discrepancy closed (409) but lets its note change', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      expect((await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key)).statusCode).toBe(200);
      const before = await state(id);
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'OPEN' }, scope.key), 409, 'discrepancy_already_resolved');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'IN_REVIEW', note: 'again' }, scope.key), 409, 'discrepancy_already_resolved');
      expect(await state(id)).toEqual(before);
      const noted = await h.api.patch(`/v1/discrepancies/${id}`, { note: 'posted in the ERP on 2026-02-03' }, scope.key);
      expect(noted.statusCode).toBe(200);
      expect(noted.json()).toMatchObject({ status: 'CLOSED', resolution: 'RESOLVED', note: 'posted in the ERP on 2026-02-03' });
    });
  });

  describe('POST /v1/discrepancies/{id}/resolve', () => {
    it('resolves with an exact adjusted amount: closes it, records who and when, audits it and refreshes the summary', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      await insertDiscrepancy(scope);
      const started = Date.now();

      const response = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', adjustedAmount: '-12.34', remarks: 'commission refunded' }, scope.key);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        id,
        status: 'CLOSED',
        resolution: 'RESOLVED',
        adjustedAmount: '-12.34',
        remarks: 'commission refunded',
        resolvedBy: scope.keyId,
        resolvedAt: expect.stringMatching(/Z$/),
      });
      expect(Date.parse(body.resolvedAt)).toBeGreaterThanOrEqual(started - 5000);
      expect(await rowOf(id)).toMatchObject({ status: 'CLOSED', resolution: 'RESOLVED', adjusted_amount: '-1234', remarks: 'commission refunded', resolved_by: scope.keyId });
      const events = await h.db.query(`SELECT actor_id, before, after FROM audit_events WHERE action = 'discrepancy.resolved' AND target_id = $1`, [id]);
      expect(events).toEqual([
        {
          actor_id: scope.keyId,
          before: { status: 'OPEN', resolution: 'PENDING' },
          after: { status: 'CLOSED', resolution: 'RESOLVED', adjustedAmount: '-1234', remarks: 'commission refunded' },
        },
      ]);
      expect(await summaryOf(scope.key, scope.reconciliationId)).toEqual({ open: 1, resolved: 1, ignored: 0 });
      // The list shows it resolved.
      const listed = (await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies?resolution=RESOLVED`, scope.key)).json();
      expect(listed.data).toEqual([expect.objectContaining({ id, adjustedAmount: '-12.34' })]);
    });

    it.each(['DIVERGENT', 'IGNORED'])('resolves as %s without an adjusted amount', async (resolution) => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope, { status: 'IN_REVIEW' });
      const response = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution }, scope.key);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ resolution, status: 'CLOSED', adjustedAmount: null, remarks: null });
      expect(await summaryOf(scope.key, scope.reconciliationId)).toEqual(
        resolution === 'IGNORED' ? { open: 0, resolved: 0, ignored: 1 } : { open: 0, resolved: 1, ignored: 0 },
      );
    });

    it('answers 409 discrepancy_already_resolved the second time and changes nothing', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      expect((await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'IGNORED', remarks: 'first' }, scope.key)).statusCode).toBe(200);
      const before = await state(id);
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', remarks: 'second' }, scope.key), 409, 'discrepancy_already_resolved');
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'IGNORED', remarks: 'first' }, scope.key), 409, 'discrepancy_already_resolved');
      expect(await state(id)).toEqual(before);
      expect(await rowOf(id)).toMatchObject({ resolution: 'IGNORED', remarks: 'first' });
      expect(await auditCount('discrepancy.resolved', id)).toBe(1);
    });

    it('of two concurrent resolutions, exactly one wins (200) and the other gets 409', async () => {
      const scope = await setup();
      for (let round = 0; round < 3; round++) {
        const id = await insertDiscrepancy(scope);
        const [a, b] = await Promise.all([
          h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', remarks: 'a' }, scope.key),
          h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'DIVERGENT', remarks: 'b' }, scope.key),
        ]);
        expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
        const [winner, loser] = a.statusCode === 200 ? [a, b] : [b, a];
        expectProblem(loser, 409, 'discrepancy_already_resolved');
        expect(await rowOf(id)).toMatchObject({ resolution: winner.json().resolution, remarks: winner.json().remarks });
        expect(await auditCount('discrepancy.resolved', id)).toBe(1);
      }
    });

    it('of ten concurrent resolutions, exactly one wins', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', adjustedAmount: `${i}.00` }, scope.key)),
      );
      expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
      for (const loser of responses.filter((r) => r.statusCode !== 200)) expectProblem(loser, 409, 'discrepancy_already_resolved');
      const winner = responses.find((r) => r.statusCode === 200) as InjectResponse;
      expect((await rowOf(id)).adjusted_amount).toBe(String(Number(winner.json().adjustedAmount.split('.')[0]) * 100));
      expect(await auditCount('discrepancy.resolved', id)).toBe(1);
    });

    it.each([
      ['JPY', '12', '12'],
      ['JPY', 12, '12'],
      ['KWD', '1.234', '1234'],
      ['BRL', 12.5, '1250'],
      ['BRL', '-0.01', '-1'],
      ['BRL', '92233720368547758.07', '9223372036854775807'],
    ])('parses adjustedAmount exactly in the discrepancy’s currency (%s %p)', async (currency, adjustedAmount, minor) => {
      const scope = await setup(currency);
      const id = await insertDiscrepancy(scope, { currency });
      const response = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', adjustedAmount }, scope.key);
      expect(response.statusCode).toBe(200);
      expect((await rowOf(id)).adjusted_amount).toBe(minor);
    });

    it.each([
      ['JPY', '12.5', 'amount_precision_exceeded'],
      ['BRL', '1.234', 'amount_precision_exceeded'],
      ['KWD', '0.0001', 'amount_precision_exceeded'],
      ['BRL', '1e3', 'amount_invalid'],
      ['BRL', '1,234.56', 'amount_invalid'],
      ['BRL', 'NaN', 'amount_invalid'],
      ['BRL', '', 'amount_invalid'],
      ['BRL', true, 'amount_invalid'],
      ['BRL', '92233720368547758.08', 'amount_out_of_range'],
      ['BRL', 2 ** 53 + 2, 'amount_out_of_range'],
    ])('refuses adjustedAmount in %s of %p (422 %s) and changes nothing', async (currency, adjustedAmount, code) => {
      const scope = await setup(currency);
      const id = await insertDiscrepancy(scope, { currency });
      const before = await state(id);
      const problem = expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED', adjustedAmount }, scope.key), 422, code);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'adjustedAmount' })]);
      expect(await state(id)).toEqual(before);
    });

    it('refuses bad bodies and changes nothing', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      const before = await state(id);
      const url = `/v1/discrepancies/${id}/resolve`;
      expectProblem(await h.api.post(url, {}, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.post(url, { resolution: 'PENDING' }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.post(url, { resolution: 'resolved' }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.post(url, { resolution: 'RESOLVED', status: 'OPEN' }, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.post(url, { resolution: 'RESOLVED', resolvedBy: 'someone' }, scope.key), 400, 'unknown_field');
      expectProblem(await h.api.post(url, { resolution: 'RESOLVED', remarks: 'a\u0000b' }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.post(url, { resolution: 'RESOLVED', remarks: 42 }, scope.key), 422, 'validation_failed');
      expectProblem(await h.api.post(url, '{"resolution": "RESOLVED"', scope.key), 400, 'invalid_json');
      expectProblem(await h.api.post(url, 'resolution=RESOLVED', scope.key, { headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
      expect(await state(id)).toEqual(before);
    });

    it('replays a resolution sent again with the same Idempotency-Key instead of answering 409', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      const headers = { 'idempotency-key': `resolve-${id}` };
      const first = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key, { headers });
      const replay = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key, { headers });
      expect([first.statusCode, replay.statusCode]).toEqual([200, 200]);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(await auditCount('discrepancy.resolved', id)).toBe(1);
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'IGNORED' }, scope.key, { headers }), 422, 'idempotency_key_reused');
    });
  });

  describe('refusals that apply to both changes', () => {
    it('answers 409 reconciliation_closed on a CLOSED reconciliation and changes nothing', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      await h.db.query(`UPDATE reconciliations SET status = 'CLOSED', previous_status = 'COMPLETED' WHERE id = $1`, [scope.reconciliationId]);
      const before = await state(id);
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key), 409, 'reconciliation_closed');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'IN_REVIEW' }, scope.key), 409, 'reconciliation_closed');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { note: 'late' }, scope.key), 409, 'reconciliation_closed');
      expect(await state(id)).toEqual(before);
      expect(await rowOf(id)).toMatchObject({ status: 'OPEN', resolution: 'PENDING', note: null });
      // Still readable.
      expect((await h.api.get(`/v1/reconciliations/${scope.reconciliationId}/discrepancies`, scope.key)).json().data).toHaveLength(1);
    });

    it('answers 423 account_blocked on a BLOCKED account and changes nothing; unblocking allows it again', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      expect((await h.api.patch(`/v1/accounts/${scope.accountId}`, { status: 'BLOCKED' }, scope.key)).statusCode).toBe(200);
      const before = await state(id);
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key), 423, 'account_blocked');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'IN_REVIEW' }, scope.key), 423, 'account_blocked');
      expect(await state(id)).toEqual(before);
      expect((await h.api.patch(`/v1/accounts/${scope.accountId}`, { status: 'ACTIVE' }, scope.key)).statusCode).toBe(200);
      expect((await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key)).statusCode).toBe(200);
    });

    it('answers 404 for another tenant’s discrepancy exactly as for an unknown one, and changes nothing', async () => {
      const scope = await setup();
      const other = await setup();
      const theirs = await insertDiscrepancy(other);
      const before = await state(theirs);
      const unknown = randomUUID();
      for (const id of [theirs, unknown]) {
        const resolve = expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, scope.key), 404, 'not_found');
        const patch = expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'CLOSED' }, scope.key), 404, 'not_found');
        expect(resolve.detail).toBe(patch.detail);
      }
      expect(await state(theirs)).toEqual(before);
      expect(await rowOf(theirs)).toMatchObject({ status: 'OPEN', resolution: 'PENDING' });
    });

    it('needs reconciliations:write', async () => {
      const scope = await setup();
      const id = await insertDiscrepancy(scope);
      const reader = await keyWith(scope.key, ['reconciliations:read', 'settlements:write']);
      const before = await state(id);
      expectProblem(await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, reader), 403, 'insufficient_scope');
      expectProblem(await h.api.patch(`/v1/discrepancies/${id}`, { status: 'CLOSED' }, reader), 403, 'insufficient_scope');
      expect(await state(id)).toEqual(before);
      const writer = await createKey(scope.key, ['reconciliations:write']);
      const resolved = await h.api.post(`/v1/discrepancies/${id}/resolve`, { resolution: 'RESOLVED' }, writer.secret);
      expect(resolved.statusCode).toBe(200);
      // resolvedBy is the key that resolved it.
      expect(resolved.json().resolvedBy).toBe(writer.id);
      expect((await rowOf(id)).resolved_by).toBe(writer.id);
    });
  });
});
