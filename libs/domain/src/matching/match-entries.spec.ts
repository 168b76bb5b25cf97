import { DomainError } from '../errors/domain-error';
import { DEFAULT_MATCHING_RULES, type MatchingRules } from '../matching-rules';
import { matchEntries } from './match-entries';
import { MatchList } from './match-list';
import type { LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';

const st = (id: string, amount: bigint, extra: Partial<StatementItem> = {}): StatementItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: null, status: null, releaseType: null, ...extra,
});
const le = (id: string, amount: bigint, extra: Partial<LedgerItem> = {}): LedgerItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: `EXT-${id}`, description: null, status: 'PAID', kind: 'ORDER', ...extra,
});
const run = (statement: StatementItem[], ledger: LedgerItem[], rules: Partial<MatchingRules> = {}, input: Partial<MatchingInput> = {}): MatchingResult =>
  matchEntries({ statement, ledger, rules: { ...DEFAULT_MATCHING_RULES, ...rules }, ...input });

describe('matchEntries: the outcome', () => {
  it('reports what stays unmatched: MISSING per ledger entry, UNEXPECTED per statement entry, lists sorted by id', () => {
    const result = run([st('s2', 50n), st('s1', -20_000n, { date: '2026-01-01' })], [le('l1', 777n, { date: '2026-02-20', externalId: 'PED-9' })]);
    expect(result.matches).toEqual([]);
    expect(result.unmatchedStatementIds).toEqual(['s1', 's2']);
    expect(result.unmatchedLedgerIds).toEqual(['l1']);
    expect(result.discrepancies).toEqual([
      { type: 'UNEXPECTED_STATEMENT_ENTRY', severity: 'CRITICAL', amount: 20_000n, currency: 'BRL', statementIds: ['s1'], ledgerIds: [], matchIndex: null, detail: expect.stringContaining('-20000') },
      { type: 'UNEXPECTED_STATEMENT_ENTRY', severity: 'INFO', amount: 50n, currency: 'BRL', statementIds: ['s2'], ledgerIds: [], matchIndex: null, detail: expect.any(String) },
      { type: 'MISSING_STATEMENT_ENTRY', severity: 'WARNING', amount: 777n, currency: 'BRL', statementIds: [], ledgerIds: ['l1'], matchIndex: null, detail: expect.stringContaining('PED-9') },
    ]);
  });

  it('grades severity on the absolute amount against the account thresholds, inclusive', () => {
    const rules = { severityWarningAmount: 100n, severityCriticalAmount: 10_000n, strategies: [] };
    const severity = (amount: bigint) => run([st('s1', amount)], [], rules).discrepancies[0].severity;
    expect([99n, 100n, 9_999n, 10_000n, -99n, -100n, -10_000n, 0n].map(severity)).toEqual(['INFO', 'WARNING', 'WARNING', 'CRITICAL', 'INFO', 'WARNING', 'CRITICAL', 'INFO']);
  });

  it('raises STATUS_MISMATCH when money arrived for a cancelled, refunded or voided order (any case)', () => {
    for (const status of ['CANCELLED', 'canceled', ' Refunded ', 'VOIDED']) {
      const result = run([st('s1', 5_000n, { references: ['PED-1'] })], [le('l1', 5_000n, { externalId: 'PED-1', status })]);
      expect(result.matches).toHaveLength(1);
      expect(result.discrepancies).toEqual([
        expect.objectContaining({ type: 'STATUS_MISMATCH', matchIndex: 0, amount: 5_000n, severity: 'WARNING', statementIds: ['s1'], ledgerIds: ['l1'], detail: expect.stringContaining(`l1 (${status})`) }),
      ]);
    }
  });

  it('does not raise STATUS_MISMATCH for live orders, or when nothing arrived net (sale and its refund)', () => {
    expect(run([st('s1', 5_000n, { references: ['PED-1'] })], [le('l1', 5_000n, { externalId: 'PED-1', status: 'PAID' })]).discrepancies).toEqual([]);
    const netZero = run(
      [st('s1', 5_000n, { references: ['PED-1'], releaseType: 'SALE' }), st('s2', -5_000n, { references: ['PED-1'], releaseType: 'RETURN_SALE' })],
      [le('l1', 0n, { externalId: 'PED-1', status: 'CANCELLED' })],
    );
    expect(netZero.matches).toHaveLength(1);
    expect(netZero.discrepancies).toEqual([]);
  });

  it('raises STATUS_MISMATCH the other way round: the statement says the money went back while the order is live', () => {
    const result = run([st('s1', 5_000n, { references: ['PED-1'], status: 'reversed' })], [le('l1', 5_000n, { externalId: 'PED-1' })]);
    expect(result.discrepancies).toEqual([expect.objectContaining({ type: 'STATUS_MISMATCH', matchIndex: 0, amount: 5_000n, detail: expect.stringContaining('s1 (reversed)') })]);
  });

  it('points mismatches at the right match', () => {
    const result = run(
      [st('s1', 100n, { references: ['A'] }), st('s2', 90n, { references: ['B'] })],
      [le('l1', 100n, { externalId: 'A' }), le('l2', 100n, { externalId: 'B', status: 'Cancelled' })],
    );
    expect(result.discrepancies.map((d) => [d.type, d.matchIndex, d.matchIndex === null ? null : result.matches[d.matchIndex].ledgerIds[0]])).toEqual([
      ['AMOUNT_MISMATCH', 1, 'l2'],
      ['STATUS_MISMATCH', 1, 'l2'],
    ]);
  });

  it('excludes locked entries from everything: not matched, not orphans', () => {
    const result = run([st('s1', 100n, { references: ['A'] }), st('s2', 100n)], [le('l1', 100n, { externalId: 'A' }), le('l2', 300n)], {}, {
      lockedStatementIds: new Set(['s1']),
      lockedLedgerIds: new Set(['l2']),
    });
    // s2 and l1 are free: same amount and day
    expect(result.matches).toEqual([expect.objectContaining({ rule: 'AMOUNT_DATE', statementIds: ['s2'], ledgerIds: ['l1'] })]);
    const mentioned = [...result.unmatchedStatementIds, ...result.unmatchedLedgerIds, ...result.discrepancies.flatMap((d) => [...d.statementIds, ...d.ledgerIds])];
    expect(mentioned).not.toContain('s1');
    expect(mentioned).not.toContain('l2');
  });

  it('runs only the enabled strategies, always in the order REFERENCE, AMOUNT_DATE, AGGREGATE', () => {
    const statement = [st('s1', 100n, { references: ['A'] }), st('s2', 300n)];
    const ledger = [le('l1', 100n, { externalId: 'A' }), le('l2', 100n), le('l3', 200n)];
    const rules = (strategies: MatchingRules['strategies']) => run(statement, ledger, { strategies }).matches.map((m) => m.rule);
    expect(rules(['AGGREGATE', 'REFERENCE'])).toEqual(['REFERENCE', 'AGGREGATE']);
    expect(rules(['AMOUNT_DATE'])).toEqual(['AMOUNT_DATE']);
    expect(rules([])).toEqual([]);
  });

  it('counts matches and entries per rule', () => {
    const result = run(
      [st('s1', 100n, { references: ['A'] }), st('s2', 30n, { references: ['A'] }), st('s3', 555n), st('s4', 300n, { date: '2026-01-12' })],
      [le('l1', 130n, { externalId: 'A' }), le('l2', 555n), le('l3', 100n), le('l4', 200n)],
    );
    expect(result.stats).toEqual({
      REFERENCE: { matches: 1, statementEntries: 2, ledgerEntries: 1 },
      AMOUNT_DATE: { matches: 1, statementEntries: 1, ledgerEntries: 1 },
      AGGREGATE: { matches: 1, statementEntries: 1, ledgerEntries: 2 },
      aggregateBudgetExhausted: false,
    });
  });

  it('gives the same result whatever the order of the input', () => {
    const statement = [
      st('s1', 100n, { references: ['A'] }),
      st('s2', 100n),
      st('s3', 100n, { date: '2026-01-11' }),
      st('s4', 300n),
      st('s5', 100n, { references: ['A'] }),
      st('s6', 80n, { references: ['C'], currency: 'USD' }),
    ];
    const ledger = [le('l1', 200n, { externalId: 'A' }), le('l2', 100n), le('l3', 100n, { date: '2026-01-12' }), le('l4', 150n), le('l5', 150n), le('l6', 80n, { externalId: 'C' })];
    const expected = run(statement, ledger);
    expect(run([...statement].reverse(), [...ledger].reverse())).toEqual(expected);
    expect(run([statement[3], statement[0], statement[5], statement[1], statement[4], statement[2]], [ledger[2], ledger[5], ledger[0], ledger[4], ledger[1], ledger[3]])).toEqual(expected);
  });

  it('does not modify its input', () => {
    const statement = [st('s2', 100n, { references: ['A'] }), st('s1', 100n)];
    const ledger = [le('l2', 100n, { externalId: 'A' }), le('l1', 100n)];
    const copy = JSON.stringify([statement, ledger], (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    run(statement, ledger);
    expect(JSON.stringify([statement, ledger], (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(copy);
  });

  it('refuses invalid dates and repeated ids with a DomainError', () => {
    expect(() => run([st('s1', 1n, { date: '2026-02-30' })], [])).toThrow(expect.objectContaining({ code: 'date_invalid' }));
    expect(() => run([], [le('l1', 1n), le('l1', 2n)])).toThrow(DomainError);
    expect(() => run([], [le('l1', 1n), le('l1', 2n)])).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('handles empty input', () => {
    expect(run([], [])).toEqual({
      matches: [],
      matchList: expect.any(MatchList),
      discrepancies: [],
      unmatchedStatementIds: [],
      unmatchedLedgerIds: [],
      outsideMatches: { statement: [], ledger: [] },
      stats: {
        REFERENCE: { matches: 0, statementEntries: 0, ledgerEntries: 0 },
        AMOUNT_DATE: { matches: 0, statementEntries: 0, ledgerEntries: 0 },
        AGGREGATE: { matches: 0, statementEntries: 0, ledgerEntries: 0 },
        aggregateBudgetExhausted: false,
      },
    });
  });

  it('produces JSON-safe explanations (shared criteria are frozen, not aliased into mutable state)', () => {
    const result = run([st('s1', 100n, { references: ['A'] }), st('s2', 200n, { references: ['B'] })], [le('l1', 100n, { externalId: 'A' }), le('l2', 200n, { externalId: 'B' })]);
    expect(result.matches[0].explanation[1]).toBe(result.matches[1].explanation[1]);
    expect(Object.isFrozen(result.matches[0].explanation[1])).toBe(true);
    expect(JSON.parse(JSON.stringify(result.matches[0].explanation))).toEqual(result.matches[0].explanation);
  });
});
