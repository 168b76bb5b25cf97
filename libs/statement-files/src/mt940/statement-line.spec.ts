import { parseStatementLine } from './statement-line';

function parsed(line: string, currency = 'EUR', more: string[] = []) {
  const result = parseStatementLine([line, ...more], 7, currency);
  if (!result.ok) throw new Error(`not parsed: ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problemsOf(line: string, currency = 'EUR') {
  const result = parseStatementLine([line], 7, currency);
  if (result.ok) throw new Error('parsed');
  return result.problems.map((problem) => [problem.code, problem.field, problem.line]);
}

describe('parseStatementLine', () => {
  it('reads every part: value date, entry date, mark, amount, type, references, supplementary lines', () => {
    expect(parsed('2601310201D1234,56NDDTKD-4711//BANK-0001', 'EUR', [' /OCMT/EUR1234,56/ ', 'more'])).toEqual({
      valueDate: '2026-01-31',
      date: '2026-02-01',
      amount: -123456n,
      reversal: false,
      transactionType: 'NDDT',
      customerReference: 'KD-4711',
      bankReference: 'BANK-0001',
      supplementary: '/OCMT/EUR1234,56/ more',
    });
  });

  it.each([
    ['C', 500n, false],
    ['D', -500n, false],
    ['RC', -500n, true],
    ['RD', 500n, true],
    ['CR', 500n, false], // R is the funds code (third letter of EUR), not a reversal
    ['DR', -500n, false],
    ['RCR', -500n, true],
    ['RDR', 500n, true],
  ] as const)('maps the mark %s to the sign (+ is money in) and the reversal flag', (mark, amount, reversal) => {
    const line = parsed(`260131${mark}5,00NTRFNONREF`);
    expect([line.amount, line.reversal]).toEqual([amount, reversal]);
  });

  it('reads the entry date in the year nearest the value date, across a year boundary both ways', () => {
    expect(parsed('2601021231C1,00NTRFNONREF').date).toBe('2025-12-31');
    expect(parsed('2512310102C1,00NTRFNONREF').date).toBe('2026-01-02');
    expect(parsed('2402290229C1,00NTRFNONREF').date).toBe('2024-02-29');
    expect(parsed('260131C1,00NTRFNONREF')).toMatchObject({ date: '2026-01-31', valueDate: '2026-01-31' });
  });

  it('reads two-digit years as 20YY', () => {
    expect(parsed('991231C1,00NTRFNONREF').valueDate).toBe('2099-12-31');
    expect(parsed('000101C1,00NTRFNONREF').valueDate).toBe('2000-01-01');
  });

  it('reads amounts exactly for the currency: trailing comma, leading zeros, 3 and 0 decimals, zero', () => {
    expect(parsed('260131C100,NTRFNONREF').amount).toBe(10000n);
    expect(parsed('260131C000012,5NTRFNONREF').amount).toBe(1250n);
    expect(parsed('260131C1234,567NTRFNONREF', 'KWD').amount).toBe(1234567n);
    expect(parsed('260131D98765,NTRFNONREF', 'JPY').amount).toBe(-98765n);
    expect(parsed('260131C0,00NTRFNONREF').amount).toBe(0n);
    expect(parsed('260131C92233720368547758,07NTRFNONREF').amount).toBe(9_223_372_036_854_775_807n);
  });

  it('treats NONREF and ING placeholders as no reference, and keeps a bank reference alone', () => {
    expect(parsed('260131C1,00NTRFNONREF//NONREF')).toMatchObject({ customerReference: null, bankReference: null });
    expect(parsed('260131C1,00NTRFEREF//00000000001005')).toMatchObject({ customerReference: null, bankReference: '00000000001005' });
    expect(parsed('260131C1,00NTRF')).toMatchObject({ customerReference: null, bankReference: null, supplementary: null });
    expect(parsed('260131C1,00S202PED-1001')).toMatchObject({ transactionType: 'S202', customerReference: 'PED-1001' });
  });

  it.each([
    ['2601310131X1,00NTRFNONREF', 'a bad mark'],
    ['260131C1.00NTRFNONREF', 'a decimal point'],
    ['260131C1,00XTRFNONREF', 'a bad transaction type'],
    ['260131C,50NTRFNONREF', 'no whole digits'],
    ['26013C1,00NTRFNONREF', 'a short date'],
    ['260131-1,00NTRFNONREF', 'a sign'],
    ['', 'nothing'],
  ])('refuses %s (%s) as mt940_line_invalid', (line) => {
    expect(problemsOf(line)).toEqual([['mt940_line_invalid', ':61:', 7]]);
  });

  it('reports impossible dates, too many decimals and too large amounts, all at once', () => {
    expect(problemsOf('260230C1,001NTRFNONREF')).toEqual([
      ['date_invalid', 'valueDate', 7],
      ['amount_precision_exceeded', 'amount', 7],
    ]);
    expect(problemsOf('2602011340C1,00NTRFNONREF')).toEqual([['date_invalid', 'date', 7]]);
    expect(problemsOf('2603010229C1,00NTRFNONREF')).toEqual([['date_invalid', 'date', 7]]);
    expect(problemsOf('260131C1,5NTRFNONREF', 'JPY')).toEqual([['amount_precision_exceeded', 'amount', 7]]);
    expect(problemsOf('260131C92233720368547758,08NTRFNONREF')).toEqual([['amount_out_of_range', 'amount', 7]]);
    expect(problemsOf('260131C1,00NTRFNONREF', 'XYZ')).toEqual([['currency_unknown', 'amount', 7]]);
  });
});
