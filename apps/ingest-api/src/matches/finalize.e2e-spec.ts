import { randomUUID } from 'node:crypto';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { blockAccount, expectProblem, insertMatch, reviewSetup, reviewState, setStatus, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

describe('POST /v1/reconciliations/{id}/finalize and /reopen (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  /** A PARTIALLY_MATCHED reconciliation: a suggestion waiting, a manual match accepted, an entry set aside. */
  async function setup(): Promise<ReviewSetup & { suggested: string; accepted: string }> {
    const t = await reviewSetup(h, [{ externalId: 'S1' }, { externalId: 'S2' }, { externalId: 'S3' }], [{ externalId: 'L1' }, { externalId: 'L2' }]);
    const suggested = await insertMatch(h, t, { statement: [t.s.S1], ledger: [t.l.L1] });
    const accepted = await h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.S2], ledgerEntryIds: [t.l.L2] }, t.key);
    if (accepted.statusCode !== 201) throw new Error(`manual match: ${accepted.statusCode} ${accepted.body}`);
    await h.api.post(`/v1/statement-entries/${t.s.S3}/close`, { reason: 'OTHER' }, t.key);
    await h.db.query(`UPDATE reconciliations SET status = 'PARTIALLY_MATCHED' WHERE id = $1`, [t.reconciliationId]);
    return { ...t, suggested, accepted: accepted.json().id };
  }

  const finalize = (t: ReviewSetup, key = t.key) => h.api.post(`/v1/reconciliations/${t.reconciliationId}/finalize`, undefined, key);
  const reopen = (t: ReviewSetup, key = t.key) => h.api.post(`/v1/reconciliations/${t.reconciliationId}/reopen`, undefined, key);
  const closedEvents = (t: ReviewSetup) => h.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM events WHERE tenant_id = $1 AND type = 'reconciliation.closed'`, [t.tenantId]);

  it('closes it: CLOSED with finalizedAt and finalizedBy, the previous status kept, an audit event and a reconciliation.closed event with its dispatch job', async () => {
    const t = await setup();
    const response = await finalize(t);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id: t.reconciliationId, status: 'CLOSED', finalizedBy: t.keyId, finalizedAt: expect.stringMatching(/Z$/) });
    expect(new Date(body.finalizedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await h.db.query('SELECT status, previous_status, finalized_by FROM reconciliations WHERE id = $1', [t.reconciliationId])).toEqual([
      { status: 'CLOSED', previous_status: 'PARTIALLY_MATCHED', finalized_by: t.keyId },
    ]);
    expect((await h.api.get(`/v1/reconciliations/${t.reconciliationId}`, t.key)).json()).toMatchObject({ status: 'CLOSED', finalizedBy: t.keyId, finalizedAt: body.finalizedAt });

    const events = await closedEvents(t);
    expect(events).toEqual([
      { data: expect.objectContaining({ reconciliationId: t.reconciliationId, accountId: t.accountId, status: 'CLOSED', previousStatus: 'PARTIALLY_MATCHED', finalizedBy: t.keyId }) },
    ]);
    expect(events[0].data['summary']).toMatchObject({ matched: { count: 1, amount: '100.00' } });
    expect(await h.db.count('outbox', `tenant_id = $1 AND queue = 'webhook-dispatch'`, [t.tenantId])).toBe(1);
    const audit = await h.db.query(`SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = 'reconciliation.finalized'`, [t.reconciliationId]);
    expect(audit).toEqual([{ actor_id: t.keyId, before: { status: 'PARTIALLY_MATCHED' }, after: expect.objectContaining({ status: 'CLOSED', finalizedBy: t.keyId }) }]);
  });

  it('refuses while PROCESSING (409 reconciliation_state_invalid), when already CLOSED (409 reconciliation_closed), on a BLOCKED account (423); no event', async () => {
    const t = await setup();
    await setStatus(h, t.reconciliationId, 'PROCESSING');
    let before = await reviewState(h, t.reconciliationId);
    expectProblem(await finalize(t), 409, 'reconciliation_state_invalid');
    expect(await reviewState(h, t.reconciliationId)).toEqual(before);

    await setStatus(h, t.reconciliationId, 'COMPLETED');
    expect((await finalize(t)).statusCode).toBe(200);
    before = await reviewState(h, t.reconciliationId);
    expectProblem(await finalize(t), 409, 'reconciliation_closed');
    expect(await reviewState(h, t.reconciliationId)).toEqual(before);
    expect(await closedEvents(t)).toHaveLength(1);

    const u = await setup();
    await blockAccount(h, u.key, u.accountId);
    before = await reviewState(h, u.reconciliationId);
    expectProblem(await finalize(u), 423, 'account_blocked');
    expectProblem(await reopen(u), 423, 'account_blocked');
    expect(await reviewState(h, u.reconciliationId)).toEqual(before);
  });

  it('two simultaneous finalizes: one 200, one 409, one event', async () => {
    const t = await setup();
    const [a, b] = await Promise.all([finalize(t), finalize(t)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(await closedEvents(t)).toHaveLength(1);
  });

  it('reopen returns it to the status it had, clears the finalization and is audited; only from CLOSED (409 reconciliation_state_invalid)', async () => {
    const t = await setup();
    expectProblem(await reopen(t), 409, 'reconciliation_state_invalid');
    await finalize(t);
    const response = await reopen(t);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'PARTIALLY_MATCHED', finalizedAt: null, finalizedBy: null });
    expect(await h.db.query('SELECT status, finalized_at FROM reconciliations WHERE id = $1', [t.reconciliationId])).toEqual([{ status: 'PARTIALLY_MATCHED', finalized_at: null }]);
    const audit = await h.db.query(`SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = 'reconciliation.reopened'`, [t.reconciliationId]);
    expect(audit).toEqual([{ actor_id: t.keyId, before: expect.objectContaining({ status: 'CLOSED', finalizedBy: t.keyId }), after: { status: 'PARTIALLY_MATCHED' } }]);
    expectProblem(await reopen(t), 409, 'reconciliation_state_invalid');
    // Open again, it takes review actions.
    expect((await h.api.post(`/v1/matches/${t.suggested}/accept`, {}, t.key)).statusCode).toBe(200);
  });

  it("another tenant's reconciliation is 404 like a random id, for finalize and reopen; a reader key is 403", async () => {
    const t = await setup();
    const intruder = await h.api.createTenant();
    for (const action of ['finalize', 'reopen']) {
      const theirs = expectProblem(await h.api.post(`/v1/reconciliations/${t.reconciliationId}/${action}`, undefined, intruder.key), 404, 'not_found');
      const random = expectProblem(await h.api.post(`/v1/reconciliations/${randomUUID()}/${action}`, undefined, intruder.key), 404, 'not_found');
      expect(theirs.detail).toBe(random.detail);
    }
    const reader = (await h.api.post('/v1/api-keys', { name: 'reader', scopes: ['reconciliations:read'] }, t.key)).json();
    expectProblem(await finalize(t, reader.secret), 403, 'insufficient_scope');
    expect(await h.db.query('SELECT status FROM reconciliations WHERE id = $1', [t.reconciliationId])).toEqual([{ status: 'PARTIALLY_MATCHED' }]);
  });

  it('nothing in a CLOSED reconciliation changes: every write route answers 409 reconciliation_closed', async () => {
    const t = await setup();
    expect((await finalize(t)).statusCode).toBe(200);
    const before = { review: await reviewState(h, t.reconciliationId), tables: await h.db.snapshot(), row: await h.db.query('SELECT * FROM reconciliations WHERE id = $1', [t.reconciliationId]) };
    const r = `/v1/reconciliations/${t.reconciliationId}`;
    const writes: [string, string, unknown?][] = [
      ['PATCH', r, { note: 'late' }],
      ['DELETE', r],
      ['POST', `${r}/statement-entries`, { entries: [{ externalId: 'LATE', amount: '1.00', currency: 'BRL', date: '2026-01-10' }] }],
      ['POST', `${r}/submit`],
      ['POST', `${r}/auto-match`],
      ['POST', `${r}/finalize`],
      ['POST', `${r}/manual-match`, { statementEntryIds: [t.s.S1], ledgerEntryIds: [t.l.L1] }],
      ['POST', `/v1/matches/${t.suggested}/accept`, {}],
      ['POST', `/v1/matches/${t.suggested}/reject`, {}],
      ['POST', `/v1/matches/${t.accepted}/unmatch`, {}],
      ['PATCH', `/v1/matches/${t.accepted}`, { note: 'late' }],
      ['POST', `/v1/statement-entries/${t.s.S1}/close`, { reason: 'OTHER' }],
      ['POST', `/v1/statement-entries/${t.s.S3}/reopen`, {}],
    ];
    for (const [method, url, body] of writes) {
      const response = await h.api.request(method as 'POST', url, body, { key: t.key });
      expect({ method, url, status: response.statusCode, code: response.json().code }).toEqual({ method, url, status: 409, code: 'reconciliation_closed' });
    }
    const after = { review: await reviewState(h, t.reconciliationId), tables: await h.db.snapshot(), row: await h.db.query('SELECT * FROM reconciliations WHERE id = $1', [t.reconciliationId]) };
    expect(after).toEqual(before);
  });
});
