import fc from 'fast-check';
import { DEFAULT_MATCHING_RULES, type MatchingRules } from '../matching-rules';
import { daysBetween } from '../period/calendar-date';
import { settlementsOf } from '../settlement/settlement';
import { matchEntries } from './match-entries';
import type { LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';
import { withinTolerance } from './tolerance';

const DATES = ['2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-14'];
const amount = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(-500n, -100n, 100n, 150n, 250n, 400n, 500n, 650n, 1_000n) },
  { weight: 1, arbitrary: fc.bigInt({ min: -2_000n, max: 2_000n }) },
);
const currency = fc.constantFrom('BRL', 'BRL', 'BRL', 'USD');

const statementFields = fc.record({
  amount,
  currency,
  date: fc.constantFrom(...DATES),
  references: fc.oneof(fc.constant([]), fc.subarray(['PED-1', 'PED-2', 'PED-3', 'ped 4', 'PED-5', 'PIX'], { maxLength: 2 })),
  externalId: fc.option(fc.constantFrom('PED-1', 'TX-1', 'TX-2'), { freq: 2 }),
  description: fc.constantFrom(null, 'PIX RECEBIDO', 'pix recebido joao', 'TED', 'venda PED-2'),
  status: fc.constantFrom(null, null, 'REVERSED'),
  releaseType: fc.constantFrom(null, 'SALE', 'COMMISSION'),
});
const ledgerFields = fc.record({
  amount,
  currency,
  date: fc.constantFrom(...DATES),
  references: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray(['NF-1', 'PED-5', 'pix'], { maxLength: 1 }) }),
  externalId: fc.oneof(fc.constantFrom('PED-1', 'PED-2', 'PED-3', 'PED-4', 'PED-6'), fc.integer({ min: 1, max: 1_000 }).map((n) => `INV-${n}`)),
  description: fc.constantFrom(null, 'pix joao', 'ted'),
  status: fc.constantFrom(null, 'PAID', 'PAID', 'CANCELLED', 'refunded'),
  kind: fc.constant('ORDER'),
});
const rules: fc.Arbitrary<MatchingRules> = fc
  .record({
    amountTolerance: fc.bigInt({ min: 0n, max: 20n }),
    amountToleranceBps: fc.constantFrom(0, 0, 10, 100),
    dateWindowDays: fc.integer({ min: 0, max: 4 }),
    referencePatterns: fc.constantFrom<string[][]>([], ['PED-\\d+']),
    useExternalIdAsReference: fc.boolean(),
    strategies: fc.subarray(['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'] as const, { minLength: 1 }),
    suggestThreshold: fc.integer({ min: 0, max: 90 }),
    autoAcceptDelta: fc.integer({ min: 0, max: 30 }),
    maxGroupSize: fc.integer({ min: 2, max: 4 }),
  })
  .map(({ autoAcceptDelta, strategies, ...r }) => ({
    ...DEFAULT_MATCHING_RULES,
    ...r,
    referencePatterns: [...r.referencePatterns],
    strategies: [...strategies],
    autoAcceptThreshold: Math.min(100, r.suggestThreshold + autoAcceptDelta),
  }));

/** Ids are not in generation order, so sorting matters. */
const input: fc.Arbitrary<MatchingInput> = fc
  .record({
    statement: fc.array(statementFields, { maxLength: 14 }),
    repeats: fc.array(fc.nat(20), { maxLength: 3 }),
    ledger: fc.array(ledgerFields, { maxLength: 12 }),
    rules: fc.oneof(rules, fc.constant<MatchingRules>({ ...DEFAULT_MATCHING_RULES, strategies: [...DEFAULT_MATCHING_RULES.strategies] })),
    lockedS: fc.array(fc.nat(20), { maxLength: 2 }),
    lockedL: fc.array(fc.nat(20), { maxLength: 2 }),
    rejected: fc.array(fc.tuple(fc.nat(20), fc.nat(20)), { maxLength: 4 }),
    budget: fc.option(fc.integer({ min: 0, max: 400 }), { freq: 3 }),
  })
  .map(({ statement, repeats, ledger, rules, lockedS, lockedL, rejected, budget }) => {
    const fields = statement.length > 0 ? [...statement, ...repeats.map((k) => statement[k % statement.length])] : statement;
    const s = fields.map((f, i): StatementItem => ({ id: `s${(i * 37) % 101}`, ...f, references: [...f.references] }));
    const l = ledger.map((f, i): LedgerItem => ({ id: `l${(i * 53) % 97}`, ...f, references: [...f.references] }));
    const at = <T>(list: T[], k: number) => list[k % Math.max(1, list.length)];
    return {
      statement: s,
      ledger: l,
      rules,
      lockedStatementIds: new Set(s.length ? lockedS.map((k) => at(s, k).id) : []),
      lockedLedgerIds: new Set(l.length ? lockedL.map((k) => at(l, k).id) : []),
      rejectedPairs: new Set(s.length && l.length ? rejected.map(([a, b]) => `${at(s, a).id}|${at(l, b).id}`) : []),
      ...(budget === null ? {} : { aggregateBudget: budget }),
    };
  });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const j = (x >>> 8) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function get<T>(map: ReadonlyMap<string, T>, id: string | undefined): T {
  const value = id === undefined ? undefined : map.get(id);
  if (value === undefined) throw new Error(`unknown id ${id}`);
  return value;
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const absolute = (v: bigint) => (v < 0n ? -v : v);
const days = (a: string, b: string) => Math.abs(daysBetween(a, b));

function checkInvariants(inputValue: MatchingInput, result: MatchingResult): void {
  const r = inputValue.rules;
  const statementById = new Map(inputValue.statement.map((x) => [x.id, x]));
  const ledgerById = new Map(inputValue.ledger.map((x) => [x.id, x]));
  const lockedS = inputValue.lockedStatementIds ?? new Set<string>();
  const lockedL = inputValue.lockedLedgerIds ?? new Set<string>();
  const placesS = new Map<string, string[]>();
  const placesL = new Map<string, string[]>();
  const place = (map: Map<string, string[]>, id: string, where: string) => map.set(id, [...(map.get(id) ?? []), where]);

  result.matches.forEach((match, index) => {
    const sItems = match.statementIds.map((id) => get(statementById, id));
    const lItems = match.ledgerIds.map((id) => get(ledgerById, id));
    expect(sItems.length).toBeGreaterThan(0);
    expect(lItems.length).toBeGreaterThan(0);
    // a match's settlements, made from its own entries, are those made with every entry at hand
    expect(result.matchList.settlements(index)).toEqual(settlementsOf(match, statementById, ledgerById));
    expect([...match.statementIds].sort()).toEqual(match.statementIds);
    expect([...match.ledgerIds].sort()).toEqual(match.ledgerIds);
    match.statementIds.forEach((id) => place(placesS, id, `match ${index}`));
    match.ledgerIds.forEach((id) => place(placesL, id, `match ${index}`));
    // totals are the sums of the items, and difference = statementTotal - ledgerTotal
    expect(match.statementTotal).toBe(sum(sItems.map((x) => x.amount)));
    expect(match.ledgerTotal).toBe(sum(lItems.map((x) => x.amount)));
    expect(match.difference).toBe(match.statementTotal - match.ledgerTotal);
    // one currency
    for (const item of [...sItems, ...lItems]) expect(item.currency).toBe(match.currency);
    // tolerance, thresholds
    expect(match.withinTolerance).toBe(withinTolerance(match.difference, match.ledgerTotal, r.amountTolerance, BigInt(r.amountToleranceBps)));
    expect(match.confidence).toBeGreaterThanOrEqual(r.suggestThreshold);
    expect(match.confidence).toBeLessThanOrEqual(100);
    expect(match.status).toBe(match.confidence >= r.autoAcceptThreshold ? 'ACCEPTED' : 'SUGGESTED');
    // rejected pairs never together
    for (const s of match.statementIds) for (const l of match.ledgerIds) expect(inputValue.rejectedPairs?.has(`${s}|${l}`) ?? false).toBe(false);
    // AMOUNT_MISMATCH exactly for matches outside the tolerance
    const mismatches = result.discrepancies.filter((d) => d.matchIndex === index && d.type === 'AMOUNT_MISMATCH');
    expect(mismatches).toEqual(match.withinTolerance ? [] : [expect.objectContaining({ amount: absolute(match.difference), currency: match.currency })]);
    if (match.rule === 'AMOUNT_DATE') {
      expect(sItems).toHaveLength(1);
      expect(lItems).toHaveLength(1);
      expect(match.withinTolerance).toBe(true);
      expect(days(sItems[0].date, lItems[0].date)).toBeLessThanOrEqual(r.dateWindowDays);
      const uniqueness = match.explanation.find((c) => c.name === 'uniqueness');
      if (uniqueness?.detail.tie) expect(match.status).toBe('SUGGESTED');
    }
    if (match.rule === 'AGGREGATE') {
      const [single, parts] = sItems.length === 1 ? [sItems[0], lItems] : [lItems[0], sItems];
      expect(Math.min(sItems.length, lItems.length)).toBe(1);
      expect(parts.length).toBeGreaterThanOrEqual(2);
      expect(parts.length).toBeLessThanOrEqual(r.maxGroupSize);
      expect(match.withinTolerance).toBe(true);
      for (const part of parts) {
        expect(days(part.date, single.date)).toBeLessThanOrEqual(r.dateWindowDays);
        expect(part.amount > 0n).toBe(single.amount > 0n);
      }
    }
  });
  for (const d of result.discrepancies) {
    expect(d.amount >= 0n).toBe(true);
    expect(d.severity).toBe(d.amount >= r.severityCriticalAmount ? 'CRITICAL' : d.amount >= r.severityWarningAmount ? 'WARNING' : 'INFO');
    if (d.matchIndex !== null) expect(['AMOUNT_MISMATCH', 'STATUS_MISMATCH']).toContain(d.type);
    if (d.type === 'DUPLICATE_STATEMENT_ENTRY') {
      place(placesS, d.statementIds[0], 'duplicate');
      const original = get(statementById, /repeats statement entry (\S+)/.exec(d.detail)?.[1]);
      const repeat = get(statementById, d.statementIds[0]);
      expect([original.amount, original.date, original.currency, original.description]).toEqual([repeat.amount, repeat.date, repeat.currency, repeat.description]);
      expect(lockedS.has(repeat.id)).toBe(false);
    }
    if (d.type === 'CURRENCY_MISMATCH') {
      d.statementIds.forEach((id) => place(placesS, id, 'currency'));
      d.ledgerIds.forEach((id) => place(placesL, id, 'currency'));
    }
    if (d.type === 'UNEXPECTED_STATEMENT_ENTRY') place(placesS, d.statementIds[0], 'orphan');
    if (d.type === 'MISSING_STATEMENT_ENTRY') place(placesL, d.ledgerIds[0], 'orphan');
  }
  expect([...result.unmatchedStatementIds].sort()).toEqual(result.unmatchedStatementIds);
  expect([...result.unmatchedLedgerIds].sort()).toEqual(result.unmatchedLedgerIds);
  for (const id of result.unmatchedStatementIds) expect(placesS.get(id)).toEqual(['orphan']);
  for (const id of result.unmatchedLedgerIds) expect(placesL.get(id)).toEqual(['orphan']);
  // every non-locked entry in exactly one place; locked ones nowhere
  for (const item of inputValue.statement) expect(placesS.get(item.id)?.length ?? 0).toBe(lockedS.has(item.id) ? 0 : 1);
  for (const item of inputValue.ledger) expect(placesL.get(item.id)?.length ?? 0).toBe(lockedL.has(item.id) ? 0 : 1);
  // outside any match: every non-locked entry no proposed match holds, in id order
  const outside = (items: readonly { id: string }[], places: Map<string, string[]>) =>
    items
      .map((item) => item.id)
      .filter((id) => places.has(id) && !(places.get(id) ?? [])[0].startsWith('match '))
      .sort();
  expect(result.outsideMatches.statement.map((item) => item.id)).toEqual(outside(inputValue.statement, placesS));
  expect(result.outsideMatches.ledger.map((item) => item.id)).toEqual(outside(inputValue.ledger, placesL));
  // stats agree with the matches
  for (const rule of ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'] as const) {
    const ofRule = result.matches.filter((m) => m.rule === rule);
    expect(result.stats[rule]).toEqual({
      matches: ofRule.length,
      statementEntries: ofRule.reduce((n, m) => n + m.statementIds.length, 0),
      ledgerEntries: ofRule.reduce((n, m) => n + m.ledgerIds.length, 0),
    });
  }
}

describe('matchEntries properties', () => {
  it('keeps every invariant: one place per entry, exact totals, tolerance, thresholds, rejected pairs, windows', () => {
    fc.assert(
      fc.property(input, (value) => {
        checkInvariants(value, matchEntries(value));
      }),
      { numRuns: 600 },
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(input, fc.integer(), (value, seed) => {
        const expected = matchEntries(value);
        const again = matchEntries({ ...value, statement: shuffled(value.statement, seed), ledger: shuffled(value.ledger, seed * 7 + 1) });
        expect(again).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('proposes nothing new for the entries of accepted matches once they are locked', () => {
    fc.assert(
      fc.property(input, (value) => {
        const first = matchEntries(value);
        const accepted = first.matches.filter((m) => m.status === 'ACCEPTED');
        const lockedStatementIds = new Set([...(value.lockedStatementIds ?? []), ...accepted.flatMap((m) => m.statementIds)]);
        const lockedLedgerIds = new Set([...(value.lockedLedgerIds ?? []), ...accepted.flatMap((m) => m.ledgerIds)]);
        const second = matchEntries({ ...value, lockedStatementIds, lockedLedgerIds });
        checkInvariants({ ...value, lockedStatementIds, lockedLedgerIds }, second);
        const mentioned = new Set([
          ...second.matches.flatMap((m) => [...m.statementIds, ...m.ledgerIds]),
          ...second.discrepancies.flatMap((d) => [...d.statementIds, ...d.ledgerIds]),
          ...second.unmatchedStatementIds,
          ...second.unmatchedLedgerIds,
        ]);
        for (const m of accepted) for (const id of [...m.statementIds, ...m.ledgerIds]) expect(mentioned.has(id)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: the same input gives the same result', () => {
    fc.assert(
      fc.property(input, (value) => {
        expect(matchEntries(value)).toEqual(matchEntries(value));
      }),
      { numRuns: 100 },
    );
  });
});
