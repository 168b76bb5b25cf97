import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { addLedger, blockAccount, expectProblem, insertMatch, reviewSetup, reviewState, setStatus, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

describe('POST /v1/reconciliations/{id}/manual-match (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  /** One order (PED-1, 100.00) paid by a sale, a commission and a shipping fee; a second order and statement line aside. */
  function setup(): Promise<ReviewSetup> {
    return reviewSetup(
      h,
      [
        { externalId: 'SALE', amount: '100.00', releaseType: 'SALE' },
        { externalId: 'FEE', amount: '-12.00', releaseType: 'COMMISSION' },
        { externalId: 'SHIP', amount: '-8.00', releaseType: 'SHIPPING' },
        { externalId: 'OTHER', amount: '50.00' },
        { externalId: 'USD', amount: '50.00', currency: 'USD' },
      ],
      [
        { externalId: 'PED-1', amount: '80.00' },
        { externalId: 'PED-2', amount: '30.00' },
        { externalId: 'PED-3', amount: '20.00' },
      ],
    );
  }

  const manual = (t: ReviewSetup, body: unknown, key = t.key) => h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, body, key);

  describe('creating', () => {
    it('answers 201 with an ACCEPTED MANUAL match of confidence 100, both sides in full, and stores it with active links', async () => {
      const t = await setup();
      const response = await manual(t, { statementEntryIds: [t.s.SALE, t.s.FEE, t.s.SHIP], ledgerEntryIds: [t.l['PED-1']], note: 'paid in three releases' });
      expect(response.statusCode).toBe(201);
      const match = response.json();
      expect(match).toMatchObject({
        reconciliationId: t.reconciliationId,
        status: 'ACCEPTED',
        method: 'MANUAL',
        rule: 'MANUAL',
        confidence: 100,
        currency: 'BRL',
        statementTotal: '80.00',
        ledgerTotal: '80.00',
        difference: '0.00',
        statementEntryIds: [t.s.SALE, t.s.FEE, t.s.SHIP].sort(),
        ledgerEntryIds: [t.l['PED-1']],
        note: 'paid in three releases',
        decidedBy: t.keyId,
      });
      expect(new Date(match.decidedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(match.statementEntries.map((e: { externalId: string }) => e.externalId).sort()).toEqual(['FEE', 'SALE', 'SHIP']);
      expect(match.ledgerEntries).toEqual([expect.objectContaining({ id: t.l['PED-1'], externalId: 'PED-1', amount: '80.00' })]);
      expect(match.explanation).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'amount', passed: true })]));

      const items = await h.db.query('SELECT entry_id, side FROM match_items WHERE match_id = $1 ORDER BY side, entry_id', [match.id]);
      expect(items).toEqual([{ entry_id: t.l['PED-1'], side: 'LEDGER' }, ...[t.s.SALE, t.s.FEE, t.s.SHIP].sort().map((id) => ({ entry_id: id, side: 'STATEMENT' }))]);
      expect(await h.db.count('discrepancies', 'match_id = $1', [match.id])).toBe(0);
    });

    it('creates one settlement for a single ledger entry, with the match id: expected the order, received the releases, broken down by release type', async () => {
      const t = await setup();
      const match = (await manual(t, { statementEntryIds: [t.s.SALE, t.s.FEE, t.s.SHIP, t.s.OTHER], ledgerEntryIds: [t.l['PED-1']], allowDifference: true })).json();
      const settlements = await h.db.query(
        'SELECT id, ledger_entry_id, expected_amount::text, received_amount::text, difference::text, breakdown, status, account_id FROM settlements WHERE match_id = $1',
        [match.id],
      );
      expect(settlements).toEqual([
        {
          id: match.id,
          ledger_entry_id: t.l['PED-1'],
          expected_amount: '8000',
          received_amount: '13000',
          difference: '5000',
          breakdown: { COMMISSION: '-1200', SALE: '10000', SHIPPING: '-800', UNCLASSIFIED: '5000' },
          status: 'PENDING',
          account_id: t.accountId,
        },
      ]);
    });

    it('allocates a payout over several ledger entries: each its expected amount, the last by id absorbing the difference', async () => {
      const t = await setup();
      const ledgerIds = [t.l['PED-2'], t.l['PED-3']];
      const match = (await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: ledgerIds })).json();
      expect(match).toMatchObject({ statementTotal: '50.00', ledgerTotal: '50.00', difference: '0.00' });
      const rows = await h.db.query('SELECT ledger_entry_id, expected_amount::text, received_amount::text, difference::text, breakdown FROM settlements WHERE match_id = $1', [
        match.id,
      ]);
      const byId = new Map(rows.map((row) => [row['ledger_entry_id'], row]));
      expect(byId.get(t.l['PED-2'])).toMatchObject({ expected_amount: '3000', received_amount: '3000', difference: '0', breakdown: { ALLOCATED: '3000' } });
      expect(byId.get(t.l['PED-3'])).toMatchObject({ expected_amount: '2000', received_amount: '2000', difference: '0', breakdown: { ALLOCATED: '2000' } });
      // Each its own id; the database still keeps them one per ledger entry of the match.
      const ids = (await h.db.query<{ id: string }>('SELECT id FROM settlements WHERE match_id = $1', [match.id])).map((row) => row.id);
      expect(new Set([...ids, match.id]).size).toBe(3);
      await expect(
        h.db.query(
          `INSERT INTO settlements (id, tenant_id, account_id, reconciliation_id, match_id, ledger_entry_id, currency, expected_amount, received_amount, difference, breakdown)
           SELECT $1, tenant_id, account_id, reconciliation_id, match_id, ledger_entry_id, currency, expected_amount, received_amount, difference, breakdown FROM settlements WHERE id = $2`,
          [randomUUID(), ids[0]],
        ),
      ).rejects.toThrow(/ux_settlements_match_ledger_entry/);
      expect((await h.api.post(`/v1/matches/${match.id}/unmatch`, undefined, t.key)).statusCode).toBe(200);
      expect(await h.db.count('settlements', 'match_id = $1', [match.id])).toBe(0);

      const t2 = await setup();
      const short = (await manual(t2, { statementEntryIds: [t2.s.SALE], ledgerEntryIds: [t2.l['PED-2'], t2.l['PED-3'], t2.l['PED-1']], allowDifference: true })).json();
      const last = [t2.l['PED-1'], t2.l['PED-2'], t2.l['PED-3']].sort()[2];
      const allocation = await h.db.query<{ ledger_entry_id: string; difference: string; received_amount: string }>(
        'SELECT ledger_entry_id, difference::text, received_amount::text FROM settlements WHERE match_id = $1',
        [short.id],
      );
      expect(allocation).toHaveLength(3);
      for (const row of allocation) expect(row.difference).toBe(row.ledger_entry_id === last ? '-3000' : '0');
      expect(allocation.reduce((total, row) => total + BigInt(row.received_amount), 0n)).toBe(10000n);
    });

    it('records the audit event match.manual_created and refreshes the summary', async () => {
      const t = await setup();
      const match = (await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']], note: 'payout' })).json();
      const events = await h.db.query('SELECT action, actor_id, target_type, target_id, before, after FROM audit_events WHERE target_id = $1', [match.id]);
      expect(events).toEqual([
        {
          action: 'match.manual_created',
          actor_id: t.keyId,
          target_type: 'match',
          target_id: match.id,
          before: null,
          after: expect.objectContaining({ status: 'ACCEPTED', method: 'MANUAL', statementEntryIds: [t.s.OTHER], statementTotal: '5000', ledgerTotal: '5000', difference: '0', note: 'payout' }),
        },
      ]);
      const summary = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}`, t.key)).json().summary;
      expect(summary.matched).toEqual({ count: 1, amount: '50.00' });
      expect(summary.unmatchedStatement.count).toBe(4);
    });

    it('replays a repeat with the same Idempotency-Key (one match), and refuses the key with another body (422)', async () => {
      const t = await setup();
      const body = { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] };
      const headers = { 'idempotency-key': `mm-${randomUUID()}` };
      const first = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, body, t.key, { headers });
      const repeat = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, body, t.key, { headers });
      expect(first.statusCode).toBe(201);
      expect(repeat.statusCode).toBe(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.json().id).toBe(first.json().id);
      expect(await h.db.count('matches', 'reconciliation_id = $1', [t.reconciliationId])).toBe(1);
      const other = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { ...body, note: 'changed' }, t.key, { headers });
      expectProblem(other, 422, 'idempotency_key_reused');
    });
  });

  describe('differences', () => {
    it('refuses sides apart by more than the tolerance without allowDifference (422 difference_not_allowed), storing nothing', async () => {
      const t = await setup();
      const before = await reviewState(h, t.reconciliationId);
      const body = expectProblem(await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']] }), 422, 'difference_not_allowed');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'allowDifference' })]);
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    });

    it('with allowDifference creates the match and an AMOUNT_MISMATCH discrepancy with the severity of the account thresholds', async () => {
      const t = await setup();
      const response = await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: true });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ status: 'ACCEPTED', difference: '20.00' });
      // Default thresholds: warning 1.00, critical 100.00 → a 20.00 gap is a WARNING.
      const rows = await h.db.query('SELECT type, severity, amount::text, currency, statement_entry_ids, ledger_entry_ids, run_id, status, resolution FROM discrepancies WHERE match_id = $1', [
        response.json().id,
      ]);
      expect(rows).toEqual([
        { type: 'AMOUNT_MISMATCH', severity: 'WARNING', amount: '2000', currency: 'BRL', statement_entry_ids: [t.s.SALE], ledger_entry_ids: [t.l['PED-1']], run_id: null, status: 'OPEN', resolution: 'PENDING' },
      ]);
      const summary = (await h.api.get(`/v1/reconciliations/${t.reconciliationId}`, t.key)).json().summary;
      expect(summary.amountMismatch).toEqual({ count: 1, amount: '20.00' });
    });

    it('accepts a difference inside the absolute or the basis-point tolerance without allowDifference, and raises no discrepancy', async () => {
      const t = await setup();
      await h.db.query('UPDATE matching_rules SET amount_tolerance = 2000 WHERE account_id = $1', [t.accountId]);
      const absolute = await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']] });
      expect(absolute.statusCode).toBe(201);
      expect(absolute.json().difference).toBe('20.00');

      const u = await setup();
      // 24.99% of the ledger total 80.00 is 19.99: a 20.00 gap is outside; 25% (20.00) covers it.
      await h.db.query('UPDATE matching_rules SET amount_tolerance = 0, amount_tolerance_bps = 2499 WHERE account_id = $1', [u.accountId]);
      expectProblem(await manual(u, { statementEntryIds: [u.s.SALE], ledgerEntryIds: [u.l['PED-1']] }), 422, 'difference_not_allowed');
      await h.db.query('UPDATE matching_rules SET amount_tolerance_bps = 2500 WHERE account_id = $1', [u.accountId]);
      const bps = await manual(u, { statementEntryIds: [u.s.SALE], ledgerEntryIds: [u.l['PED-1']] });
      expect(bps.statusCode).toBe(201);
      expect(bps.json().difference).toBe('20.00');
      expect(await h.db.count('discrepancies', 'reconciliation_id = ANY($1::uuid[])', [[t.reconciliationId, u.reconciliationId]])).toBe(0);
    });

    it('CRITICAL beyond the critical threshold', async () => {
      const t = await setup();
      await h.db.query('UPDATE matching_rules SET severity_warning_amount = 100, severity_critical_amount = 1500 WHERE account_id = $1', [t.accountId]);
      const response = await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: true });
      expect(response.statusCode).toBe(201);
      expect(await h.db.query('SELECT severity FROM discrepancies WHERE match_id = $1', [response.json().id])).toEqual([{ severity: 'CRITICAL' }]);
    });
  });

  describe('refusals', () => {
    it('answers 404 naming the field for ids that are not entries of this reconciliation or its account, storing nothing', async () => {
      const t = await setup();
      const other = await reviewSetup(h, [{ externalId: 'X' }], [{ externalId: 'PED-X' }]);
      const sameTenantOtherAccount = await reviewSetup(h, [{ externalId: 'Y' }], [{ externalId: 'PED-Y' }], t);
      const before = await reviewState(h, t.reconciliationId);
      const cases: [unknown, string][] = [
        [{ statementEntryIds: [t.s.SALE, randomUUID()], ledgerEntryIds: [t.l['PED-1']] }, 'statementEntryIds[1]'],
        [{ statementEntryIds: [other.s.X], ledgerEntryIds: [t.l['PED-1']] }, 'statementEntryIds[0]'],
        [{ statementEntryIds: [sameTenantOtherAccount.s.Y], ledgerEntryIds: [t.l['PED-1']] }, 'statementEntryIds[0]'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [other.l['PED-X']] }, 'ledgerEntryIds[0]'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [sameTenantOtherAccount.l['PED-Y']] }, 'ledgerEntryIds[0]'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.s.FEE] }, 'ledgerEntryIds[0]'],
      ];
      for (const [body, field] of cases) {
        const problem = expectProblem(await manual(t, body), 404, 'not_found');
        expect(problem.errors).toEqual([expect.objectContaining({ field, code: 'not_found' })]);
      }
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    });

    it("answers 404 for another tenant's reconciliation, exactly like a random id", async () => {
      const t = await setup();
      const intruder = await h.api.createTenant();
      const body = { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: true };
      const theirs = expectProblem(await manual(t, body, intruder.key), 404, 'not_found');
      const random = expectProblem(await h.api.post(`/v1/reconciliations/${randomUUID()}/manual-match`, body, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
      expect(await h.db.count('matches', 'reconciliation_id = $1', [t.reconciliationId])).toBe(0);
    });

    it('refuses entries of different currencies (422 currency_mismatch)', async () => {
      const t = await setup();
      const problem = expectProblem(await manual(t, { statementEntryIds: [t.s.OTHER, t.s.USD], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] }), 422, 'currency_mismatch');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'statementEntryIds[1]' })]);
      const usdOnly = expectProblem(await manual(t, { statementEntryIds: [t.s.USD], ledgerEntryIds: [t.l['PED-2']] }), 422, 'currency_mismatch');
      expect(usdOnly.errors).toEqual([expect.objectContaining({ field: 'ledgerEntryIds[0]' })]);
      expect(await h.db.count('matches', 'reconciliation_id = $1', [t.reconciliationId])).toBe(0);
    });

    it('refuses an entry already in an active match (409 entry_already_matched), but not one whose match was rejected', async () => {
      const t = await setup();
      expect((await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] })).statusCode).toBe(201);
      const before = await reviewState(h, t.reconciliationId);
      const problem = expectProblem(await manual(t, { statementEntryIds: [t.s.SALE, t.s.FEE, t.s.SHIP], ledgerEntryIds: [t.l['PED-1'], t.l['PED-3']], allowDifference: true }), 409, 'entry_already_matched');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'ledgerEntryIds[1]', code: 'entry_already_matched' })]);
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);

      const suggested = await insertMatch(h, t, { statement: [t.s.SALE], ledger: [t.l['PED-1']] });
      expectProblem(await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: true }), 409, 'entry_already_matched');
      expect((await h.api.post(`/v1/matches/${suggested}/reject`, {}, t.key)).statusCode).toBe(200);
      expect((await manual(t, { statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: true })).statusCode).toBe(201);
    });

    it('refuses a ledger entry held by an active match of another reconciliation of the account', async () => {
      const t = await setup();
      const february = await h.api.createReconciliation(t.key, t.accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28', statementEntries: [{ externalId: 'F', amount: '30.00', currency: 'BRL', date: '2026-02-02' }] });
      const [{ id: feb }] = await h.db.query<{ id: string }>('SELECT id FROM statement_entries WHERE reconciliation_id = $1', [february.id]);
      expect((await h.api.post(`/v1/reconciliations/${february.id}/manual-match`, { statementEntryIds: [feb], ledgerEntryIds: [t.l['PED-2']] }, t.key)).statusCode).toBe(201);
      expectProblem(await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2']], allowDifference: true }), 409, 'entry_already_matched');
    });

    it('refuses a closed statement entry (409 entry_state_invalid)', async () => {
      const t = await setup();
      expect((await h.api.post(`/v1/statement-entries/${t.s.OTHER}/close`, { reason: 'DUPLICATE' }, t.key)).statusCode).toBe(200);
      const problem = expectProblem(await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] }), 409, 'entry_state_invalid');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'statementEntryIds[0]' })]);
    });

    it('refuses while CLOSED (409 reconciliation_closed), PROCESSING (409 reconciliation_state_invalid) and on a BLOCKED account (423), storing nothing', async () => {
      const t = await setup();
      const body = { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] };
      await setStatus(h, t.reconciliationId, 'CLOSED');
      let before = await reviewState(h, t.reconciliationId);
      expectProblem(await manual(t, body), 409, 'reconciliation_closed');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);

      await setStatus(h, t.reconciliationId, 'PROCESSING');
      before = await reviewState(h, t.reconciliationId);
      expectProblem(await manual(t, body), 409, 'reconciliation_state_invalid');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);

      await setStatus(h, t.reconciliationId, 'PENDING');
      expect((await blockAccount(h, t.key, t.accountId)).statusCode).toBe(200);
      before = await reviewState(h, t.reconciliationId);
      expectProblem(await manual(t, body), 423, 'account_blocked');
      expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    });

    it('validates the body: 422 for empty, repeated or malformed ids, 400 for unknown fields', async () => {
      const t = await setup();
      const cases: [unknown, number, string, string][] = [
        [{ statementEntryIds: [], ledgerEntryIds: [t.l['PED-1']] }, 422, 'validation_failed', 'statementEntryIds'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [] }, 422, 'validation_failed', 'ledgerEntryIds'],
        [{ statementEntryIds: [t.s.SALE, t.s.SALE], ledgerEntryIds: [t.l['PED-1']] }, 422, 'validation_failed', 'statementEntryIds'],
        [{ statementEntryIds: ['nope'], ledgerEntryIds: [t.l['PED-1']] }, 422, 'validation_failed', 'statementEntryIds'],
        [{ ledgerEntryIds: [t.l['PED-1']] }, 422, 'validation_failed', 'statementEntryIds'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], allowDifference: 'yes' }, 422, 'validation_failed', 'allowDifference'],
        [{ statementEntryIds: [t.s.SALE], ledgerEntryIds: [t.l['PED-1']], status: 'SUGGESTED' }, 400, 'unknown_field', 'status'],
      ];
      for (const [body, status, code, field] of cases) {
        const problem = expectProblem(await manual(t, body), status, code);
        expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await h.db.count('matches', 'reconciliation_id = $1', [t.reconciliationId])).toBe(0);
    });

    it('needs reconciliations:write (403 insufficient_scope)', async () => {
      const t = await setup();
      const reader = (await h.api.post('/v1/api-keys', { name: 'reader', scopes: ['reconciliations:read'] }, t.key)).json();
      expectProblem(await manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] }, reader.secret), 403, 'insufficient_scope');
    });
  });

  describe('concurrency', () => {
    it('two simultaneous manual matches of one statement entry: one 201, one 409, one active link in the database', async () => {
      const t = await setup();
      const [a, b] = await Promise.all([
        manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [t.l['PED-2'], t.l['PED-3']] }),
        manual(t, { statementEntryIds: [t.s.OTHER, t.s.SALE], ledgerEntryIds: [t.l['PED-1'], t.l['PED-2'], t.l['PED-3']], allowDifference: true }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
      expectProblem(a.statusCode === 409 ? a : b, 409, 'entry_already_matched');
      expect(await h.db.count('match_items', 'entry_id = $1', [t.s.OTHER])).toBe(1);
      expect(await h.db.count('matches', 'reconciliation_id = $1', [t.reconciliationId])).toBe(1);
    });

    it('two reconciliations racing for one ledger entry: the unique index decides, one 201 and one 409', async () => {
      const t = await setup();
      const ledger = await addLedger(h, t.key, t.accountId, [{ externalId: 'SHARED', amount: '50.00', date: '2026-01-31' }]);
      const february = await h.api.createReconciliation(t.key, t.accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28', statementEntries: [{ externalId: 'F', amount: '50.00', currency: 'BRL', date: '2026-02-01' }] });
      const [{ id: feb }] = await h.db.query<{ id: string }>('SELECT id FROM statement_entries WHERE reconciliation_id = $1', [february.id]);
      for (let round = 0; round < 3; round++) {
        const [a, b] = await Promise.all([
          manual(t, { statementEntryIds: [t.s.OTHER], ledgerEntryIds: [ledger.SHARED] }),
          h.api.post(`/v1/reconciliations/${february.id}/manual-match`, { statementEntryIds: [feb], ledgerEntryIds: [ledger.SHARED] }, t.key),
        ]);
        expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
        expectProblem(a.statusCode === 409 ? a : b, 409, 'entry_already_matched');
        expect(await h.db.count('match_items', 'entry_id = $1', [ledger.SHARED])).toBe(1);
        // Free everything again for the next round.
        const winner = (a.statusCode === 201 ? a : b).json();
        expect((await h.api.post(`/v1/matches/${winner.id}/unmatch`, {}, t.key)).statusCode).toBe(200);
      }
    });
  });
});
