import { assessDifference, settlementsOf } from './settlement';

const rules = { amountTolerance: 100n, amountToleranceBps: 0, severityWarningAmount: 100n, severityCriticalAmount: 10_000n };

describe('assessDifference', () => {
  it('is within the absolute tolerance up to and including it, in both directions', () => {
    expect(assessDifference(10_100n, 10_000n, rules)).toMatchObject({ difference: 100n, withinTolerance: true, tolerance: 100n });
    expect(assessDifference(9_900n, 10_000n, rules)).toMatchObject({ difference: -100n, withinTolerance: true });
    expect(assessDifference(10_101n, 10_000n, rules)).toMatchObject({ difference: 101n, withinTolerance: false });
  });

  it('takes the larger of the absolute and the basis-point tolerance of the ledger total', () => {
    const bps = { ...rules, amountToleranceBps: 250 }; // 2.5% of 10,000 = 250
    expect(assessDifference(10_250n, 10_000n, bps)).toMatchObject({ withinTolerance: true, tolerance: 250n });
    expect(assessDifference(10_251n, 10_000n, bps).withinTolerance).toBe(false);
  });

  it('grades the absolute difference by the severity thresholds', () => {
    expect(assessDifference(10_099n, 10_000n, rules).severity).toBe('INFO');
    expect(assessDifference(9_900n, 10_000n, rules).severity).toBe('WARNING');
    expect(assessDifference(0n, 10_000n, rules).severity).toBe('CRITICAL');
  });
});

describe('settlementsOf', () => {
  const statement = new Map([
    ['s1', { amount: 10_000n, releaseType: 'SALE' }],
    ['s2', { amount: -1_200n, releaseType: 'COMMISSION' }],
    ['s3', { amount: 500n, releaseType: null }],
  ]);

  it('one ledger entry receives the statement side, broken down by release type', () => {
    const match = { currency: 'BRL', statementTotal: 9_300n, ledgerTotal: 9_000n, difference: 300n, statementIds: ['s1', 's2', 's3'], ledgerIds: ['l1'] };
    expect(settlementsOf(match, statement, new Map([['l1', { amount: 9_000n }]]))).toEqual([
      { ledgerEntryId: 'l1', currency: 'BRL', expectedAmount: 9_000n, receivedAmount: 9_300n, difference: 300n, breakdown: { COMMISSION: '-1200', SALE: '10000', UNCLASSIFIED: '500' } },
    ]);
  });

  it('several ledger entries are each credited their amount; the last by id absorbs the difference', () => {
    const match = { currency: 'BRL', statementTotal: 8_800n, ledgerTotal: 9_000n, difference: -200n, statementIds: ['s1', 's2'], ledgerIds: ['lb', 'la'] };
    const ledger = new Map([['la', { amount: 4_000n }], ['lb', { amount: 5_000n }]]);
    expect(settlementsOf(match, statement, ledger)).toEqual([
      { ledgerEntryId: 'la', currency: 'BRL', expectedAmount: 4_000n, receivedAmount: 4_000n, difference: 0n, breakdown: { ALLOCATED: '4000' } },
      { ledgerEntryId: 'lb', currency: 'BRL', expectedAmount: 5_000n, receivedAmount: 4_800n, difference: -200n, breakdown: { ALLOCATED: '4800' } },
    ]);
  });
});
