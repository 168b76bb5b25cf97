import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { blockAccount, expectProblem, insertMatch, reviewSetup, reviewState, setStatus, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

describe('POST /v1/matches/{id}/accept | reject | unmatch (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  /** An order of 100.00 paid by a sale and a commission (a SUGGESTED match of the matcher), and a second pair. */
  async function setup(status = 'SUGGESTED'): Promise<ReviewSetup & { match: string }> {
    const t = await reviewSetup(
      h,
      [
        { externalId: 'SALE', amount: '100.00', releaseType: 'SALE' },
        { externalId: 'FEE', amount: '-12.00', releaseType: 'COMMISSION' },
        { externalId: 'S2', amount: '30.00' },
      ],
      [
        { externalId: 'PED-1', amount: '88.00' },
        { externalId: 'PED-2', amount: '30.00' },
      ],
    );
    const match = await insertMatch(h, t, { statement: [t.s.SALE, t.s.FEE], ledger: [t.l['PED-1']] }, { status });
    return { ...t, match };
  }

  const decide = (t: ReviewSetup & { match: string }, decision: string, body?: unknown, key = t.key) => h.api.post(`/v1/matches/${t.match}/${decision}`, body, key);
  const activeLinks = (matchId: string) => h.db.count('match_items', 'match_id = $1', [matchId]);
  const settlements = (matchId: string) => h.db.query('SELECT ledger_entry_id, expected_amount::text, received_amount::text, difference::text, breakdown, status FROM settlements WHERE match_id = $1', [matchId]);
  const audit = (matchId: string) => h.db.query('SELECT action, actor_id, target_type, before, after FROM audit_events WHERE target_id = $1 ORDER BY id', [matchId]);

  describe('accept', () => {
    it('SUGGESTED → ACCEPTED with decidedAt/decidedBy and the note; creates its settlements; audited; summary refreshed', async () => {
      const t = await setup();
      const response = await decide(t, 'accept', { note: 'looks right' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: t.match, status: 'ACCEPTED', note: 'looks right', decidedBy: t.keyId, difference: '0.00' });
      expect(new Date(response.json().decidedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(await h.db.query('SELECT status, note, decided_by FROM matches WHERE id = $1', [t.match])).toEqual([{ status: 'ACCEPTED', note: 'looks right', decided_by: t.keyId }]);
      expect(await activeLinks(t.match)).toBe(3);
      expect(await settlements(t.match)).toEqual([
        { ledger_entry_id: t.l['PED-1'], expected_amount: '8800', received_amount: '8800', difference: '0', breakdown: { COMMISSION: '-1200', SALE: '10000' }, status: 'PENDING' },
      ]);
      expect(await audit(t.match)).toEqual([
        { action: 'match.accepted', actor_id: t.keyId, target_type: 'match', before: { status: 'SUGGESTED', note: null }, after: { status: 'ACCEPTED', note: 'looks right' } },
      ]);
      const summary = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}`, t.key)).json().summary;
      expect(summary).toMatchObject({ matched: { count: 1, amount: '88.00' }, suggested: { count: 0 } });
    });

    it('takes an empty body or none at all, keeping the note', async () => {
      const t = await setup();
      const response = await h.api.request('POST', `/v1/matches/${t.match}/accept`, undefined, { key: t.key });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ACCEPTED', note: null });
    });

    it('refuses a match that is not SUGGESTED (409 match_state_invalid), changing nothing', async () => {
      for (const status of ['ACCEPTED', 'REJECTED', 'UNMATCHED', 'SUPERSEDED']) {
        const t = await setup(status);
        const before = await reviewState(h, t.reconciliationId);
        expectProblem(await decide(t, 'accept', {}), 409, 'match_state_invalid');
        expect(await reviewState(h, t.reconciliationId)).toEqual(before);
      }
    });
  });

  describe('reject', () => {
    it('SUGGESTED → REJECTED: links released, entries unmatched again, audited', async () => {
      const t = await setup();
      const response = await decide(t, 'reject', { note: 'wrong order' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'REJECTED', note: 'wrong order', decidedBy: t.keyId });
      expect(await activeLinks(t.match)).toBe(0);
      expect(await h.db.count('released_match_items', 'match_id = $1', [t.match])).toBe(3);
      expect(await audit(t.match)).toEqual([
        { action: 'match.rejected', actor_id: t.keyId, target_type: 'match', before: { status: 'SUGGESTED', note: null }, after: { status: 'REJECTED', note: 'wrong order' } },
      ]);
      const unmatched = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}/statement-entries?matchStatus=UNMATCHED`, t.key)).json();
      expect(unmatched.data).toHaveLength(3);
    });

    it('ACCEPTED → REJECTED withdraws its PENDING settlements and untouched discrepancies, keeps what the ERP already settled', async () => {
      const t = await setup();
      await decide(t, 'accept');
      const other = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.S2], ledgerEntryIds: [t.l['PED-2']] }, t.key);
      expect(other.statusCode).toBe(201);
      await h.db.query(
        `INSERT INTO discrepancies (id, tenant_id, reconciliation_id, match_id, type, severity, amount, currency, statement_entry_ids, ledger_entry_ids, detail)
         VALUES ($1, $2, $3, $4, 'STATUS_MISMATCH', 'INFO', 100, 'BRL', '{}', '{}', 'seeded'), ($5, $2, $3, $4, 'AMOUNT_MISMATCH', 'INFO', 1, 'BRL', '{}', '{}', 'reviewed')`,
        [randomUUID(), t.tenantId, t.reconciliationId, t.match, randomUUID()],
      );
      await h.db.query(`UPDATE discrepancies SET status = 'IN_REVIEW' WHERE detail = 'reviewed' AND match_id = $1`, [t.match]);
      await h.db.query(`UPDATE settlements SET status = 'RESOLVED' WHERE match_id = $1`, [other.json().id]);

      expect((await decide(t, 'reject')).json().status).toBe('REJECTED');
      expect(await settlements(t.match)).toEqual([]);
      expect(await h.db.query('SELECT detail FROM discrepancies WHERE match_id = $1', [t.match])).toEqual([{ detail: 'reviewed' }]);

      const otherMatch = { ...t, match: other.json().id };
      expect((await decide(otherMatch, 'reject')).statusCode).toBe(200);
      expect(await settlements(otherMatch.match)).toEqual([expect.objectContaining({ status: 'RESOLVED' })]);
    });

    it('a rejected pair stays recorded for the matcher (REJECTED with both sides), and a second reject is 409', async () => {
      const t = await setup();
      await decide(t, 'reject');
      const pairs = await h.db.query(
        `SELECT s.id AS statement, l.id AS ledger FROM matches m CROSS JOIN LATERAL unnest(m.statement_entry_ids) s(id) CROSS JOIN LATERAL unnest(m.ledger_entry_ids) l(id)
          WHERE m.reconciliation_id = $1 AND m.status = 'REJECTED' ORDER BY 1`,
        [t.reconciliationId],
      );
      expect(pairs).toEqual([t.s.SALE, t.s.FEE].sort().map((statement) => ({ statement, ledger: t.l['PED-1'] })));
      const before = await reviewState(h, t.reconciliationId);
      expectProblem(await decide(t, 'reject'), 409, 'match_state_invalid');
      expectProblem(await decide(t, 'unmatch'), 409, 'match_state_invalid');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    });
  });

  describe('unmatch', () => {
    it('ACCEPTED → UNMATCHED: links released, PENDING settlements deleted, entries back to unmatched, audited', async () => {
      const t = await setup('ACCEPTED');
      await h.db.query(
        `INSERT INTO settlements (id, tenant_id, account_id, reconciliation_id, match_id, ledger_entry_id, currency, expected_amount, received_amount, difference, breakdown)
         VALUES ($1, $2, $3, $4, $5, $6, 'BRL', 8800, 8800, 0, '{}')`,
        [randomUUID(), t.tenantId, t.accountId, t.reconciliationId, t.match, t.l['PED-1']],
      );
      const response = await decide(t, 'unmatch', { note: 'split differently' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'UNMATCHED', note: 'split differently', decidedBy: t.keyId });
      expect(await activeLinks(t.match)).toBe(0);
      expect(await settlements(t.match)).toEqual([]);
      expect(await audit(t.match)).toEqual([
        { action: 'match.unmatched', actor_id: t.keyId, target_type: 'match', before: { status: 'ACCEPTED', note: null }, after: { status: 'UNMATCHED', note: 'split differently' } },
      ]);
      const ledger = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}/ledger-entries?scope=unmatched`, t.key)).json();
      expect(ledger.data.map((entry: { id: string }) => entry.id).sort()).toEqual([t.l['PED-1'], t.l['PED-2']].sort());
      const summary = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}`, t.key)).json().summary;
      expect(summary).toMatchObject({ matched: { count: 0 }, unmatchedStatement: { count: 3 }, unmatchedLedger: { count: 2 } });
      // The entries are free for a manual match again.
      const again = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.SALE, t.s.FEE], ledgerEntryIds: [t.l['PED-1']] }, t.key);
      expect(again.statusCode).toBe(201);
    });

    it('SUGGESTED → UNMATCHED too; UNMATCHED and SUPERSEDED refuse (409 match_state_invalid)', async () => {
      const t = await setup();
      expect((await decide(t, 'unmatch')).json().status).toBe('UNMATCHED');
      expectProblem(await decide(t, 'unmatch'), 409, 'match_state_invalid');
      expectProblem(await decide(t, 'accept'), 409, 'match_state_invalid');
      const superseded = await setup('SUPERSEDED');
      expectProblem(await decide(superseded, 'unmatch'), 409, 'match_state_invalid');
      expectProblem(await decide(superseded, 'reject'), 409, 'match_state_invalid');
    });
  });

  describe('refusals common to every decision', () => {
    it('CLOSED reconciliation 409 reconciliation_closed, PROCESSING 409 reconciliation_state_invalid, BLOCKED account 423: nothing changes', async () => {
      const t = await setup();
      for (const [status, code, http] of [['CLOSED', 'reconciliation_closed', 409], ['PROCESSING', 'reconciliation_state_invalid', 409]] as const) {
        await setStatus(h, t.reconciliationId, status);
        const before = await reviewState(h, t.reconciliationId);
        for (const decision of ['accept', 'reject', 'unmatch']) expectProblem(await decide(t, decision, { note: 'x' }), http, code);
        expect(await reviewState(h, t.reconciliationId)).toEqual(before);
      }
      await setStatus(h, t.reconciliationId, 'PARTIALLY_MATCHED');
      await blockAccount(h, t.key, t.accountId);
      const before = await reviewState(h, t.reconciliationId);
      for (const decision of ['accept', 'reject', 'unmatch']) expectProblem(await decide(t, decision), 423, 'account_blocked');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    });

    it("another tenant's match is 404 like a random id; a malformed id 400; unknown body fields 400", async () => {
      const t = await setup();
      const intruder = await h.api.createTenant();
      for (const decision of ['accept', 'reject', 'unmatch']) {
        const theirs = expectProblem(await decide(t, decision, {}, intruder.key), 404, 'not_found');
        const random = expectProblem(await h.api.post(`/v1/matches/${randomUUID()}/${decision}`, {}, intruder.key), 404, 'not_found');
        expect(theirs.detail).toBe(random.detail);
      }
      expectProblem(await h.api.post('/v1/matches/not-a-uuid/accept', {}, t.key), 400, 'invalid_id');
      expectProblem(await decide(t, 'accept', { status: 'ACCEPTED' }), 400, 'unknown_field');
      expectProblem(await decide(t, 'accept', { note: ['x'] }), 422, 'validation_failed');
      expect(await h.db.query('SELECT status, decided_by FROM matches WHERE id = $1', [t.match])).toEqual([{ status: 'SUGGESTED', decided_by: null }]);
    });

    it('needs reconciliations:write (403 insufficient_scope)', async () => {
      const t = await setup();
      const reader = (await h.api.post('/v1/api-keys', { name: 'reader', scopes: ['reconciliations:read'] }, t.key)).json();
      for (const decision of ['accept', 'reject', 'unmatch']) expectProblem(await decide(t, decision, {}, reader.secret), 403, 'insufficient_scope');
      expectProblem(await h.api.patch(`/v1/matches/${t.match}`, { note: 'n' }, reader.secret), 403, 'insufficient_scope');
    });

    it('two simultaneous decisions on one match: one succeeds, the other finds it decided (409); settlements exactly once', async () => {
      const t = await setup();
      const [a, b] = await Promise.all([decide(t, 'accept'), decide(t, 'accept')]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      expect(await settlements(t.match)).toHaveLength(1);
      expect(await audit(t.match)).toHaveLength(1);

      const u = await setup();
      const [reject, unmatch] = await Promise.all([decide(u, 'reject'), decide(u, 'unmatch')]);
      expect([reject.statusCode, unmatch.statusCode].sort()).toEqual([200, 409]);
      expect(await audit(u.match)).toHaveLength(1);
    });
  });
});
