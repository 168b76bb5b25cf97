import { DEFAULT_MATCHING_RULES, type MatchingRules } from '../matching-rules';
import { amountDateConfidence, TIE_PENALTY } from './amount-date.strategy';
import { matchEntries } from './match-entries';
import type { Criterion, LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';

const st = (id: string, amount: bigint, extra: Partial<StatementItem> = {}): StatementItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: null, status: null, releaseType: null, ...extra,
});
const le = (id: string, amount: bigint, extra: Partial<LedgerItem> = {}): LedgerItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: `EXT-${id}`, description: null, status: null, kind: 'INVOICE', ...extra,
});
const run = (statement: StatementItem[], ledger: LedgerItem[], rules: Partial<MatchingRules> = {}, input: Partial<MatchingInput> = {}): MatchingResult =>
  matchEntries({ statement, ledger, rules: { ...DEFAULT_MATCHING_RULES, strategies: ['AMOUNT_DATE'], ...rules }, ...input });
const pairs = (result: MatchingResult) => result.matches.map((m) => `${m.statementIds.join('+')}=${m.ledgerIds.join('+')}`);
const criterion = (result: MatchingResult, index: number, name: string): Criterion | undefined => result.matches[index].explanation.find((c) => c.name === name);

describe('amountDateConfidence', () => {
  it('is 95 for an exact amount on the same day, falls towards the window and tolerance edges, and rises with similarity', () => {
    expect(amountDateConfidence(0, 3, 0n, 0n, 0)).toBe(95);
    expect(amountDateConfidence(1, 3, 0n, 0n, 0)).toBe(90);
    expect(amountDateConfidence(3, 3, 0n, 0n, 0)).toBe(80);
    expect(amountDateConfidence(3, 3, 10n, 10n, 0)).toBe(70);
    expect(amountDateConfidence(0, 3, 5n, 10n, 0)).toBe(90);
    expect(amountDateConfidence(0, 3, 0n, 0n, 1)).toBe(99);
    expect(amountDateConfidence(0, 0, 0n, 0n, 0.5)).toBe(97);
  });
});

describe('amount and date strategy', () => {
  it('matches an exact amount on the same day (95, ACCEPTED) and explains it', () => {
    const result = run([st('s1', 12_345n)], [le('l1', 12_345n)]);
    expect(result.matches).toEqual([
      {
        statementIds: ['s1'],
        ledgerIds: ['l1'],
        rule: 'AMOUNT_DATE',
        confidence: 95,
        status: 'ACCEPTED',
        currency: 'BRL',
        statementTotal: 12_345n,
        ledgerTotal: 12_345n,
        difference: 0n,
        withinTolerance: true,
        explanation: [
          { name: 'currency', passed: true, detail: { currency: 'BRL' } },
          { name: 'amount', passed: true, detail: { difference: '0', tolerance: '0' } },
          { name: 'date', passed: true, detail: { distanceDays: 0, windowDays: 3 } },
          { name: 'similarity', passed: false, detail: { score: 0 } },
          { name: 'uniqueness', passed: true, detail: { statementCandidates: 1, ledgerCandidates: 1, tie: false } },
        ],
      },
    ]);
  });

  it('accepts dates up to the window edge, inclusive, in both directions, and nothing beyond', () => {
    const at = (date: string, window = 3) => run([st('s1', 100n, { date })], [le('l1', 100n, { date: '2026-01-10' })], { dateWindowDays: window });
    expect(at('2026-01-13').matches[0]).toMatchObject({ confidence: 80, status: 'SUGGESTED' });
    expect(at('2026-01-07').matches[0]).toMatchObject({ confidence: 80, status: 'SUGGESTED' });
    expect(at('2026-01-11').matches[0]).toMatchObject({ confidence: 90, status: 'ACCEPTED' });
    expect(at('2026-01-14').matches).toEqual([]);
    expect(at('2026-01-06').matches).toEqual([]);
    expect(at('2026-01-10', 0).matches).toHaveLength(1);
    expect(at('2026-01-11', 0).matches).toEqual([]);
    // across a month and a leap day
    expect(run([st('s1', 100n, { date: '2024-03-01' })], [le('l1', 100n, { date: '2024-02-27' })]).matches).toHaveLength(1);
    expect(run([st('s1', 100n, { date: '2023-03-02' })], [le('l1', 100n, { date: '2023-02-27' })]).matches).toHaveLength(1);
    expect(run([st('s1', 100n, { date: '2024-03-02' })], [le('l1', 100n, { date: '2024-02-27' })]).matches).toEqual([]);
  });

  it('accepts an amount within the absolute tolerance, inclusive, and shows the difference', () => {
    const at = (amount: bigint) => run([st('s1', amount)], [le('l1', 1_000n)], { amountTolerance: 10n });
    expect(at(1_010n).matches[0]).toMatchObject({ difference: 10n, withinTolerance: true, confidence: 85 });
    expect(at(990n).matches[0]).toMatchObject({ difference: -10n, withinTolerance: true });
    expect(at(1_011n).matches).toEqual([]);
    expect(at(989n).matches).toEqual([]);
  });

  it('accepts an amount within basis points of the ledger amount', () => {
    // 50 bps of 100000 = 500
    const at = (amount: bigint) => run([st('s1', amount)], [le('l1', 100_000n)], { amountToleranceBps: 50 });
    expect(at(100_500n).matches).toHaveLength(1);
    expect(at(99_500n).matches).toHaveLength(1);
    expect(at(100_501n).matches).toEqual([]);
    expect(criterion(at(100_500n), 0, 'amount')?.detail).toEqual({ difference: '500', tolerance: '500' });
  });

  it('prefers the smallest difference, then the nearest date, then the most similar description', () => {
    const amount = run([st('s1', 1_000n)], [le('l1', 1_004n), le('l2', 1_001n), le('l3', 998n)], { amountTolerance: 5n });
    expect(pairs(amount)).toEqual(['s1=l2']);

    const date = run([st('s1', 1_000n, { date: '2026-01-10' })], [le('l1', 1_000n, { date: '2026-01-12' }), le('l2', 1_000n, { date: '2026-01-09' })]);
    expect(pairs(date)).toEqual(['s1=l2']);
    expect(date.matches[0].status).toBe('ACCEPTED');

    const similar = run(
      [st('s1', 1_000n, { description: 'PIX RECEBIDO JOAO SILVA' })],
      [le('l1', 1_000n, { description: 'cliente maria souza' }), le('l2', 1_000n, { description: 'cliente joao silva' })],
    );
    expect(pairs(similar)).toEqual(['s1=l2']);
    expect(similar.matches[0]).toMatchObject({ status: 'ACCEPTED', confidence: 95 + Math.round(4 * (2 / 5)) });
    expect(criterion(similar, 0, 'similarity')).toEqual({ name: 'similarity', passed: true, detail: { score: 0.4 } });
  });

  it('never auto-accepts a tie that remains: SUGGESTED with the tie penalty, capped below the auto-accept threshold', () => {
    const result = run([st('s1', 1_000n)], [le('l1', 1_000n), le('l2', 1_000n)]);
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ status: 'SUGGESTED', confidence: 95 - TIE_PENALTY, ledgerIds: ['l1'] });
    expect(criterion(result, 0, 'uniqueness')).toEqual({ name: 'uniqueness', passed: false, detail: { statementCandidates: 2, ledgerCandidates: 1, tie: true } });
    expect(result.unmatchedLedgerIds).toEqual(['l2']);

    const lenient = run([st('s1', 1_000n)], [le('l1', 1_000n), le('l2', 1_000n)], { autoAcceptThreshold: 50, suggestThreshold: 40 });
    expect(lenient.matches[0]).toMatchObject({ status: 'SUGGESTED', confidence: 49 });

    // a tie that would fall below the suggest threshold is not proposed at all
    const strict = run([st('s1', 1_000n)], [le('l1', 1_000n), le('l2', 1_000n)], { suggestThreshold: 90 });
    expect(strict.matches).toEqual([]);
  });

  it('treats two statement entries competing for one ledger entry at equal rank as a tie too', () => {
    const result = run([st('s1', 1_000n), st('s2', 1_000n, { description: 'x' })], [le('l1', 1_000n)]);
    expect(result.matches).toEqual([expect.objectContaining({ statementIds: ['s1'], status: 'SUGGESTED' })]);
  });

  it('a ledger entry is taken once: the closer statement entry wins it, and the loser takes its own unique best', () => {
    const result = run(
      [st('s1', 1_000n, { date: '2026-01-10' }), st('s2', 1_000n, { date: '2026-01-11' })],
      [le('l1', 1_000n, { date: '2026-01-10' }), le('l2', 1_000n, { date: '2026-01-12' })],
    );
    // s1: l1 (0 days) then l2 (2); s2: l1 (1) and l2 (1) tie, but l1 goes to s1 first, which leaves l2
    expect(pairs(result)).toEqual(['s1=l1', 's2=l2']);
    expect(result.matches.map((m) => m.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
  });

  it('does not depend on which statement entry is looked at first', () => {
    const statement = [st('a', 1_000n, { date: '2026-01-12' }), st('b', 1_000n, { date: '2026-01-10' })];
    const ledger = [le('x', 1_000n, { date: '2026-01-10' }), le('y', 1_000n, { date: '2026-01-13' })];
    const one = run(statement, ledger);
    expect(pairs(one)).toEqual(['a=y', 'b=x']);
    expect(run([...statement].reverse(), [...ledger].reverse())).toEqual(one);
  });

  it('never matches across currencies, nor a debit with a credit beyond the tolerance', () => {
    expect(run([st('s1', 1_000n, { currency: 'USD' })], [le('l1', 1_000n)]).matches).toEqual([]);
    expect(run([st('s1', -1_000n)], [le('l1', 1_000n)], { amountTolerance: 5n }).matches).toEqual([]);
    expect(pairs(run([st('s1', -500n)], [le('l1', -500n)]))).toEqual(['s1=l1']);
  });

  it('never proposes a rejected pair, and falls back to the next candidate', () => {
    const rejected = new Set(['s1|l1']);
    expect(run([st('s1', 1_000n)], [le('l1', 1_000n)], {}, { rejectedPairs: rejected }).matches).toEqual([]);
    const fallback = run([st('s1', 1_000n)], [le('l1', 1_000n), le('l2', 1_000n, { date: '2026-01-11' })], {}, { rejectedPairs: rejected });
    expect(pairs(fallback)).toEqual(['s1=l2']);
    expect(fallback.matches[0].status).toBe('ACCEPTED');
  });

  it('only sees what the reference strategy left', () => {
    const result = matchEntries({
      statement: [st('s1', 1_000n, { references: ['PED-1'] }), st('s2', 1_000n)],
      ledger: [le('l1', 1_000n, { externalId: 'PED-1' }), le('l2', 1_000n)],
      rules: DEFAULT_MATCHING_RULES,
    });
    expect(result.matches.map((m) => `${m.rule}:${m.statementIds}=${m.ledgerIds}`)).toEqual(['REFERENCE:s1=l1', 'AMOUNT_DATE:s2=l2']);
  });

  it('stays bounded on a dense block of identical amounts and dates: every entry at most once, nothing auto-accepted', () => {
    const statement = Array.from({ length: 600 }, (_, i) => st(`s${String(i).padStart(3, '0')}`, 9_990n, { description: `pix ${i}` }));
    const ledger = Array.from({ length: 600 }, (_, i) => le(`l${String(i).padStart(3, '0')}`, 9_990n));
    const result = run(statement, ledger);
    expect(result.matches.every((m) => m.status === 'SUGGESTED')).toBe(true);
    const used = result.matches.flatMap((m) => [...m.statementIds, ...m.ledgerIds]);
    expect(new Set(used).size).toBe(used.length);
    expect(result.matches.length).toBeGreaterThan(0);
  });
});
