import fc from 'fast-check';
import { sortedById } from './id-order';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('sortedById', () => {
  it('returns the input itself when it is already sorted', () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(sortedById(items, 'statement')).toBe(items);
  });

  it('sorts by code units (small and radix paths), whatever the ids look like', () => {
    const idSets = fc.oneof(
      fc.uniqueArray(fc.string({ maxLength: 40 }), { maxLength: 50 }),
      fc.uniqueArray(fc.uuid(), { minLength: 2100, maxLength: 2500 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }).map((n) => `reconciliation-2026-statement-${n}`), { minLength: 2100, maxLength: 2300 }),
      fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 24 }), { minLength: 2100, maxLength: 2200 }),
    );
    fc.assert(
      fc.property(idSets, (ids) => {
        const items = ids.map((id) => ({ id }));
        expect(sortedById(items, 'statement').map((item) => item.id)).toEqual([...ids].sort(byCodeUnits));
      }),
      { numRuns: 40 },
    );
  });

  it('orders a prefix before its extensions and handles ids longer than the radix window', () => {
    const ids: string[] = [];
    for (let i = 0; i < 3000; i++) ids.push(`p-${String(i % 7).repeat(i % 30)}-${(i * 7919) % 3001}`);
    const unique = [...new Set(ids)];
    const shuffled = [...unique].reverse();
    expect(sortedById(shuffled.map((id) => ({ id })), 'ledger').map((item) => item.id)).toEqual([...unique].sort(byCodeUnits));
  });

  it('refuses two entries with the same id', () => {
    expect(() => sortedById([{ id: 'b' }, { id: 'a' }, { id: 'b' }], 'statement')).toThrow(/statement entry id 'b' appears twice/);
    const many = Array.from({ length: 3000 }, (_, i) => ({ id: `id-${i}` }));
    many.push({ id: 'id-17' });
    expect(() => sortedById(many, 'ledger')).toThrow(/ledger entry id 'id-17' appears twice/);
  });
});
