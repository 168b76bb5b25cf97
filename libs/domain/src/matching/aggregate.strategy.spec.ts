import { DEFAULT_MATCHING_RULES, type MatchingRules } from '../matching-rules';
import { AGGREGATE_AMBIGUOUS_CONFIDENCE, AGGREGATE_CONFIDENCE } from './aggregate.strategy';
import { matchEntries } from './match-entries';
import type { LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';

const st = (id: string, amount: bigint, extra: Partial<StatementItem> = {}): StatementItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: null, status: null, releaseType: null, ...extra,
});
const le = (id: string, amount: bigint, extra: Partial<LedgerItem> = {}): LedgerItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: `EXT-${id}`, description: null, status: null, kind: 'ORDER', ...extra,
});
const run = (statement: StatementItem[], ledger: LedgerItem[], rules: Partial<MatchingRules> = {}, input: Partial<MatchingInput> = {}): MatchingResult =>
  matchEntries({ statement, ledger, rules: { ...DEFAULT_MATCHING_RULES, strategies: ['AGGREGATE'], ...rules }, ...input });
const groups = (result: MatchingResult) => result.matches.map((m) => `${m.statementIds.join('+')}=${m.ledgerIds.join('+')}`);

describe('aggregate strategy', () => {
  it('matches one payout to the several orders it settles (one statement, many ledger) and explains it', () => {
    const result = run(
      [st('payout', 6_000n, { date: '2026-01-12' })],
      [le('o1', 1_000n, { date: '2026-01-09' }), le('o2', 2_000n), le('o3', 3_000n, { date: '2026-01-11' }), le('o4', 2_500n)],
    );
    expect(result.matches).toEqual([
      {
        statementIds: ['payout'],
        ledgerIds: ['o1', 'o2', 'o3'],
        rule: 'AGGREGATE',
        confidence: AGGREGATE_CONFIDENCE,
        status: 'SUGGESTED',
        currency: 'BRL',
        statementTotal: 6_000n,
        ledgerTotal: 6_000n,
        difference: 0n,
        withinTolerance: true,
        explanation: [
          { name: 'currency', passed: true, detail: { currency: 'BRL' } },
          { name: 'amount', passed: true, detail: { difference: '0', tolerance: '0' } },
          { name: 'date', passed: true, detail: { maxDistanceDays: 3, windowDays: 3 } },
          { name: 'aggregate', passed: true, detail: { direction: 'ONE_STATEMENT_MANY_LEDGER', groupSize: 3, candidates: 4, unique: true } },
        ],
      },
    ]);
    expect(result.unmatchedLedgerIds).toEqual(['o4']);
    expect(result.stats.AGGREGATE).toEqual({ matches: 1, statementEntries: 1, ledgerEntries: 3 });
  });

  it('matches an order paid in parts (one ledger, many statement)', () => {
    const result = run([st('p1', 6_000n), st('p2', 4_000n, { date: '2026-01-13' }), st('p3', 7_000n)], [le('order', 10_000n)]);
    expect(groups(result)).toEqual(['p1+p2=order']);
    expect(result.matches[0].explanation[3].detail.direction).toBe('ONE_LEDGER_MANY_STATEMENT');
  });

  it('finds the subset where a greedy first fit fails', () => {
    // largest first: 60 leaves 40, which nothing fits; 50 + 50 is the answer
    const result = run([st('payout', 100n)], [le('a', 60n), le('b', 50n), le('c', 50n)]);
    expect(groups(result)).toEqual(['payout=b+c']);
    expect(result.matches[0].confidence).toBe(AGGREGATE_CONFIDENCE);
  });

  it('finds a group needing smaller items past larger ones that fit', () => {
    // 45 + 30 + 25 = 100, while 45 + 40 leaves 15 that nothing fits
    const result = run([st('payout', 100n)], [le('a', 45n), le('b', 40n), le('c', 30n), le('d', 25n), le('e', 12n)], { maxGroupSize: 3 });
    expect(groups(result)).toEqual(['payout=a+c+d']);
  });

  it('prefers the smallest group and marks a choice between equally small groups as ambiguous', () => {
    const smallest = run([st('payout', 100n)], [le('a', 70n), le('b', 30n), le('c', 40n), le('d', 20n), le('e', 10n)]);
    expect(groups(smallest)).toEqual(['payout=a+b']);
    expect(smallest.matches[0].confidence).toBe(AGGREGATE_CONFIDENCE);

    const ambiguous = run([st('payout', 100n)], [le('a', 60n), le('b', 40n), le('c', 70n), le('d', 30n)]);
    expect(groups(ambiguous)).toEqual(['payout=c+d']);
    expect(ambiguous.matches[0]).toMatchObject({ confidence: AGGREGATE_AMBIGUOUS_CONFIDENCE, status: 'SUGGESTED' });
    expect(ambiguous.matches[0].explanation[3]).toMatchObject({ passed: false, detail: { unique: false } });
  });

  it('uses every entry once across all groups', () => {
    const result = run([st('p1', 100n), st('p2', 100n, { description: 'second' })], [le('a', 50n), le('b', 50n), le('c', 50n), le('d', 50n)]);
    expect(result.matches).toHaveLength(2);
    const ledger = result.matches.flatMap((m) => m.ledgerIds);
    expect(new Set(ledger).size).toBe(4);
  });

  it('keeps every part within the date window of the single entry, and within maxGroupSize', () => {
    expect(run([st('payout', 300n, { date: '2026-01-10' })], [le('a', 100n, { date: '2026-01-14' }), le('b', 200n)]).matches).toEqual([]);
    expect(run([st('payout', 300n, { date: '2026-01-10' })], [le('a', 100n, { date: '2026-01-13' }), le('b', 200n)]).matches).toHaveLength(1);
    const parts = [le('a', 100n), le('b', 100n, { description: 'b' }), le('c', 100n, { description: 'c' })];
    expect(run([st('payout', 300n)], parts, { maxGroupSize: 2 }).matches).toEqual([]);
    expect(run([st('payout', 300n)], parts, { maxGroupSize: 3 }).matches).toHaveLength(1);
  });

  it('never mixes currencies or signs', () => {
    expect(run([st('payout', 300n)], [le('a', 100n, { currency: 'USD' }), le('b', 200n)]).matches).toEqual([]);
    expect(run([st('payout', 300n)], [le('a', 400n), le('b', -100n)]).matches).toEqual([]);
    expect(groups(run([st('refund', -300n)], [le('a', -100n), le('b', -200n)]))).toEqual(['refund=a+b']);
  });

  it('matches within the tolerance, with a lower confidence towards its edge', () => {
    const result = run([st('payout', 5_998n)], [le('a', 2_000n), le('b', 4_000n)], { amountTolerance: 4n });
    expect(result.matches[0]).toMatchObject({ difference: -2n, withinTolerance: true, confidence: AGGREGATE_CONFIDENCE - 5 });
    expect(run([st('payout', 5_995n)], [le('a', 2_000n), le('b', 4_000n)], { amountTolerance: 4n }).matches).toEqual([]);
  });

  it('never puts a rejected pair in a group', () => {
    const result = run([st('payout', 300n)], [le('a', 100n), le('b', 200n), le('c', 100n, { description: 'c' })], {}, { rejectedPairs: new Set(['payout|a']) });
    expect(groups(result)).toEqual(['payout=b+c']);
  });

  it('stops cleanly when the search budget is spent, and says so', () => {
    const statement = [st('payout', 1_000n)];
    const ledger = Array.from({ length: 30 }, (_, i) => le(`l${String(i).padStart(2, '0')}`, BigInt(7 + i * 13)));
    const starved = run(statement, ledger, {}, { aggregateBudget: 20 });
    expect(starved.stats.aggregateBudgetExhausted).toBe(true);
    expect(starved.matches).toEqual([]);
    expect(starved.unmatchedStatementIds).toEqual(['payout']);
    expect(starved.unmatchedLedgerIds).toHaveLength(30);

    const enough = run([st('payout', 300n)], [le('a', 100n), le('b', 200n)]);
    expect(enough.stats.aggregateBudgetExhausted).toBe(false);
  });

  it('does not carry a solution over to a later target whose pool cannot reach it', () => {
    // 300 = 250 + 50 (pool positions 0 and 2); then 40 has a pool of 20 + 10 that falls short
    const result = run([st('big', 300n), st('small', 40n)], [le('a', 250n), le('b', 60n), le('c', 50n), le('d', 20n), le('e', 10n)]);
    expect(groups(result)).toEqual(['big=a+c']);
    expect(result.unmatchedStatementIds).toEqual(['small']);
  });

  it('only sees what the other strategies left', () => {
    const result = matchEntries({
      statement: [st('s1', 300n, { references: ['PED-1'] }), st('s2', 300n, { date: '2026-01-11' })],
      ledger: [le('l1', 300n, { externalId: 'PED-1' }), le('l2', 100n), le('l3', 200n)],
      rules: DEFAULT_MATCHING_RULES,
    });
    expect(result.matches.map((m) => `${m.rule}:${m.statementIds}=${m.ledgerIds}`)).toEqual(['REFERENCE:s1=l1', 'AGGREGATE:s2=l2,l3']);
  });
});
