import fc from 'fast-check';
import { decodeExplanation, encodeCriterion, encodedCriterionJson } from './explanation-codec';

/** What a stored explanation reads back as: encoded, through JSON as Postgres keeps it, decoded. */
const roundTrip = (explanation: unknown[]) => decodeExplanation(JSON.parse(JSON.stringify(explanation.map(encodeCriterion))));

describe('explanation storage', () => {
  const engineCriteria = [
    { name: 'reference', passed: true, detail: { references: 'ped-1,ped-2', statementEntries: 2, ledgerEntries: 1 } },
    { name: 'currency', passed: true, detail: { currency: 'BRL' } },
    { name: 'amount', passed: false, detail: { difference: '-1200', tolerance: '0' } },
    { name: 'date', passed: true, detail: { distanceDays: 2, windowDays: 3 } },
    { name: 'similarity', passed: false, detail: { score: 0.125 } },
    { name: 'uniqueness', passed: false, detail: { statementCandidates: 2, ledgerCandidates: 1, tie: true } },
    { name: 'date', passed: true, detail: { maxDistanceDays: 0, windowDays: 3 } },
    { name: 'aggregate', passed: true, detail: { direction: 'one statement entry = several ledger entries', groupSize: 3, candidates: 7, unique: true } },
    { name: 'manual', passed: true, detail: { allowDifference: false } },
    { name: 'amount', passed: true, detail: { statementTotal: '100', ledgerTotal: '100', difference: '0', tolerance: '5' } },
  ];

  it('stores every criterion the engine and manual matches make as a short tuple, and reads it back the same', () => {
    for (const criterion of engineCriteria) expect(Array.isArray(encodeCriterion(criterion))).toBe(true);
    expect(roundTrip(engineCriteria)).toEqual(engineCriteria);
    const reference = engineCriteria.slice(0, 3);
    expect(JSON.stringify(reference.map(encodeCriterion))).toBe('[[0,1,"ped-1,ped-2",2,1],[1,1,"BRL"],[2,0,"-1200","0"]]');
    expect(JSON.stringify(reference.map(encodeCriterion)).length).toBeLessThan(JSON.stringify(reference).length / 3);
  });

  it('stores a criterion of any other shape as it is', () => {
    const others = [
      { name: 'reference', passed: true, detail: { references: 'x', statementEntries: 1 } }, // a key missing
      { name: 'currency', passed: true, detail: { currency: 'BRL', extra: 1 } }, // a key more
      { name: 'date', passed: true, detail: { windowDays: 3, distanceDays: 2 } }, // keys in another order
      { name: 'custom', passed: false, detail: {} },
      { name: 'currency', passed: true, detail: { currency: { nested: true } } },
      { name: 'currency', passed: 'yes', detail: { currency: 'BRL' } },
      { name: 'currency', passed: true, detail: { currency: 'BRL' }, note: 'extra field' },
      { passed: true, name: 'currency', detail: { currency: 'BRL' } }, // keys in another order
      Object.assign(Object.create({ name: 'currency' }), { passed: true, detail: { currency: 'BRL' }, other: 1 }), // an inherited name
      { name: 'currency', passed: true, detail: { currency: 'BRL' }, toJSON: () => ({ custom: 1 }) },
      { name: 'currency', passed: true, detail: { currency: 'BRL', toJSON: () => 'x' } },
      'a string',
      null,
    ];
    for (const criterion of others) {
      expect(encodeCriterion(criterion)).toBe(criterion);
      expect(encodedCriterionJson(criterion)).toBe(JSON.stringify(criterion) ?? 'null');
    }
  });

  it('stores a criterion that is itself an array so that it never reads back as a tuple', () => {
    const arrays = [[1, 1, 'BRL'], [2, 7, 'a', 'b'], [0, 1, 'looks like a tuple'], [-1, 'x'], []];
    expect(roundTrip(arrays)).toEqual(arrays);
    for (const criterion of arrays) expect(encodedCriterionJson(criterion)).toBe(JSON.stringify(encodeCriterion(criterion)));
  });

  it('reads explanations stored before tuples unchanged', () => {
    const legacy = [{ name: 'reference', passed: true, detail: { reference: 'PED1' } }, ...engineCriteria];
    expect(decodeExplanation(JSON.parse(JSON.stringify(legacy)))).toEqual(legacy);
  });

  it('leaves tuples it does not know as they are', () => {
    expect(decodeExplanation([[99, 1, 'x'], [1, 1], [1, 1, 'BRL', 'extra'], ['1', 1, 'BRL']])).toEqual([[99, 1, 'x'], [1, 1], [1, 1, 'BRL', 'extra'], ['1', 1, 'BRL']]);
  });

  it('reads back any explanation exactly (property)', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const known = fc.constantFrom(...engineCriteria).chain((template) =>
      fc.record({ name: fc.constant(template.name), passed: fc.boolean(), detail: fc.tuple(...Object.keys(template.detail).map(() => value)).map((values) => Object.fromEntries(Object.keys(template.detail).map((key, i) => [key, values[i]]))) }),
    );
    const other = fc.record({ name: fc.string(), passed: fc.boolean(), detail: fc.dictionary(fc.string(), value) });
    const tupleLike = fc.array(fc.oneof(fc.integer({ min: -2, max: 12 }), value), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.oneof(known, other, tupleLike), { maxLength: 6 }), (explanation) => {
        const expected = JSON.parse(JSON.stringify(explanation)); // what json storage keeps of it (-0 as 0)
        expect(roundTrip(explanation)).toEqual(expected);
        for (const criterion of explanation) expect(encodedCriterionJson(criterion)).toBe(JSON.stringify(encodeCriterion(criterion)));
      }),
    );
  });
});
