import { Database, advanceLedgerVersion, computeSummary, decodeExplanation, refreshSummary } from '@concilia/persistence';
import { rejectSeededMatch, seedLedgerEntries, seedMatch, seedReconciliation, seedReconciliationOf, seedStatementEntries, startPass, type SeededReconciliation } from '@concilia/testing';
import { startMatcher, type MatcherHarness } from '../testing/matcher.harness';
import { MatchingRunService } from './matching-run.service';
import { StalledRunSweeper } from './stalled-run.sweeper';

/** The matcher end to end: jobs from the real queue, results in the real database. */
describe('matcher-worker (e2e)', () => {
  let m: MatcherHarness;

  beforeAll(async () => {
    m = await startMatcher({ MATCHER_SWEEP_INTERVAL_MS: '3600000' });
  });

  afterAll(() => m.close());

  /** A marketplace order with its releases, a bank line by amount and date, and an orphan on each side. */
  async function seedMarketplaceMonth(): Promise<{ target: SeededReconciliation; ledger: string[]; statement: string[] }> {
    const target = await seedReconciliation(m.db);
    const ledger = await seedLedgerEntries(m.db, target, [
      { externalId: 'PED-1', amount: 8000n, date: '2026-01-05', references: ['PED-1'] },
      { externalId: 'PED-2', amount: 5000n, date: '2026-01-10', description: 'order two' },
      { externalId: 'PED-3', amount: 1234n, date: '2026-01-20' },
    ]);
    const statement = await seedStatementEntries(m.db, target, [
      { externalId: 'R1', amount: 10000n, date: '2026-01-07', references: ['PED-1'], releaseType: 'SALE' },
      { externalId: 'R2', amount: -1200n, date: '2026-01-07', references: ['ped 1'], releaseType: 'COMMISSION' },
      { externalId: 'R3', amount: -800n, date: '2026-01-07', references: ['PED-1'], releaseType: 'SHIPPING' },
      { externalId: 'B1', amount: 5000n, date: '2026-01-11', description: 'order two' },
      { externalId: 'X1', amount: 777n, date: '2026-01-15' },
    ]);
    return { target, ledger, statement };
  }

  /** Starts a pass as the API does and runs it in process; `onStage` acts between its stages. */
  async function runPass(target: SeededReconciliation, onStage?: (stage: string) => Promise<void>): Promise<{ runVersion: number; outcome: string }> {
    const runVersion = await startPass(m.db, target);
    const job = { schemaVersion: 1 as const, tenantId: target.tenantId, correlationId: null, reconciliationId: target.reconciliationId, runVersion };
    return { runVersion, outcome: (await m.app.get(MatchingRunService).run(job, onStage)).outcome };
  }

  it('settles a match over several ledger entries with one settlement each, under ids of their own', async () => {
    const target = await seedReconciliation(m.db);
    const ledger = await seedLedgerEntries(m.db, target, [
      { externalId: 'INV-1', amount: 3000n, date: '2026-01-05', references: ['PAY-9'] },
      { externalId: 'INV-2', amount: 2000n, date: '2026-01-06', references: ['PAY-9'] },
    ]);
    const [credit] = await seedStatementEntries(m.db, target, [{ externalId: 'B9', amount: 5000n, date: '2026-01-07', references: ['PAY-9'], releaseType: 'SALE' }]);
    expect((await runPass(target)).outcome).toBe('completed');
    const [match] = await m.db.query<{ id: string; status: string; statement_entry_ids: string[]; ledger_entry_ids: string[] }>(
      `SELECT id, status, statement_entry_ids, ledger_entry_ids FROM matches WHERE reconciliation_id = $1`,
      [target.reconciliationId],
    );
    expect(match).toEqual({ id: expect.any(String), status: 'ACCEPTED', statement_entry_ids: [credit], ledger_entry_ids: expect.arrayContaining(ledger) });
    const settlements = await m.db.query<{ id: string; match_id: string; ledger_entry_id: string; expected_amount: string; received_amount: string; breakdown: Record<string, string> }>(
      `SELECT id, match_id, ledger_entry_id, expected_amount::text, received_amount::text, breakdown FROM settlements WHERE reconciliation_id = $1 ORDER BY ledger_entry_id`,
      [target.reconciliationId],
    );
    const [first, second] = [...ledger].sort();
    const amountOf = (id: string) => (id === ledger[0] ? '3000' : '2000');
    expect(settlements).toEqual([first, second].map((ledgerEntryId) => ({ id: expect.any(String), match_id: match.id, ledger_entry_id: ledgerEntryId, expected_amount: amountOf(ledgerEntryId), received_amount: amountOf(ledgerEntryId), breakdown: { ALLOCATED: amountOf(ledgerEntryId) } })));
    expect(new Set([match.id, ...settlements.map((settlement) => settlement.id)]).size).toBe(3);
  });

  it('runs a pass from the queue: explained matches, discrepancies, settlements, summary, run record and completion event', async () => {
    const { target, ledger, statement } = await seedMarketplaceMonth();
    const runVersion = await startPass(m.db, target);
    await m.enqueue(target, runVersion);
    expect(await m.waitForStatus(target.reconciliationId, ['COMPLETED', 'PARTIALLY_MATCHED'])).toBe('PARTIALLY_MATCHED');

    const matches = await m.db.query<{ id: string; rule: string; status: string; difference: string; statement_total: string; ledger_total: string }>(
      `SELECT id, rule, status, difference::text, statement_total::text, ledger_total::text FROM matches WHERE reconciliation_id = $1 ORDER BY rule`,
      [target.reconciliationId],
    );
    expect(matches.map((match) => [match.rule, match.status, match.statement_total, match.ledger_total, match.difference])).toEqual([
      ['AMOUNT_DATE', 'ACCEPTED', '5000', '5000', '0'],
      ['REFERENCE', 'ACCEPTED', '8000', '8000', '0'],
    ]);
    const reference = matches.find((match) => match.rule === 'REFERENCE');
    const [stored] = await m.db.query<{ explanation: unknown[] }>(`SELECT explanation FROM matches WHERE id = $1`, [reference?.id]);
    expect(stored.explanation.every((criterion) => Array.isArray(criterion))).toBe(true); // stored as tuples
    expect(decodeExplanation(stored.explanation)).toEqual([
      { name: 'reference', passed: true, detail: expect.objectContaining({ statementEntries: 3, ledgerEntries: 1 }) },
      { name: 'currency', passed: true, detail: { currency: 'BRL' } },
      { name: 'amount', passed: true, detail: { difference: '0', tolerance: '0' } },
    ]);
    const items = await m.db.query<{ entry_id: string; side: string }>(`SELECT entry_id, side FROM match_items WHERE match_id = $1 ORDER BY side, entry_id`, [reference?.id]);
    expect(items.filter((item) => item.side === 'STATEMENT').map((item) => item.entry_id).sort()).toEqual(statement.slice(0, 3).sort());
    expect(items.filter((item) => item.side === 'LEDGER').map((item) => item.entry_id)).toEqual([ledger[0]]);
    // Links are written apart from their matches (in entry id order): each is one its match lists, on its side, and none is missing.
    const [links] = await m.db.query<{ listed: string; linked: string; stray: string }>(
      `SELECT (SELECT sum(cardinality(statement_entry_ids) + cardinality(ledger_entry_ids)) FROM matches WHERE reconciliation_id = $1)::text AS listed,
              (SELECT count(*) FROM match_items WHERE reconciliation_id = $1)::text AS linked,
              (SELECT count(*) FROM match_items mi JOIN matches m ON m.id = mi.match_id
                WHERE mi.reconciliation_id = $1
                  AND NOT (mi.entry_id = ANY (CASE mi.side WHEN 'STATEMENT' THEN m.statement_entry_ids ELSE m.ledger_entry_ids END)))::text AS stray`,
      [target.reconciliationId],
    );
    expect(links).toEqual({ listed: '6', linked: '6', stray: '0' });

    const [settlement] = await m.db.query<{ breakdown: Record<string, string>; expected_amount: string; received_amount: string; id_is_match_id: boolean }>(
      `SELECT breakdown, expected_amount::text, received_amount::text, id = match_id AS id_is_match_id FROM settlements WHERE ledger_entry_id = $1`,
      [ledger[0]],
    );
    // The only settlement of its match: it has the match's id.
    expect(settlement).toEqual({ breakdown: { COMMISSION: '-1200', SALE: '10000', SHIPPING: '-800' }, expected_amount: '8000', received_amount: '8000', id_is_match_id: true });

    const discrepancies = await m.db.query<{ type: string; amount: string; ledger_entry_ids: string[]; statement_entry_ids: string[] }>(
      `SELECT type, amount::text, ledger_entry_ids, statement_entry_ids FROM discrepancies WHERE reconciliation_id = $1 ORDER BY type`,
      [target.reconciliationId],
    );
    expect(discrepancies).toEqual([
      { type: 'MISSING_STATEMENT_ENTRY', amount: '1234', ledger_entry_ids: [ledger[2]], statement_entry_ids: [] },
      { type: 'UNEXPECTED_STATEMENT_ENTRY', amount: '777', ledger_entry_ids: [], statement_entry_ids: [statement[4]] },
    ]);

    const [reconciliation] = await m.db.query<{ summary: Record<string, unknown>; progress: unknown; last_matched_at: Date | null }>(
      `SELECT summary, progress, last_matched_at FROM reconciliations WHERE id = $1`,
      [target.reconciliationId],
    );
    expect(reconciliation.progress).toBeNull();
    expect(reconciliation.last_matched_at).not.toBeNull();
    expect(reconciliation.summary).toMatchObject({
      statementEntries: { count: 5, amount: '137.77' },
      ledgerEntries: { count: 3, amount: '142.34' },
      matched: { count: 2, amount: '130.00' },
      suggested: { count: 0 },
      unmatchedStatement: { count: 1, amount: '7.77' },
      unmatchedLedger: { count: 1, amount: '12.34' },
      discrepancies: { open: 2, resolved: 0, ignored: 0 },
    });
    const [run] = await m.db.query<{ status: string; rules_snapshot: Record<string, unknown> }>(`SELECT status, rules_snapshot FROM matching_runs WHERE reconciliation_id = $1`, [target.reconciliationId]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.rules_snapshot).toMatchObject({ dateWindowDays: 3, amountTolerance: '0' });
    const events = await m.db.query<{ type: string; data: Record<string, unknown> }>(`SELECT type, data FROM events WHERE tenant_id = $1`, [target.tenantId]);
    expect(events).toEqual([{ type: 'reconciliation.completed', data: expect.objectContaining({ reconciliationId: target.reconciliationId, status: 'PARTIALLY_MATCHED' }) }]);
    expect(await m.db.count('outbox', `tenant_id = $1 AND queue = 'webhook-dispatch'`, [target.tenantId])).toBe(1);
  });

  it('ignores a job for an older pass and a job delivered twice: one effect', async () => {
    const { target } = await seedMarketplaceMonth();
    const first = await startPass(m.db, target);
    const current = await startPass(m.db, target);
    const runs = m.app.get(MatchingRunService);
    const job = { schemaVersion: 1 as const, tenantId: target.tenantId, correlationId: null, reconciliationId: target.reconciliationId };
    expect((await runs.run({ ...job, runVersion: first })).outcome).toBe('stale');
    expect(await m.db.count('matches', 'reconciliation_id = $1', [target.reconciliationId])).toBe(0);
    expect((await runs.run({ ...job, runVersion: current })).outcome).toBe('completed');
    const matches = await m.db.count('matches', 'reconciliation_id = $1', [target.reconciliationId]);
    expect((await runs.run({ ...job, runVersion: current })).outcome).toBe('stale');
    expect(await m.db.count('matches', 'reconciliation_id = $1', [target.reconciliationId])).toBe(matches);
    expect(await m.db.count('events', 'tenant_id = $1', [target.tenantId])).toBe(1);
  });

  it('refuses the late write of a pass that lost its token (a zombie), leaving no results', async () => {
    const { target } = await seedMarketplaceMonth();
    const { outcome } = await runPass(target, async (stage) => {
      // A newer pass is requested while this one computes: its token is no longer current.
      if (stage === 'writing') await m.db.query('UPDATE reconciliations SET run_version = run_version + 1 WHERE id = $1', [target.reconciliationId]);
    });
    expect(outcome).toBe('fenced_out');
    expect(await m.db.count('matches', 'reconciliation_id = $1', [target.reconciliationId])).toBe(0);
    expect(await m.db.count('discrepancies', 'reconciliation_id = $1', [target.reconciliationId])).toBe(0);
    expect(await m.db.count('events', 'tenant_id = $1', [target.tenantId])).toBe(0);
  });

  it('runs a follow-up pass when entries arrived during the pass, before reporting', async () => {
    const { target } = await seedMarketplaceMonth();
    const { runVersion, outcome } = await runPass(target, async (stage) => {
      if (stage !== 'writing') return;
      await seedStatementEntries(m.db, target, [{ externalId: 'LATE', amount: 1234n, date: '2026-01-20' }]);
      await m.db.query('UPDATE reconciliations SET rematch_requested = true WHERE id = $1', [target.reconciliationId]);
    });
    expect(outcome).toBe('follow_up');
    const [row] = await m.db.query<{ status: string; run_version: number }>('SELECT status, run_version FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(row).toEqual({ status: 'PROCESSING', run_version: runVersion + 1 });
    expect(await m.db.count('events', 'tenant_id = $1', [target.tenantId])).toBe(0);
    // The follow-up job was published after commit; the worker picks it up and matches the late entry.
    expect(await m.waitForStatus(target.reconciliationId, ['COMPLETED', 'PARTIALLY_MATCHED'])).toBe('PARTIALLY_MATCHED');
    const [summary] = await m.db.query<{ summary: { unmatchedLedger: { count: number } } }>('SELECT summary FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(summary.summary.unmatchedLedger.count).toBe(0);
    expect(await m.db.count('events', `tenant_id = $1 AND type = 'reconciliation.completed'`, [target.tenantId])).toBe(1);
  });

  /** Where the pass's ledger totals came from: its own read, or the database at commit. */
  async function ledgerSideFromRead(target: SeededReconciliation, runVersion: number): Promise<unknown> {
    const [run] = await m.db.query<{ stats: { ledgerSideFromRead?: boolean } }>('SELECT stats FROM matching_runs WHERE reconciliation_id = $1 AND run_version = $2', [
      target.reconciliationId,
      runVersion,
    ]);
    return run.stats.ledgerSideFromRead;
  }

  const recomputedSummary = (target: SeededReconciliation) => m.app.get(Database).transaction((tx) => computeSummary(tx, target.reconciliationId));

  it('counts ledger entries posted to the account during a pass in its summary, as the database has them at commit', async () => {
    const { target } = await seedMarketplaceMonth();
    const { outcome, runVersion } = await runPass(target, async (stage) => {
      if (stage === 'writing') await seedLedgerEntries(m.db, target, [{ externalId: 'PED-LATE', amount: 4321n, date: '2026-01-25' }]);
    });
    expect(outcome).toBe('completed');
    const [stored] = await m.db.query<{ summary: Record<string, unknown> }>('SELECT summary FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(stored.summary).toMatchObject({ ledgerEntries: { count: 4, amount: '185.55' }, unmatchedLedger: { count: 2, amount: '55.55' } });
    expect(stored.summary).toEqual((await recomputedSummary(target)).summary);
    expect(await ledgerSideFromRead(target, runVersion)).toBe(false);
  });

  it('recounts its ledger side at commit when the matching rules were replaced as the pass began (the date window sets the reach)', async () => {
    const { target } = await seedMarketplaceMonth();
    await seedLedgerEntries(m.db, target, [{ externalId: 'PED-FEB', amount: 999n, date: '2026-02-03' }]); // in reach with a 3-day window only
    const { outcome, runVersion } = await runPass(target, async (stage) => {
      if (stage !== 'reading') return;
      // As PUT /v1/accounts/{id}/matching-rules does, after the pass took its rules.
      await m.db.query('UPDATE matching_rules SET date_window_days = 0 WHERE account_id = $1', [target.accountId]);
      await advanceLedgerVersion(m.db, target.accountId);
    });
    expect(outcome).toBe('completed');
    expect(await ledgerSideFromRead(target, runVersion)).toBe(false);
    const [stored] = await m.db.query<{ summary: Record<string, unknown> }>('SELECT summary FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(stored.summary).toMatchObject({ ledgerEntries: { count: 3 } });
    expect(stored.summary).toEqual((await recomputedSummary(target)).summary);
  });

  it("recounts its ledger side at commit when another reconciliation's match took an entry of the account during the pass", async () => {
    const { target, ledger } = await seedMarketplaceMonth();
    const other = await seedReconciliationOf(m.db, target, { periodStart: '2026-02-01', periodEnd: '2026-02-28' });
    const { outcome, runVersion } = await runPass(target, async (stage) => {
      if (stage !== 'writing') return;
      // As a manual match in the other reconciliation does: the orphan order PED-3 is now held there.
      await seedMatch(m.db, other, { statement: [], ledger: [ledger[2]] }, { status: 'ACCEPTED', method: 'MANUAL', rule: 'MANUAL' });
      await m.app.get(Database).transaction((tx) => refreshSummary(tx, other.reconciliationId));
    });
    expect(outcome).toBe('completed');
    expect(await ledgerSideFromRead(target, runVersion)).toBe(false);
    const [stored] = await m.db.query<{ summary: Record<string, unknown> }>('SELECT summary FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(stored.summary).toMatchObject({ ledgerEntries: { count: 2 }, unmatchedLedger: { count: 0 } });
    expect(stored.summary).toEqual((await recomputedSummary(target)).summary);
  });

  it("matches a statement entry by its external id only where the account's rules use external ids as references", async () => {
    // Too far apart in amount and date for the other strategies: only the shared id can pair them.
    const entries = async (target: SeededReconciliation) => {
      await seedLedgerEntries(m.db, target, [{ externalId: 'INV-77', amount: 4000n, date: '2026-01-05' }]);
      await seedStatementEntries(m.db, target, [{ externalId: 'inv 77', amount: 3900n, date: '2026-01-20' }]);
    };
    const byReference = async (target: SeededReconciliation) =>
      m.db.query<{ rule: string; difference: string }>('SELECT rule, difference::text FROM matches WHERE reconciliation_id = $1', [target.reconciliationId]);

    const withoutRule = await seedReconciliation(m.db);
    await entries(withoutRule);
    expect((await runPass(withoutRule)).outcome).toBe('completed');
    expect(await byReference(withoutRule)).toEqual([]);

    const withRule = await seedReconciliation(m.db, { rules: { use_external_id_as_reference: true } });
    await entries(withRule);
    expect((await runPass(withRule)).outcome).toBe('completed');
    expect(await byReference(withRule)).toEqual([{ rule: 'REFERENCE', difference: '-100' }]);
  });

  it('keeps accepted matches and never re-proposes a rejected pair when matching again', async () => {
    const { target, ledger, statement } = await seedMarketplaceMonth();
    expect((await runPass(target)).outcome).toBe('completed');
    const [byAmount] = await m.db.query<{ id: string }>(`SELECT id FROM matches WHERE reconciliation_id = $1 AND rule = 'AMOUNT_DATE'`, [target.reconciliationId]);
    const [byReference] = await m.db.query<{ id: string }>(`SELECT id FROM matches WHERE reconciliation_id = $1 AND rule = 'REFERENCE'`, [target.reconciliationId]);
    // A person rejects the amount/date match.
    await rejectSeededMatch(m.db, byAmount.id);

    expect((await runPass(target)).outcome).toBe('completed');
    const active = await m.db.query<{ id: string; rule: string }>(`SELECT id, rule FROM matches WHERE reconciliation_id = $1 AND status IN ('ACCEPTED', 'SUGGESTED')`, [target.reconciliationId]);
    expect(active).toEqual([{ id: byReference.id, rule: 'REFERENCE' }]);
    const pairs = await m.db.query(`SELECT 1 FROM match_items s JOIN match_items l ON l.match_id = s.match_id WHERE s.entry_id = $1 AND l.entry_id = $2`, [
      statement[3],
      ledger[1],
    ]);
    expect(pairs).toHaveLength(0);
  });

  it('writes the same summary as one recomputed from the stored rows, across kept, rejected, closed, foreign and held entries', async () => {
    const { target, statement } = await seedMarketplaceMonth();
    expect((await runPass(target)).outcome).toBe('completed');
    // A person rejects the amount/date match and closes the orphan; a reviewed discrepancy stays.
    const [byAmount] = await m.db.query<{ id: string }>(`SELECT id FROM matches WHERE reconciliation_id = $1 AND rule = 'AMOUNT_DATE'`, [target.reconciliationId]);
    await rejectSeededMatch(m.db, byAmount.id);
    await m.db.query(`UPDATE statement_entries SET closed_at = now(), closed_reason = 'test' WHERE id = $1`, [statement[4]]);
    await m.db.query(`UPDATE discrepancies SET resolution = 'IGNORED', status = 'CLOSED' WHERE reconciliation_id = $1 AND type = 'MISSING_STATEMENT_ENTRY'`, [target.reconciliationId]);
    // New entries: a repeat, one in another currency, a pair outside the tolerance, and a ledger entry another reconciliation holds.
    await seedStatementEntries(m.db, target, [
      { amount: 5000n, date: '2026-01-11', description: 'order two' },
      { amount: 4200n, currency: 'USD', date: '2026-01-12' },
      { amount: 9900n, date: '2026-01-25', references: ['PED-9'] },
    ]);
    const [held] = await seedLedgerEntries(m.db, target, [
      { externalId: 'PED-8', amount: 300n, date: '2026-01-26' },
      { externalId: 'PED-9', amount: 9000n, date: '2026-01-25', references: ['PED-9'] },
    ]);
    const other = await seedReconciliation(m.db);
    await seedMatch(m.db, other, { statement: [], ledger: [held] }, { status: 'ACCEPTED', method: 'MANUAL', rule: 'MANUAL' });

    const last = await runPass(target);
    expect(last.outcome).toBe('completed');
    expect(await ledgerSideFromRead(target, last.runVersion)).toBe(true);
    const [stored] = await m.db.query<{ summary: Record<string, unknown> }>('SELECT summary FROM reconciliations WHERE id = $1', [target.reconciliationId]);
    expect(stored.summary).toEqual((await recomputedSummary(target)).summary);
    expect(stored.summary).toMatchObject({
      statementEntries: { count: 8 },
      ledgerEntries: { count: 4 },
      amountMismatch: { count: 1, amount: '9.00' },
      discrepancies: { ignored: 1 },
    });
  });

  it('re-queues a PROCESSING run whose job vanished (Redis flushed), and the run ends', async () => {
    const { target } = await seedMarketplaceMonth();
    await startPass(m.db, target);
    await m.db.query(`UPDATE reconciliations SET updated_at = now() - interval '1 hour' WHERE id = $1`, [target.reconciliationId]);
    expect(await m.app.get(StalledRunSweeper).sweepOnce(60_000)).toBeGreaterThanOrEqual(1);
    expect(await m.waitForStatus(target.reconciliationId, ['COMPLETED', 'PARTIALLY_MATCHED'])).toBe('PARTIALLY_MATCHED');
  });
});
