import { MatchList, type SharedCriteria } from './match-list';
import type { Criterion, LedgerItem, StatementItem } from './matching.types';

const statementItem = (id: string, amount: bigint): StatementItem => ({ id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: null, status: null, releaseType: 'SALE' });
const ledgerItem = (id: string, amount: bigint): LedgerItem => ({ id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: id, description: null, status: null, kind: 'ORDER' });

describe('MatchList', () => {
  const statement = [statementItem('s1', 100n), statementItem('s2', 50n), statementItem('s3', 9_223_372_036_854_775_807n)];
  const ledger = [ledgerItem('l1', 150n), ledgerItem('l2', 9_223_372_036_854_775_807n), ledgerItem('l3', 9_223_372_036_854_775_807n)];
  const criteria: SharedCriteria = {
    currency: (currency) => ({ name: 'currency', passed: true, detail: { currency } }),
    amount: (ledgerTotal, difference, within) => ({ name: 'amount', passed: within, detail: { difference: difference.toString(), tolerance: String(ledgerTotal) } }),
  };
  const nS = statement.length;

  it('reads back each match as it was added, with the entries of its positions', () => {
    const list = new MatchList(statement, ledger, ['BRL'], criteria);
    const aggregate: Criterion[] = [{ name: 'aggregate', passed: true, detail: { groupSize: 2 } }];
    expect(list.add({ rule: 'AGGREGATE', members: [0, 1, nS + 0], from: 0, split: 2, to: 3, statementTotal: 150n, ledgerTotal: 150n, within: true, confidence: 80, status: 'SUGGESTED', currency: 0, explanation: aggregate })).toBe(0);
    expect(list.add({ rule: 'REFERENCE', members: [9, 2, nS + 1, nS + 2], from: 1, split: 2, to: 4, statementTotal: 7n, ledgerTotal: 10n, within: false, confidence: 90, status: 'ACCEPTED', currency: 0, explanation: 'ped-1' })).toBe(1);
    expect(list.length).toBe(2);
    expect(list.at(0)).toEqual({
      statementIds: ['s1', 's2'],
      ledgerIds: ['l1'],
      rule: 'AGGREGATE',
      confidence: 80,
      status: 'SUGGESTED',
      currency: 'BRL',
      statementTotal: 150n,
      ledgerTotal: 150n,
      difference: 0n,
      withinTolerance: true,
      explanation: aggregate,
    });
    // a reference match's criteria are made from its shared references when it is read
    expect(list.at(1)).toEqual(
      expect.objectContaining({ statementIds: ['s3'], ledgerIds: ['l2', 'l3'], status: 'ACCEPTED', difference: -3n, withinTolerance: false, explanation: [
        { name: 'reference', passed: true, detail: { references: 'ped-1', statementEntries: 1, ledgerEntries: 2 } },
        { name: 'currency', passed: true, detail: { currency: 'BRL' } },
        { name: 'amount', passed: false, detail: { difference: '-3', tolerance: '10' } },
      ] }),
    );
    expect([list.status(0), list.status(1), list.statementTotal(0), list.statementTotal(1)]).toEqual(['SUGGESTED', 'ACCEPTED', 150n, 7n]);
    expect(list.toArray()).toEqual([list.at(0), list.at(1)]);
  });

  it('keeps totals beyond 64 bits exact', () => {
    const list = new MatchList(statement, ledger, ['BRL'], criteria);
    const huge = 2n * 9_223_372_036_854_775_807n;
    list.add({ rule: 'AGGREGATE', members: [2, nS + 1, nS + 2], from: 0, split: 1, to: 3, statementTotal: -huge, ledgerTotal: huge, within: false, confidence: 60, status: 'SUGGESTED', currency: 0, explanation: [] });
    list.add({ rule: 'REFERENCE', members: [0, nS], from: 0, split: 1, to: 2, statementTotal: 100n, ledgerTotal: 150n, within: false, confidence: -1, status: 'SUGGESTED', currency: 0, explanation: 'x' });
    expect(list.at(0)).toEqual(expect.objectContaining({ statementTotal: -huge, ledgerTotal: huge, difference: -2n * huge }));
    expect(list.confidence(1)).toBe(-1); // whatever the rules allow, kept as it was made
    expect(list.statementTotal(0)).toBe(-huge);
    expect(list.at(1)).toEqual(expect.objectContaining({ statementTotal: 100n, ledgerTotal: 150n, difference: -50n }));
  });

  it('lists every matched entry with its match, both sides merged in id order, leaving out unmatched entries', () => {
    const statementSide = ['a1', 'a5', 'a7', 'a8'].map((id) => statementItem(id, 1n));
    const ledgerSide = ['a2', 'a3', 'a6', 'a9'].map((id) => ledgerItem(id, 1n));
    const n = statementSide.length;
    const list = new MatchList(statementSide, ledgerSide, ['BRL'], criteria);
    const draft = { rule: 'REFERENCE' as const, statementTotal: 1n, ledgerTotal: 1n, within: true, confidence: 100, status: 'ACCEPTED' as const, currency: 0, explanation: 'x' };
    list.add({ ...draft, members: [3, n + 0], from: 0, split: 1, to: 2 }); // a8 with a2
    list.add({ ...draft, members: [0, 1, n + 3], from: 0, split: 2, to: 3 }); // a1, a5 with a9
    list.add({ ...draft, members: [n + 1], from: 0, split: 0, to: 1 }); // a3 alone
    expect([...list.linksInIdOrder((match, side, id) => ({ match, side, id }))]).toEqual([
      { match: 1, side: 'STATEMENT', id: 'a1' },
      { match: 0, side: 'LEDGER', id: 'a2' },
      { match: 2, side: 'LEDGER', id: 'a3' },
      { match: 1, side: 'STATEMENT', id: 'a5' },
      { match: 0, side: 'STATEMENT', id: 'a8' },
      { match: 1, side: 'LEDGER', id: 'a9' },
    ]);
    expect([...new MatchList(statementSide, ledgerSide, ['BRL'], criteria).linksInIdOrder(() => 1)]).toEqual([]);
  });

  it('reads a match entry by entry, statement entries first, and refuses a member on the wrong side', () => {
    const list = new MatchList(statement, ledger, ['BRL'], criteria);
    list.add({ rule: 'AGGREGATE', members: [1, 0, nS + 2, nS + 0], from: 0, split: 2, to: 4, statementTotal: 150n, ledgerTotal: 150n, within: true, confidence: 80, status: 'ACCEPTED', currency: 0, explanation: [] });
    expect([list.entryCount(0), list.statementEntryCount(0)]).toEqual([4, 2]);
    expect([0, 1, 2, 3].map((k) => list.entryId(0, k))).toEqual(['s2', 's1', 'l3', 'l1']);
    expect(list.idsOf(0)).toEqual({ statementIds: ['s2', 's1'], ledgerIds: ['l3', 'l1'] });
    const draft = { rule: 'REFERENCE' as const, statementTotal: 1n, ledgerTotal: 1n, within: true, confidence: 100, status: 'ACCEPTED' as const, currency: 0, explanation: 'x' };
    expect(() => list.add({ ...draft, members: [2, nS + 1], from: 0, split: 0, to: 2 })).toThrow('not on its side');
    expect(() => list.add({ ...draft, members: [nS + 1, 2], from: 0, split: 1, to: 2 })).toThrow('not on its side');
    expect(list.length).toBe(1);
  });

  it('makes a match\'s settlements from its own entries, as settlementsOf does', () => {
    const statementSide = [{ ...statementItem('s1', 100n), releaseType: 'SALE' }, { ...statementItem('s2', -12n), releaseType: 'COMMISSION' }, { ...statementItem('s3', 7n), releaseType: null }];
    const ledgerSide = [ledgerItem('l1', 90n), ledgerItem('l2', 60n), ledgerItem('l3', 40n)];
    const n = statementSide.length;
    const list = new MatchList(statementSide, ledgerSide, ['BRL'], criteria);
    const draft = { rule: 'REFERENCE' as const, within: true, confidence: 100, status: 'ACCEPTED' as const, currency: 0, explanation: 'x' };
    list.add({ ...draft, members: [0, 1, n + 0], from: 0, split: 2, to: 3, statementTotal: 88n, ledgerTotal: 90n });
    list.add({ ...draft, members: [2, n + 2, n + 1], from: 0, split: 1, to: 3, statementTotal: 7n, ledgerTotal: 100n });
    expect(list.settlements(0)).toEqual([{ ledgerEntryId: 'l1', currency: 'BRL', expectedAmount: 90n, receivedAmount: 88n, difference: -2n, breakdown: { COMMISSION: '-12', SALE: '100' } }]);
    // over several ledger entries, in id order, the last carrying the difference
    expect(list.settlements(1)).toEqual([
      { ledgerEntryId: 'l2', currency: 'BRL', expectedAmount: 60n, receivedAmount: 60n, difference: 0n, breakdown: { ALLOCATED: '60' } },
      { ledgerEntryId: 'l3', currency: 'BRL', expectedAmount: 40n, receivedAmount: -53n, difference: -93n, breakdown: { ALLOCATED: '-53' } },
    ]);
  });
});
