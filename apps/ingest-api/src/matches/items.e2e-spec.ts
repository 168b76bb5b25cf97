import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { addLedger, blockAccount, expectProblem, insertMatch, reviewSetup, reviewState, setStatus, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

describe('the items of a reconciliation: match status, ledger reach, close and reopen (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  /** S1 suggested with L1, S2 accepted with L2, S3 was in a rejected match, S4 set aside, S5 untouched. */
  async function setup(): Promise<ReviewSetup> {
    const t = await reviewSetup(
      h,
      [
        { externalId: 'S1', releaseType: 'SALE' },
        { externalId: 'S2', releaseType: 'SALE' },
        { externalId: 'S3', releaseType: 'COMMISSION' },
        { externalId: 'S4' },
        { externalId: 'S5', releaseType: 'SALE' },
      ],
      [{ externalId: 'L1' }, { externalId: 'L2' }, { externalId: 'L3' }, { externalId: 'L4' }],
    );
    await insertMatch(h, t, { statement: [t.s.S1], ledger: [t.l.L1] }, { status: 'SUGGESTED' });
    await insertMatch(h, t, { statement: [t.s.S2], ledger: [t.l.L2] }, { status: 'ACCEPTED' });
    await insertMatch(h, t, { statement: [t.s.S3], ledger: [t.l.L3] }, { status: 'REJECTED' });
    const closed = await h.api.post(`/v1/statement-entries/${t.s.S4}/close`, { reason: 'NOT_APPLICABLE', note: 'bank fee reversal' }, t.key);
    if (closed.statusCode !== 200) throw new Error(`close: ${closed.statusCode} ${closed.body}`);
    return t;
  }

  const externalIds = (response: { json(): { data: { externalId: string }[] } }) => response.json().data.map((entry) => entry.externalId).sort();

  describe('GET /v1/reconciliations/{id}/statement-entries?matchStatus=', () => {
    it('UNMATCHED, SUGGESTED, MATCHED and CLOSED from the active matches and the entries set aside', async () => {
      const t = await setup();
      const list = (query: string) => h.api.get(`/v1/reconciliations/${t.reconciliationId}/statement-entries${query}`, t.key);
      expect(externalIds(await list(''))).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
      expect(externalIds(await list('?matchStatus=UNMATCHED'))).toEqual(['S3', 'S5']);
      expect(externalIds(await list('?matchStatus=SUGGESTED'))).toEqual(['S1']);
      expect(externalIds(await list('?matchStatus=MATCHED'))).toEqual(['S2']);
      expect(externalIds(await list('?matchStatus=CLOSED'))).toEqual(['S4']);
      expect(externalIds(await list('?matchStatus=UNMATCHED&releaseType=SALE'))).toEqual(['S5']);
      const page = (await list('?matchStatus=UNMATCHED&limit=1')).json();
      expect(page.data).toHaveLength(1);
      const rest = (await list(`?matchStatus=UNMATCHED&limit=1&cursor=${page.nextCursor}`)).json();
      expect([...page.data, ...rest.data].map((entry: { externalId: string }) => entry.externalId).sort()).toEqual(['S3', 'S5']);
      expectProblem(await list('?matchStatus=ORPHAN'), 400, 'invalid_query');
    });
  });

  describe('GET /v1/accounts/{id}/ledger-entries?matchStatus=', () => {
    it('filters by the active matches of every reconciliation of the account; ledger entries are never CLOSED', async () => {
      const t = await setup();
      const list = (query: string) => h.api.get(`/v1/accounts/${t.accountId}/ledger-entries${query}`, t.key);
      expect(externalIds(await list('?matchStatus=UNMATCHED'))).toEqual(['L3', 'L4']);
      expect(externalIds(await list('?matchStatus=SUGGESTED'))).toEqual(['L1']);
      expect(externalIds(await list('?matchStatus=MATCHED'))).toEqual(['L2']);
      expect(externalIds(await list('?matchStatus=CLOSED'))).toEqual([]);
      expect(externalIds(await list(''))).toEqual(['L1', 'L2', 'L3', 'L4']);
      expect(externalIds(await list('?matchStatus=UNMATCHED&externalId=L4'))).toEqual(['L4']);
    });
  });

  describe('GET /v1/reconciliations/{id}/ledger-entries', () => {
    it('answers the ledger entries dated within the period widened by the date window; scope=unmatched leaves out any in an active match', async () => {
      const t = await setup();
      await addLedger(h, t.key, t.accountId, [
        { externalId: 'EARLY-OUT', date: '2025-12-28' },
        { externalId: 'EARLY-IN', date: '2025-12-29' },
        { externalId: 'LATE-IN', date: '2026-02-03' },
        { externalId: 'LATE-OUT', date: '2026-02-04' },
      ]);
      // L4 is held by an active match of another reconciliation of the account.
      const february = await h.api.createReconciliation(t.key, t.accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28', statementEntries: [{ externalId: 'F', amount: '100.00', currency: 'BRL', date: '2026-02-02' }] });
      const [{ id: feb }] = await h.db.query<{ id: string }>('SELECT id FROM statement_entries WHERE reconciliation_id = $1', [february.id]);
      expect((await h.api.post(`/v1/reconciliations/${february.id}/manual-match`, { statementEntryIds: [feb], ledgerEntryIds: [t.l.L4] }, t.key)).statusCode).toBe(201);

      const list = (query: string) => h.api.get(`/v1/reconciliations/${t.reconciliationId}/ledger-entries${query}`, t.key);
      const inReach = ['EARLY-IN', 'L1', 'L2', 'L3', 'L4', 'LATE-IN'];
      expect(externalIds(await list(''))).toEqual(inReach);
      expect(externalIds(await list('?scope=all'))).toEqual(inReach);
      expect(externalIds(await list('?scope=unmatched'))).toEqual(['EARLY-IN', 'L3', 'LATE-IN']);
      const first = (await list('?scope=all&limit=4')).json();
      expect(first.data).toHaveLength(4);
      expect(first.data[0]).toMatchObject({ accountId: t.accountId, currency: 'BRL', amount: '100.00' });
      const second = (await list(`?scope=all&limit=4&cursor=${first.nextCursor}`)).json();
      expect(second.nextCursor).toBeNull();
      expect([...first.data, ...second.data].map((entry: { externalId: string }) => entry.externalId).sort()).toEqual(inReach);

      await h.db.query('UPDATE matching_rules SET date_window_days = 4 WHERE account_id = $1', [t.accountId]);
      expect(externalIds(await list('?scope=unmatched'))).toEqual(['EARLY-IN', 'EARLY-OUT', 'L3', 'LATE-IN', 'LATE-OUT']);
    });

    it('refuses unknown scopes and filters (400); another tenant or a random id is 404', async () => {
      const t = await setup();
      expectProblem(await h.api.get(`/v1/reconciliations/${t.reconciliationId}/ledger-entries?scope=some`, t.key), 400, 'invalid_query');
      expectProblem(await h.api.get(`/v1/reconciliations/${t.reconciliationId}/ledger-entries?kind=ORDER`, t.key), 400, 'unknown_field');
      const intruder = await h.api.createTenant();
      const theirs = expectProblem(await h.api.get(`/v1/reconciliations/${t.reconciliationId}/ledger-entries`, intruder.key), 404, 'not_found');
      const random = expectProblem(await h.api.get(`/v1/reconciliations/${randomUUID()}/ledger-entries`, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
    });
  });

  describe('POST /v1/statement-entries/{id}/close and /reopen', () => {
    it('sets an entry aside with reason and note, and brings it back; both audited', async () => {
      const t = await setup();
      const closed = await h.api.post(`/v1/statement-entries/${t.s.S5}/close`, { reason: 'DUPLICATE', note: 'same as S3' }, t.key);
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({ id: t.s.S5, externalId: 'S5', closedReason: 'DUPLICATE', closedNote: 'same as S3', closedAt: expect.stringMatching(/Z$/) });
      expect(await h.db.query('SELECT closed_reason, closed_note, closed_at IS NOT NULL AS closed FROM statement_entries WHERE id = $1', [t.s.S5])).toEqual([
        { closed_reason: 'DUPLICATE', closed_note: 'same as S3', closed: true },
      ]);

      const reopened = await h.api.post(`/v1/statement-entries/${t.s.S5}/reopen`, { note: 'not a duplicate after all' }, t.key);
      expect(reopened.statusCode).toBe(200);
      expect(reopened.json()).toMatchObject({ id: t.s.S5, closedAt: null, closedReason: null, closedNote: null });
      expect(externalIds(await h.api.get(`/v1/reconciliations/${t.reconciliationId}/statement-entries?matchStatus=UNMATCHED`, t.key))).toEqual(['S3', 'S5']);

      const audit = await h.db.query('SELECT action, actor_id, target_type, before, after FROM audit_events WHERE target_id = $1 ORDER BY id', [t.s.S5]);
      expect(audit).toEqual([
        { action: 'statement_entry.closed', actor_id: t.keyId, target_type: 'statement_entry', before: { closed: false }, after: { closed: true, reason: 'DUPLICATE', note: 'same as S3' } },
        {
          action: 'statement_entry.reopened',
          actor_id: t.keyId,
          target_type: 'statement_entry',
          before: { closed: true, reason: 'DUPLICATE', note: 'same as S3' },
          after: { closed: false, note: 'not a duplicate after all' },
        },
      ]);
    });

    it('refuses an entry in an active match (409 entry_already_matched) and a repeated close or reopen (409 entry_state_invalid)', async () => {
      const t = await setup();
      const before = await reviewState(h, t.reconciliationId);
      for (const id of [t.s.S1, t.s.S2]) expectProblem(await h.api.post(`/v1/statement-entries/${id}/close`, { reason: 'OTHER' }, t.key), 409, 'entry_already_matched');
      expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S4}/close`, { reason: 'OTHER' }, t.key), 409, 'entry_state_invalid');
      expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S5}/reopen`, {}, t.key), 409, 'entry_state_invalid');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
      // Once its match is rejected, the entry can be set aside.
      expect((await h.api.post(`/v1/statement-entries/${t.s.S3}/close`, { reason: 'WRITTEN_OFF' }, t.key)).statusCode).toBe(200);
    });

    it('validates the body: reason required and one of the four (422), unknown fields 400', async () => {
      const t = await setup();
      const close = (body: unknown) => h.api.post(`/v1/statement-entries/${t.s.S5}/close`, body, t.key);
      expect(expectProblem(await close({}), 422, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      expectProblem(await close({ reason: 'LOST' }), 422, 'validation_failed');
      expectProblem(await close({ reason: 'OTHER', note: 7 }), 422, 'validation_failed');
      expectProblem(await close({ reason: 'OTHER', closedAt: '2026-01-01T00:00:00Z' }), 400, 'unknown_field');
      expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S4}/reopen`, { reason: 'OTHER' }, t.key), 400, 'unknown_field');
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1 AND closed_at IS NOT NULL', [t.reconciliationId])).toBe(1);
    });

    it('refuses on a CLOSED (409) or PROCESSING (409) reconciliation and a BLOCKED account (423), changing nothing', async () => {
      const t = await setup();
      const attempts = async (code: string, status: number) => {
        const before = await reviewState(h, t.reconciliationId);
        expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S5}/close`, { reason: 'OTHER' }, t.key), status, code);
        expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S4}/reopen`, {}, t.key), status, code);
        expect(await reviewState(h, t.reconciliationId)).toEqual(before);
      };
      await setStatus(h, t.reconciliationId, 'CLOSED');
      await attempts('reconciliation_closed', 409);
      await setStatus(h, t.reconciliationId, 'PROCESSING');
      await attempts('reconciliation_state_invalid', 409);
      await setStatus(h, t.reconciliationId, 'PENDING');
      await blockAccount(h, t.key, t.accountId);
      await attempts('account_blocked', 423);
    });

    it("another tenant's entry, a ledger entry's id or a random id: 404 alike", async () => {
      const t = await setup();
      const intruder = await h.api.createTenant();
      const random = expectProblem(await h.api.post(`/v1/statement-entries/${randomUUID()}/close`, { reason: 'OTHER' }, intruder.key), 404, 'not_found');
      const theirs = expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S5}/close`, { reason: 'OTHER' }, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
      expectProblem(await h.api.post(`/v1/statement-entries/${t.s.S4}/reopen`, {}, intruder.key), 404, 'not_found');
      expectProblem(await h.api.post(`/v1/statement-entries/${t.l.L4}/close`, { reason: 'OTHER' }, t.key), 404, 'not_found');
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1 AND closed_at IS NOT NULL', [t.reconciliationId])).toBe(1);
    });
  });
});
