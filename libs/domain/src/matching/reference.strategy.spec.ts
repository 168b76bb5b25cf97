import { DEFAULT_MATCHING_RULES, type MatchingRules } from '../matching-rules';
import { matchEntries } from './match-entries';
import type { LedgerItem, MatchingInput, MatchingResult, StatementItem } from './matching.types';

const st = (id: string, amount: bigint, extra: Partial<StatementItem> = {}): StatementItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: null, description: null, status: null, releaseType: null, ...extra,
});
const le = (id: string, amount: bigint, extra: Partial<LedgerItem> = {}): LedgerItem => ({
  id, amount, currency: 'BRL', date: '2026-01-10', references: [], externalId: `EXT-${id}`, description: null, status: 'PAID', kind: 'ORDER', ...extra,
});
const run = (statement: StatementItem[], ledger: LedgerItem[], rules: Partial<MatchingRules> = {}, input: Partial<MatchingInput> = {}): MatchingResult =>
  matchEntries({ statement, ledger, rules: { ...DEFAULT_MATCHING_RULES, strategies: ['REFERENCE'], ...rules }, ...input });
const types = (result: MatchingResult) => result.discrepancies.map((d) => d.type);

describe('reference strategy', () => {
  it('matches 1:1 on a statement reference equal to the ledger externalId, normalised', () => {
    const result = run([st('s1', 10_000n, { references: [' ped-000 123 '] })], [le('l1', 10_000n, { externalId: 'PED000123' })]);
    expect(result.matches).toEqual([
      {
        statementIds: ['s1'],
        ledgerIds: ['l1'],
        rule: 'REFERENCE',
        confidence: 100,
        status: 'ACCEPTED',
        currency: 'BRL',
        statementTotal: 10_000n,
        ledgerTotal: 10_000n,
        difference: 0n,
        withinTolerance: true,
        explanation: [
          { name: 'reference', passed: true, detail: { references: 'ped000123', statementEntries: 1, ledgerEntries: 1 } },
          { name: 'currency', passed: true, detail: { currency: 'BRL' } },
          { name: 'amount', passed: true, detail: { difference: '0', tolerance: '0' } },
        ],
      },
    ]);
    expect(result.discrepancies).toEqual([]);
    expect(result.stats.REFERENCE).toEqual({ matches: 1, statementEntries: 1, ledgerEntries: 1 });
  });

  it('meets one order with all its releases (SALE + COMMISSION + SHIPPING = net), 1:N', () => {
    const result = run(
      [
        st('s-sale', 10_000n, { references: ['PED-1'], releaseType: 'SALE' }),
        st('s-commission', -1_200n, { references: ['PED-1'], releaseType: 'COMMISSION', date: '2026-01-12' }),
        st('s-shipping', -800n, { references: ['ped 1'], releaseType: 'SHIPPING', date: '2026-01-20' }),
        st('s-other', 500n, { references: ['PED-2'] }),
      ],
      [le('order-1', 8_000n, { externalId: 'PED-1' })],
    );
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({
      statementIds: ['s-commission', 's-sale', 's-shipping'],
      ledgerIds: ['order-1'],
      statementTotal: 8_000n,
      ledgerTotal: 8_000n,
      difference: 0n,
      confidence: 100,
      status: 'ACCEPTED',
    });
    expect(result.matches[0].explanation[0].detail).toEqual({ references: 'ped1', statementEntries: 3, ledgerEntries: 1 });
    expect(result.unmatchedStatementIds).toEqual(['s-other']);
  });

  it('matches N:1 (one statement line naming two invoices) and N:M (chained references)', () => {
    const nToOne = run([st('s1', 1_000n, { references: ['NF-1', 'NF-2'] })], [le('l1', 600n, { externalId: 'NF-1' }), le('l2', 400n, { references: ['nf2'] })]);
    expect(nToOne.matches).toHaveLength(1);
    expect(nToOne.matches[0]).toMatchObject({ statementIds: ['s1'], ledgerIds: ['l1', 'l2'], difference: 0n });
    expect(nToOne.matches[0].explanation[0].detail.references).toBe('nf1,nf2');

    const nToM = run(
      [st('s1', 700n, { references: ['A'] }), st('s2', 300n, { references: ['A', 'B'] }), st('s3', 50n, { references: ['Z'] })],
      [le('l1', 500n, { externalId: 'A' }), le('l2', 500n, { externalId: 'B' })],
    );
    expect(nToM.matches).toHaveLength(1);
    expect(nToM.matches[0]).toMatchObject({ statementIds: ['s1', 's2'], ledgerIds: ['l1', 'l2'], statementTotal: 1_000n, ledgerTotal: 1_000n });
    expect(nToM.unmatchedStatementIds).toEqual(['s3']);
  });

  it('still matches a short payment (confidence 90, ACCEPTED at the default threshold) and raises AMOUNT_MISMATCH', () => {
    const result = run([st('s1', 8_000n, { references: ['PED-1'] })], [le('l1', 10_000n, { externalId: 'PED-1' })]);
    expect(result.matches[0]).toMatchObject({ confidence: 90, status: 'ACCEPTED', withinTolerance: false, difference: -2_000n });
    expect(result.matches[0].explanation[2]).toEqual({ name: 'amount', passed: false, detail: { difference: '-2000', tolerance: '0' } });
    expect(result.discrepancies).toEqual([
      expect.objectContaining({ type: 'AMOUNT_MISMATCH', amount: 2_000n, severity: 'WARNING', matchIndex: 0, statementIds: ['s1'], ledgerIds: ['l1'], currency: 'BRL' }),
    ]);
  });

  it('proposes a mismatched group as SUGGESTED above a stricter auto-accept, and not at all below the suggest threshold', () => {
    const statement = [st('s1', 8_000n, { references: ['PED-1'] })];
    const ledger = [le('l1', 10_000n, { externalId: 'PED-1' })];
    expect(run(statement, ledger, { autoAcceptThreshold: 95 }).matches[0]).toMatchObject({ status: 'SUGGESTED', confidence: 90 });
    const strict = run(statement, ledger, { suggestThreshold: 95, autoAcceptThreshold: 99 });
    expect(strict.matches).toEqual([]);
    expect(types(strict)).toEqual(['UNEXPECTED_STATEMENT_ENTRY', 'MISSING_STATEMENT_ENTRY']);
  });

  it('applies the tolerance, absolute or in basis points of the ledger total, and still shows the difference', () => {
    const absolute = run([st('s1', 9_995n, { references: ['A'] })], [le('l1', 10_000n, { externalId: 'A' })], { amountTolerance: 5n });
    expect(absolute.matches[0]).toMatchObject({ confidence: 100, withinTolerance: true, difference: -5n });
    expect(absolute.discrepancies).toEqual([]);

    const bps = (amount: bigint) => run([st('s1', amount, { references: ['A'] })], [le('l1', 10_000n, { externalId: 'A' })], { amountToleranceBps: 10 });
    expect(bps(9_990n).matches[0]).toMatchObject({ withinTolerance: true, confidence: 100 });
    expect(bps(9_990n).matches[0].explanation[2].detail).toEqual({ difference: '-10', tolerance: '10' });
    expect(bps(9_989n).matches[0]).toMatchObject({ withinTolerance: false, confidence: 90 });
  });

  it('never mixes currencies: a group whose sides differ is one CURRENCY_MISMATCH, settled (not an orphan, not matched later)', () => {
    const result = matchEntries({
      statement: [st('s1', 1_000n, { references: ['PED-1'], currency: 'USD' }), st('s2', 1_000n)],
      ledger: [le('l1', 1_000n, { externalId: 'PED-1' })],
      rules: DEFAULT_MATCHING_RULES,
    });
    expect(result.matches).toEqual([]);
    expect(result.discrepancies).toEqual([
      {
        type: 'CURRENCY_MISMATCH',
        severity: 'WARNING',
        amount: 1_000n,
        currency: 'USD',
        statementIds: ['s1'],
        ledgerIds: ['l1'],
        matchIndex: null,
        detail: expect.stringContaining('statement USD 1000, ledger BRL 1000'),
      },
      expect.objectContaining({ type: 'UNEXPECTED_STATEMENT_ENTRY', statementIds: ['s2'] }),
    ]);
    expect(result.unmatchedLedgerIds).toEqual([]);
    expect(result.unmatchedStatementIds).toEqual(['s2']);
  });

  it('splits a mixed-currency group: the same-currency part is matched, the stray entry is the CURRENCY_MISMATCH', () => {
    const result = run(
      [st('s1', 1_000n, { references: ['PED-1'] }), st('s2', 30n, { references: ['PED-1'], currency: 'USD' })],
      [le('l1', 1_000n, { externalId: 'PED-1' })],
    );
    expect(result.matches).toEqual([expect.objectContaining({ statementIds: ['s1'], ledgerIds: ['l1'], currency: 'BRL', difference: 0n })]);
    expect(result.discrepancies).toEqual([expect.objectContaining({ type: 'CURRENCY_MISMATCH', statementIds: ['s2'], ledgerIds: [], currency: 'USD', amount: 30n, severity: 'INFO' })]);
  });

  it('does not link same-currency entries only through an entry of another currency', () => {
    const result = run(
      [st('s1', 1_000n, { references: ['A'] })],
      [le('l1', 1_000n, { externalId: 'A', references: ['B'], currency: 'USD' }), le('l2', 1_000n, { externalId: 'B' })],
    );
    expect(result.matches).toEqual([]);
    expect(result.discrepancies).toEqual([expect.objectContaining({ type: 'CURRENCY_MISMATCH', statementIds: ['s1'], ledgerIds: ['l1', 'l2'] })]);
  });

  it('finds references in descriptions with the account patterns, and uses the statement externalId only when told', () => {
    const patterns = run([st('s1', 500n, { description: 'Pagamento do pedido PED-77, obrigado' })], [le('l1', 500n, { externalId: 'PED-77' })], { referencePatterns: ['PED-\\d+'] });
    expect(patterns.matches).toHaveLength(1);
    expect(patterns.matches[0].explanation[0].detail.references).toBe('ped77');

    const statement = [st('s1', 500n, { externalId: 'ORDER-5' })];
    const ledger = [le('l1', 500n, { externalId: 'order5' })];
    expect(run(statement, ledger).matches).toEqual([]);
    expect(run(statement, ledger, { useExternalIdAsReference: true }).matches).toHaveLength(1);
  });

  it('ignores generic references shared by more than 1,000 entries of a side, and still matches on specific ones', () => {
    const statement: StatementItem[] = [];
    const ledger: LedgerItem[] = [];
    for (let i = 0; i < 1_001; i++) {
      const id = String(i).padStart(4, '0');
      statement.push(st(`s${id}`, BigInt(100 + i), { references: ['PIX', `PED-${i}`] }));
      ledger.push(le(`l${id}`, BigInt(100 + i), { externalId: `PED-${i}` }));
    }
    statement.push(st('s9999', 5n, { references: ['PIX'] }));
    ledger.push(le('l9999', 5n, { externalId: 'X', references: ['PIX'] }));
    const result = run(statement, ledger);
    expect(result.matches).toHaveLength(1_001);
    expect(result.matches.every((m) => m.statementIds.length === 1 && m.ledgerIds.length === 1 && m.difference === 0n)).toBe(true);
    expect(result.unmatchedStatementIds).toEqual(['s9999']);
    expect(result.unmatchedLedgerIds).toEqual(['l9999']);
  });

  it('leaves a group with more than 1,000 entries on a side to the other strategies', () => {
    const statement = Array.from({ length: 1_001 }, (_, i) => st(`s${String(i).padStart(4, '0')}`, BigInt(i + 1), { references: ['PED-1'] }));
    const result = run(statement, [le('l1', 501_501n, { externalId: 'PED-1' })]);
    expect(result.matches).toEqual([]);
    expect(result.unmatchedStatementIds).toHaveLength(1_001);
  });

  it('leaves a group chained past 1,000 entries on a side (each reference below the cap) to the other strategies', () => {
    const statement = Array.from({ length: 1_001 }, (_, i) => st(`s${String(i).padStart(4, '0')}`, BigInt(i + 1), { references: [`R-${i}`, `R-${i + 1}`] }));
    const chained = run(statement, [le('l1', 501_501n, { externalId: 'R-0' })]);
    expect(chained.matches).toEqual([]);
    const shorter = run(statement.slice(0, 1_000), [le('l1', 500_500n, { externalId: 'R-0' })]);
    expect(shorter.matches).toEqual([expect.objectContaining({ ledgerIds: ['l1'], difference: 0n })]);
    expect(shorter.matches[0].statementIds).toHaveLength(1_000);
  });

  it('drops the ledger entry of a rejected pair from the group and regroups the rest', () => {
    const statement = [st('s1', 1_000n, { references: ['A'] })];
    const alone = run(statement, [le('l1', 1_000n, { externalId: 'A' })], {}, { rejectedPairs: new Set(['s1|l1']) });
    expect(alone.matches).toEqual([]);

    const withOther = run(statement, [le('l1', 1_000n, { externalId: 'A' }), le('l2', 1_000n, { references: ['a'] })], {}, { rejectedPairs: new Set(['s1|l1']) });
    expect(withOther.matches).toEqual([expect.objectContaining({ statementIds: ['s1'], ledgerIds: ['l2'] })]);
    expect(withOther.unmatchedLedgerIds).toEqual(['l1']);

    // the dropped ledger entry is not paired with that statement entry by the next strategies either
    const all = matchEntries({ statement, ledger: [le('l1', 1_000n, { externalId: 'A' })], rules: DEFAULT_MATCHING_RULES, rejectedPairs: new Set(['s1|l1']) });
    expect(all.matches).toEqual([]);
  });

  it('resolves rejected pairs whose ids contain the separator', () => {
    const result = run([st('s|1', 1_000n, { references: ['A'] })], [le('l|1', 1_000n, { externalId: 'A' })], {}, { rejectedPairs: new Set(['s|1|l|1']) });
    expect(result.matches).toEqual([]);
  });

  it('shows at most five shared references, sorted', () => {
    const refs = ['R7', 'R1', 'R6', 'R2', 'R5', 'R3', 'R4'];
    const result = run([st('s1', 700n, { references: refs })], refs.map((r, i) => le(`l${i}`, 100n, { externalId: r })));
    expect(result.matches[0].explanation[0].detail.references).toBe('r1,r2,r3,r4,r5,… (+2)');
  });
});
