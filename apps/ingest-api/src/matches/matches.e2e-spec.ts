import { randomUUID } from 'node:crypto';
import { encodeCriterion } from '@concilia/persistence';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { blockAccount, expectProblem, insertMatch, reviewSetup, reviewState, setStatus, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

describe('reading matches, and their notes (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  /** Four statement lines and four orders, matched in every way a reconciliation can hold them. */
  async function setup(): Promise<ReviewSetup & { m: Record<string, string> }> {
    const t = await reviewSetup(
      h,
      [
        { externalId: 'S1', amount: '10.00', releaseType: 'SALE' },
        { externalId: 'S2', amount: '20.00' },
        { externalId: 'S3', amount: '30.00' },
        { externalId: 'S4', amount: '40.00' },
      ],
      [
        { externalId: 'L1', amount: '10.00' },
        { externalId: 'L2', amount: '20.50' },
        { externalId: 'L3', amount: '30.00' },
        { externalId: 'L4', amount: '40.00' },
      ],
    );
    // As stored: a criterion of a shape without a tuple form as its object, a known one as a tuple.
    const explanation = [
      { name: 'reference', passed: true, detail: { reference: 'PED1' } },
      encodeCriterion({ name: 'amount', passed: true, detail: { statementTotal: '1000', ledgerTotal: '1000', difference: '0', tolerance: '0' } }),
    ];
    const m = {
      suggested: await insertMatch(h, t, { statement: [t.s.S1], ledger: [t.l.L1] }, { status: 'SUGGESTED', confidence: 72, explanation }),
      accepted: await insertMatch(h, t, { statement: [t.s.S2], ledger: [t.l.L2] }, { status: 'ACCEPTED', rule: 'AMOUNT_DATE', confidence: 95 }),
      rejected: await insertMatch(h, t, { statement: [t.s.S3], ledger: [t.l.L3] }, { status: 'REJECTED' }),
      superseded: await insertMatch(h, t, { statement: [t.s.S4], ledger: [t.l.L4] }, { status: 'SUPERSEDED' }),
    };
    const manual = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.S4], ledgerEntryIds: [t.l.L4] }, t.key);
    if (manual.statusCode !== 201) throw new Error(`manual match: ${manual.statusCode} ${manual.body}`);
    return { ...t, m: { ...m, manual: manual.json().id } };
  }

  const list = (t: ReviewSetup, query = '', key = t.key) => h.api.get(`/v1/reconciliations/${t.reconciliationId}/matches${query}`, key);
  const ids = (response: { json(): { data: { id: string }[] } }) => response.json().data.map((match) => match.id);

  describe('GET /v1/reconciliations/{id}/matches', () => {
    it('lists the matches newest first with amounts as decimal strings and the entry ids of both sides; withdrawn proposals left out', async () => {
      const t = await setup();
      const response = await list(t);
      expect(response.statusCode).toBe(200);
      expect(ids(response)).toEqual([t.m.manual, t.m.rejected, t.m.accepted, t.m.suggested]);
      expect(response.json().nextCursor).toBeNull();
      const accepted = response.json().data.find((match: { id: string }) => match.id === t.m.accepted);
      expect(accepted).toEqual({
        id: t.m.accepted,
        reconciliationId: t.reconciliationId,
        status: 'ACCEPTED',
        method: 'AUTO',
        rule: 'AMOUNT_DATE',
        confidence: 95,
        currency: 'BRL',
        statementTotal: '20.00',
        ledgerTotal: '20.50',
        difference: '-0.50',
        statementEntryIds: [t.s.S2],
        ledgerEntryIds: [t.l.L2],
        note: null,
        createdAt: expect.stringMatching(/Z$/),
        decidedAt: null,
        decidedBy: null,
      });
    });

    it('filters by status and method, and pages with a cursor', async () => {
      const t = await setup();
      expect(ids(await list(t, '?status=SUGGESTED'))).toEqual([t.m.suggested]);
      expect(ids(await list(t, '?status=ACCEPTED'))).toEqual([t.m.manual, t.m.accepted]);
      expect(ids(await list(t, '?status=REJECTED'))).toEqual([t.m.rejected]);
      expect(ids(await list(t, '?status=UNMATCHED'))).toEqual([]);
      expect(ids(await list(t, '?method=MANUAL'))).toEqual([t.m.manual]);
      expect(ids(await list(t, '?method=AUTO&status=ACCEPTED'))).toEqual([t.m.accepted]);

      const first = (await list(t, '?limit=3')).json();
      expect(first.data).toHaveLength(3);
      const second = (await list(t, `?limit=3&cursor=${first.nextCursor}`)).json();
      expect([...first.data, ...second.data].map((match: { id: string }) => match.id)).toEqual(ids(await list(t)));
      expect(second.nextCursor).toBeNull();
    });

    it('refuses unknown filters and values (400)', async () => {
      const t = await setup();
      expectProblem(await list(t, '?status=SUPERSEDED'), 400, 'invalid_query');
      expectProblem(await list(t, '?method=ROBOT'), 400, 'invalid_query');
      expectProblem(await list(t, '?limit=0'), 400, 'invalid_query');
      expectProblem(await list(t, '?cursor=abc'), 400, 'invalid_cursor');
      expectProblem(await list(t, '?color=red'), 400, 'unknown_field');
    });

    it("answers 404 for another tenant's reconciliation like for a random id, and 400 for a malformed one", async () => {
      const t = await setup();
      const intruder = await h.api.createTenant();
      const theirs = expectProblem(await list(t, '', intruder.key), 404, 'not_found');
      const random = expectProblem(await h.api.get(`/v1/reconciliations/${randomUUID()}/matches`, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
      expectProblem(await h.api.get('/v1/reconciliations/nope/matches', t.key), 400, 'invalid_id');
    });

    it('needs reconciliations:read (403 insufficient_scope)', async () => {
      const t = await setup();
      const key = (await h.api.post('/v1/api-keys', { name: 'accounts only', scopes: ['accounts:read'] }, t.key)).json();
      expectProblem(await list(t, '', key.secret), 403, 'insufficient_scope');
      expectProblem(await h.api.get(`/v1/matches/${t.m.accepted}`, key.secret), 403, 'insufficient_scope');
    });
  });

  describe('GET /v1/matches/{id}', () => {
    it('answers the match with both sides as full entries, its difference, confidence, rule and explanation', async () => {
      const t = await setup();
      const response = await h.api.get(`/v1/matches/${t.m.suggested}`, t.key);
      expect(response.statusCode).toBe(200);
      const match = response.json();
      expect(match).toMatchObject({ id: t.m.suggested, status: 'SUGGESTED', rule: 'REFERENCE', confidence: 72, difference: '0.00' });
      expect(match.explanation).toEqual([
        { name: 'reference', passed: true, detail: { reference: 'PED1' } },
        { name: 'amount', passed: true, detail: { statementTotal: '1000', ledgerTotal: '1000', difference: '0', tolerance: '0' } },
      ]);
      expect(match.statementEntries).toEqual([
        expect.objectContaining({ id: t.s.S1, reconciliationId: t.reconciliationId, externalId: 'S1', amount: '10.00', currency: 'BRL', releaseType: 'SALE', closedAt: null }),
      ]);
      expect(match.ledgerEntries).toEqual([expect.objectContaining({ id: t.l.L1, accountId: t.accountId, externalId: 'L1', kind: 'ORDER', amount: '10.00' })]);
      // A withdrawn proposal is still readable by its id.
      expect((await h.api.get(`/v1/matches/${t.m.superseded}`, t.key)).json().status).toBe('SUPERSEDED');
    });

    it("answers 404 for another tenant's match like for a random id", async () => {
      const t = await setup();
      const intruder = await h.api.createTenant();
      const theirs = expectProblem(await h.api.get(`/v1/matches/${t.m.accepted}`, intruder.key), 404, 'not_found');
      const random = expectProblem(await h.api.get(`/v1/matches/${randomUUID()}`, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
      expectProblem(await h.api.get('/v1/matches/42', t.key), 400, 'invalid_id');
    });
  });

  describe('PATCH /v1/matches/{id}', () => {
    it('sets and clears the note in any status, audited with before and after', async () => {
      const t = await setup();
      for (const id of [t.m.suggested, t.m.rejected]) {
        const response = await h.api.patch(`/v1/matches/${id}`, { note: 'checked with the bank' }, t.key);
        expect(response.statusCode).toBe(200);
        expect(response.json().note).toBe('checked with the bank');
      }
      const cleared = await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: null }, t.key);
      expect(cleared.json()).toMatchObject({ note: null, status: 'SUGGESTED' });
      expect(await h.db.query('SELECT note FROM matches WHERE id = $1', [t.m.suggested])).toEqual([{ note: null }]);
      const audit = await h.db.query('SELECT action, actor_id, before, after FROM audit_events WHERE target_id = $1 ORDER BY id', [t.m.suggested]);
      expect(audit).toEqual([
        { action: 'match.note_updated', actor_id: t.keyId, before: { note: null }, after: { note: 'checked with the bank' } },
        { action: 'match.note_updated', actor_id: t.keyId, before: { note: 'checked with the bank' }, after: { note: null } },
      ]);
    });

    it('validates the body: unknown fields 400, a non-string note 422', async () => {
      const t = await setup();
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { status: 'ACCEPTED' }, t.key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: 42 }, t.key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: 'x'.repeat(2001) }, t.key), 422, 'validation_failed');
      expect(await h.db.query('SELECT status, note FROM matches WHERE id = $1', [t.m.suggested])).toEqual([{ status: 'SUGGESTED', note: null }]);
    });

    it("refuses on a CLOSED reconciliation (409) and a BLOCKED account (423); another tenant's match is 404", async () => {
      const t = await setup();
      await setStatus(h, t.reconciliationId, 'CLOSED');
      const before = await reviewState(h, t.reconciliationId);
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: 'late' }, t.key), 409, 'reconciliation_closed');
      await setStatus(h, t.reconciliationId, 'COMPLETED');
      await blockAccount(h, t.key, t.accountId);
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: 'late' }, t.key), 423, 'account_blocked');
      const intruder = await h.api.createTenant();
      expectProblem(await h.api.patch(`/v1/matches/${t.m.suggested}`, { note: 'mine' }, intruder.key), 404, 'not_found');
      const after = await reviewState(h, t.reconciliationId);
      expect({ ...after, reconciliation: null, audit: 0 }).toEqual({ ...before, reconciliation: null, audit: 0 });
      expect(await h.db.count('audit_events', `target_id = $1`, [t.m.suggested])).toBe(0);
    });
  });
});
