import fc from 'fast-check';
import { searchRadius, toleranceFor, withinTolerance } from './tolerance';

describe('withinTolerance', () => {
  it('accepts the absolute tolerance inclusive, either sign', () => {
    expect(withinTolerance(5n, 1000n, 5n, 0n)).toBe(true);
    expect(withinTolerance(-5n, 1000n, 5n, 0n)).toBe(true);
    expect(withinTolerance(6n, 1000n, 5n, 0n)).toBe(false);
    expect(withinTolerance(0n, 1000n, 0n, 0n)).toBe(true);
    expect(withinTolerance(1n, 1000n, 0n, 0n)).toBe(false);
  });

  it('accepts basis points of the ledger amount, inclusive, exactly (no float)', () => {
    // 25 bps of 10000 = 25 minor units
    expect(withinTolerance(25n, 10_000n, 0n, 25n)).toBe(true);
    expect(withinTolerance(26n, 10_000n, 0n, 25n)).toBe(false);
    expect(withinTolerance(-25n, -10_000n, 0n, 25n)).toBe(true);
    // 1 bp of 9999 is 0.9999: a difference of 1 is outside
    expect(withinTolerance(1n, 9_999n, 0n, 1n)).toBe(false);
    expect(withinTolerance(1n, 10_000n, 0n, 1n)).toBe(true);
    // beyond 2^53: exact
    const huge = 9_007_199_254_740_993n * 1000n;
    expect(withinTolerance(huge / 10_000n, huge, 0n, 1n)).toBe(true);
    expect(withinTolerance(huge / 10_000n + 1n, huge, 0n, 1n)).toBe(false);
  });

  it('uses whichever of absolute and bps is larger', () => {
    expect(withinTolerance(10n, 100n, 10n, 100n)).toBe(true); // absolute wins (bps gives 1)
    expect(withinTolerance(50n, 100_000n, 10n, 5n)).toBe(true); // bps wins (50)
    expect(withinTolerance(51n, 100_000n, 10n, 5n)).toBe(false);
  });

  it('agrees with toleranceFor', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 1000n }), fc.integer({ min: 0, max: 10_000 }), (diff, ledger, absolute, bps) => {
        const tolerance = toleranceFor(ledger, absolute, BigInt(bps));
        expect(withinTolerance(diff, ledger, absolute, BigInt(bps))).toBe((diff < 0n ? -diff : diff) <= tolerance);
      }),
    );
  });
});

describe('searchRadius', () => {
  it('bounds every ledger amount within tolerance of a statement amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 500n }), fc.integer({ min: 0, max: 9_999 }), (a, b, absolute, bps) => {
        const radius = searchRadius(a, absolute, BigInt(bps));
        if (radius === null) throw new Error('a radius below 10000 bps');
        if (withinTolerance(a - b, b, absolute, BigInt(bps))) {
          const distance = a > b ? a - b : b - a;
          expect(distance <= radius).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('has no bound at 10000 bps or more', () => {
    expect(searchRadius(100n, 0n, 10_000n)).toBeNull();
  });
});
