import { DEFAULT_MATCHING_RULES } from '../matching-rules';
import { matchEntries } from './match-entries';
import type { LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';

const st = (id: string, amount: bigint, extra: Partial<StatementItem> = {}): StatementItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: 'PIX RECEBIDO', status: null, releaseType: null, ...extra,
});
const le = (id: string, amount: bigint, extra: Partial<LedgerItem> = {}): LedgerItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: `EXT-${id}`, description: null, status: null, kind: 'ORDER', ...extra,
});
const run = (statement: StatementItem[], ledger: LedgerItem[] = [], input: Partial<MatchingInput> = {}): MatchingResult =>
  matchEntries({ statement, ledger, rules: DEFAULT_MATCHING_RULES, ...input });
const duplicates = (result: MatchingResult) => result.discrepancies.filter((d) => d.type === 'DUPLICATE_STATEMENT_ENTRY');

describe('duplicate statement entries', () => {
  it('flags the repeat (later id), keeps it out of matches and orphans, and matches the original', () => {
    const result = run([st('s2', 1_000n, { references: ['PED-1'] }), st('s1', 1_000n, { references: ['PED-1'] })], [le('l1', 1_000n, { externalId: 'PED-1' })]);
    expect(result.matches).toEqual([expect.objectContaining({ statementIds: ['s1'], ledgerIds: ['l1'], difference: 0n })]);
    expect(duplicates(result)).toEqual([
      {
        type: 'DUPLICATE_STATEMENT_ENTRY',
        severity: 'WARNING',
        amount: 1_000n,
        currency: 'BRL',
        statementIds: ['s2'],
        ledgerIds: [],
        matchIndex: null,
        detail: expect.stringContaining('repeats statement entry s1'),
      },
    ]);
    expect(result.unmatchedStatementIds).toEqual([]);
  });

  it('compares normalised reference sets, and descriptions trimmed, case-folded, with spaces collapsed', () => {
    const result = run([st('a', 500n, { references: ['PED-1', 'X'], description: ' Pix  recebido ' }), st('b', 500n, { references: ['x', 'ped 1'], description: 'PIX RECEBIDO' })]);
    expect(duplicates(result).map((d) => d.statementIds)).toEqual([['b']]);
  });

  it('flags every repeat of a line without references, all pointing at the first', () => {
    const result = run([st('c', -250n), st('a', -250n), st('b', -250n)]);
    expect(duplicates(result).map((d) => [d.statementIds[0], d.amount, d.detail.includes('repeats statement entry a')])).toEqual([
      ['b', 250n, true],
      ['c', 250n, true],
    ]);
    expect(result.unmatchedStatementIds).toEqual(['a']);
  });

  it.each<[string, Partial<StatementItem>]>([
    ['amount', { amount: 1_001n }],
    ['date', { date: '2026-01-11' }],
    ['currency', { currency: 'USD' }],
    ['references', { references: ['PED-2'] }],
    ['description', { description: 'TED RECEBIDA' }],
    ['release type', { releaseType: 'SHIPPING' }],
  ])('does not flag entries that differ in %s', (_, change) => {
    const base = st('a', 1_000n, { references: ['PED-1'], releaseType: 'SALE' });
    const result = run([base, { ...base, id: 'b', ...change }]);
    expect(duplicates(result)).toEqual([]);
  });

  it('keeps a locked original as the original: a re-sent line stays a duplicate after its original was accepted', () => {
    const result = run([st('a', 1_000n, { references: ['PED-1'] }), st('b', 1_000n, { references: ['PED-1'] })], [le('l1', 1_000n, { externalId: 'PED-1' })], {
      lockedStatementIds: new Set(['b']),
      lockedLedgerIds: new Set(['l1']),
    });
    expect(duplicates(result)).toEqual([expect.objectContaining({ statementIds: ['a'], detail: expect.stringContaining('repeats statement entry b') })]);
    expect(result.matches).toEqual([]);
    expect(result.unmatchedStatementIds).toEqual([]);
    expect(result.discrepancies.flatMap((d) => d.statementIds)).not.toContain('b');
  });

  it('handles large buckets sharing a reference (text-keyed path)', () => {
    const statement = Array.from({ length: 40 }, (_, i) => st(`s${String(i).padStart(2, '0')}`, BigInt(100 + i), { references: ['PAYOUT-9'] }));
    statement.push(st('t1', 105n, { references: ['PAYOUT-9'] }), st('t2', 139n, { references: ['PAYOUT-9'] }), st('t3', 139n, { references: ['payout9'] }));
    const result = run(statement);
    expect(duplicates(result).map((d) => [d.statementIds[0], d.detail.match(/entry (\S+)/)?.[1]])).toEqual([
      ['t1', 's05'],
      ['t2', 's39'],
      ['t3', 's39'],
    ]);
  });
});
