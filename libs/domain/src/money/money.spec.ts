import fc from 'fast-check';
import { knownCurrencies } from './currency';
import { AmountParse, formatAmount, MAX_MINOR_UNITS, MIN_MINOR_UNITS, parseAmount, sumMinor } from './money';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function expectMinor(result: AmountParse, minor: bigint): void {
  expect(result).toEqual({ ok: true, minor });
}

function expectProblem(result: AmountParse, problem: string): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problem).toBe(problem);
  expect(typeof result.message).toBe('string');
  expect(result.message.length).toBeGreaterThan(0);
}

describe('MAX_MINOR_UNITS / MIN_MINOR_UNITS', () => {
  it('are exactly the signed 64-bit (Postgres bigint) bounds', () => {
    expect(MAX_MINOR_UNITS).toBe(INT64_MAX);
    expect(MIN_MINOR_UNITS).toBe(INT64_MIN);
  });
});

describe('parseAmount', () => {
  describe('decimal strings', () => {
    it.each([
      ['1234.56', 'BRL', 123456n],
      ['0.5', 'BRL', 50n],
      ['0.05', 'BRL', 5n],
      ['8', 'BRL', 800n],
      ['0', 'BRL', 0n],
      ['0.00', 'BRL', 0n],
      ['100', 'JPY', 100n],
      ['1.234', 'KWD', 1234n],
      ['1.2', 'KWD', 1200n],
      ['1', 'KWD', 1000n],
      ['1.2345', 'CLF', 12345n],
      ['1.5', 'CLF', 15000n],
      ['007.10', 'BRL', 710n],
    ])('parses %p %s as %p minor units', (input, currency, minor) => {
      expectMinor(parseAmount(input, currency), minor);
    });

    it.each([
      ['-8', 'BRL', -800n],
      ['-1234.56', 'BRL', -123456n],
      ['-0.01', 'BRL', -1n],
      ['-5', 'JPY', -5n],
      ['-1.234', 'KWD', -1234n],
      ['-0.0001', 'CLF', -1n],
    ])('parses negative amount %p %s as %p', (input, currency, minor) => {
      expectMinor(parseAmount(input, currency), minor);
    });

    it('treats "-0" and "-0.00" as zero', () => {
      expectMinor(parseAmount('-0', 'BRL'), 0n);
      expectMinor(parseAmount('-0.00', 'BRL'), 0n);
    });

    it('returns a bigint, never a number', () => {
      const result = parseAmount('1234.56', 'BRL');
      expect(result.ok && typeof result.minor).toBe('bigint');
    });

    it('is exact where floating point would not be (0.1 + 0.2 style inputs)', () => {
      expectMinor(parseAmount('0.29', 'BRL'), 29n); // 0.29 * 100 === 28.999999999999996 as a double
      expectMinor(parseAmount('1.005', 'KWD'), 1005n);
      expectMinor(parseAmount('4503599627370495.99', 'BRL'), 450359962737049599n);
    });
  });

  describe('fraction digits per currency', () => {
    it.each([
      ['1.234', 'BRL'],
      ['0.001', 'BRL'],
      ['1.000', 'BRL'], // even trailing zeros beyond the exponent are rejected
      ['1.5', 'JPY'],
      ['1.0', 'JPY'],
      ['1.2345', 'KWD'],
      ['1.23456', 'CLF'],
      ['-1.234', 'BRL'],
    ])('rejects %p for %s with amount_precision_exceeded', (input, currency) => {
      expectProblem(parseAmount(input, currency), 'amount_precision_exceeded');
    });

    it('names the currency and the digit counts in the precision message', () => {
      const result = parseAmount('1.234', 'BRL');
      expect(result).toEqual({
        ok: false,
        problem: 'amount_precision_exceeded',
        message: 'BRL has 2 decimal places; got 3',
      });
    });

    it('accepts exactly as many fraction digits as the currency has', () => {
      expectMinor(parseAmount('1.23', 'BRL'), 123n);
      expectMinor(parseAmount('1.234', 'KWD'), 1234n);
      expectMinor(parseAmount('1.2345', 'CLF'), 12345n);
      expectMinor(parseAmount('12345', 'JPY'), 12345n);
    });
  });

  describe('malformed strings', () => {
    it.each([
      ['1e3'],
      ['1E3'],
      ['1.5e2'],
      ['1,234.56'],
      ['1,5'],
      ['1 234'],
      ['1_000'],
      ['+5'],
      ['--5'],
      ['5-'],
      [' 5'],
      ['5 '],
      ['\t5'],
      ['5\n'],
      ['.5'],
      ['5.'],
      ['-'],
      ['.'],
      ['-.5'],
      ['1.2.3'],
      ['abc'],
      ['12a'],
      ['0x10'],
      ['NaN'],
      ['Infinity'],
      ['-Infinity'],
      ['١٢٣'], // Arabic-Indic digits
      ['１２３'], // full-width digits
      ['R$ 5'],
      ['5 BRL'],
    ])('rejects %p with amount_invalid', (input) => {
      expectProblem(parseAmount(input, 'BRL'), 'amount_invalid');
    });

    it('rejects the empty string with amount_invalid', () => {
      expectProblem(parseAmount('', 'BRL'), 'amount_invalid');
    });

    it('rejects strings longer than 40 characters without parsing them', () => {
      expectMinor(parseAmount('0'.repeat(40), 'BRL'), 0n);
      const result = parseAmount('0'.repeat(41), 'BRL');
      expect(result.ok).toBe(false);
    });
  });

  describe('JSON numbers', () => {
    it.each([
      [1234.56, 'BRL', 123456n],
      [0.5, 'BRL', 50n],
      [0.05, 'BRL', 5n],
      [0.1, 'BRL', 10n],
      [0.29, 'BRL', 29n],
      [8, 'BRL', 800n],
      [0, 'BRL', 0n],
      [-0, 'BRL', 0n],
      [-8, 'BRL', -800n],
      [-1234.56, 'BRL', -123456n],
      [100, 'JPY', 100n],
      [-5, 'JPY', -5n],
      [1.234, 'KWD', 1234n],
      [1.2345, 'CLF', 12345n],
      [1e3, 'BRL', 100000n],
      [1e15, 'JPY', 1000000000000000n],
    ])('parses the number %p %s as %p', (input, currency, minor) => {
      expectMinor(parseAmount(input, currency), minor);
    });

    it('accepts exactly Number.MAX_SAFE_INTEGER and its negation', () => {
      expectMinor(parseAmount(Number.MAX_SAFE_INTEGER, 'JPY'), 9007199254740991n);
      expectMinor(parseAmount(-Number.MAX_SAFE_INTEGER, 'JPY'), -9007199254740991n);
      expectMinor(parseAmount(Number.MAX_SAFE_INTEGER, 'BRL'), 900719925474099100n);
    });

    it.each([
      [2 ** 53],
      [2 ** 53 + 2],
      [-(2 ** 53)],
      [1e21],
      [-1e21],
      [1e300],
      [Number.MAX_VALUE],
    ])('rejects %p (beyond 2^53) with amount_out_of_range', (input) => {
      expectProblem(parseAmount(input, 'BRL'), 'amount_out_of_range');
    });

    it('tells the client to send a beyond-2^53 amount as a string', () => {
      const result = parseAmount(1e21, 'BRL');
      expect(!result.ok && result.message).toMatch(/string/);
      // ...and the same magnitude as a string is accepted exactly
      expectMinor(parseAmount('1000000000000000000', 'JPY'), 1000000000000000000n);
    });

    it.each([[NaN], [Infinity], [-Infinity]])('rejects %p with amount_invalid', (input) => {
      expectProblem(parseAmount(input, 'BRL'), 'amount_invalid');
    });

    it('rejects numbers with too many decimals for the currency', () => {
      expectProblem(parseAmount(1.234, 'BRL'), 'amount_precision_exceeded');
      expectProblem(parseAmount(1.5, 'JPY'), 'amount_precision_exceeded');
      expectProblem(parseAmount(0.1 + 0.2, 'BRL'), 'amount_precision_exceeded'); // 0.30000000000000004
      expectProblem(parseAmount(1.23456, 'CLF'), 'amount_precision_exceeded');
    });

    it('never accepts a number whose shortest form needs an exponent', () => {
      const result = parseAmount(1e-7, 'CLF');
      expect(result.ok).toBe(false);
    });
  });

  describe('non-string, non-number inputs', () => {
    it.each([
      [null],
      [undefined],
      [true],
      [false],
      [{}],
      [[]],
      [['5']],
      [{ amount: '5' }],
      [5n],
      [Symbol('5')],
      [() => 5],
    ])('rejects %p with amount_invalid', (input) => {
      expectProblem(parseAmount(input, 'BRL'), 'amount_invalid');
    });
  });

  describe('int64 range', () => {
    it('accepts exactly int64 max and min as minor units', () => {
      expectMinor(parseAmount('9223372036854775807', 'JPY'), INT64_MAX);
      expectMinor(parseAmount('-9223372036854775808', 'JPY'), INT64_MIN);
      expectMinor(parseAmount('92233720368547758.07', 'BRL'), INT64_MAX);
      expectMinor(parseAmount('-92233720368547758.08', 'BRL'), INT64_MIN);
      expectMinor(parseAmount('9223372036854775.807', 'KWD'), INT64_MAX);
      expectMinor(parseAmount('922337203685477.5807', 'CLF'), INT64_MAX);
      expectMinor(parseAmount('-922337203685477.5808', 'CLF'), INT64_MIN);
    });

    it.each([
      ['9223372036854775808', 'JPY'],
      ['-9223372036854775809', 'JPY'],
      ['92233720368547758.08', 'BRL'],
      ['-92233720368547758.09', 'BRL'],
      ['92233720368547759', 'BRL'], // whole part fits int64, but not once scaled to cents
      ['922337203685477.5808', 'CLF'],
      ['99999999999999999999999999999999999999', 'JPY'],
      ['-99999999999999999999999999999999999999', 'BRL'],
      ['18446744073709551616', 'JPY'], // 2^64 must not wrap around
    ])('rejects %p %s with amount_out_of_range', (input, currency) => {
      expectProblem(parseAmount(input, currency), 'amount_out_of_range');
    });
  });

  describe('currency', () => {
    it.each([['XYZ'], ['brl'], ['Brl'], [''], ['BR'], ['BRLL'], [' BRL'], ['XAU'], ['XXX'], ['XTS']])(
      'rejects currency %p with currency_unknown',
      (currency) => {
        const result = parseAmount('1.00', currency);
        expectProblem(result, 'currency_unknown');
      },
    );

    it('checks the currency before the amount', () => {
      expectProblem(parseAmount('not a number', 'XYZ'), 'currency_unknown');
      expectProblem(parseAmount(NaN, 'XYZ'), 'currency_unknown');
    });

    it('uses the currency of the call to scale the same text differently', () => {
      expectMinor(parseAmount('12', 'JPY'), 12n);
      expectMinor(parseAmount('12', 'BRL'), 1200n);
      expectMinor(parseAmount('12', 'KWD'), 12000n);
      expectMinor(parseAmount('12', 'CLF'), 120000n);
    });
  });
});

describe('formatAmount', () => {
  it.each([
    [123456n, 'BRL', '1234.56'],
    [5n, 'BRL', '0.05'],
    [-5n, 'BRL', '-0.05'],
    [50n, 'BRL', '0.50'],
    [100n, 'BRL', '1.00'],
    [-100n, 'BRL', '-1.00'],
    [0n, 'BRL', '0.00'],
    [1n, 'BRL', '0.01'],
    [-1n, 'BRL', '-0.01'],
    [-123456n, 'BRL', '-1234.56'],
    [0n, 'JPY', '0'],
    [5n, 'JPY', '5'],
    [-5n, 'JPY', '-5'],
    [123456n, 'JPY', '123456'],
    [1234n, 'KWD', '1.234'],
    [1n, 'KWD', '0.001'],
    [-1n, 'KWD', '-0.001'],
    [1000n, 'KWD', '1.000'],
    [0n, 'KWD', '0.000'],
    [12345n, 'CLF', '1.2345'],
    [1n, 'CLF', '0.0001'],
  ])('formats %p %s as %p', (minor, currency, text) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('never puts a dot in a zero-exponent currency', () => {
    for (const minor of [0n, 1n, -1n, 1000n, INT64_MAX, INT64_MIN]) {
      expect(formatAmount(minor, 'JPY')).not.toContain('.');
    }
  });

  it('formats the int64 extremes exactly', () => {
    expect(formatAmount(INT64_MAX, 'JPY')).toBe('9223372036854775807');
    expect(formatAmount(INT64_MIN, 'JPY')).toBe('-9223372036854775808');
    expect(formatAmount(INT64_MAX, 'BRL')).toBe('92233720368547758.07');
    expect(formatAmount(INT64_MIN, 'BRL')).toBe('-92233720368547758.08');
    expect(formatAmount(INT64_MIN, 'CLF')).toBe('-922337203685477.5808');
  });

  it('throws for an unknown currency', () => {
    expect(() => formatAmount(1n, 'XYZ')).toThrow(/XYZ/);
  });
});

describe('parseAmount / formatAmount round trip', () => {
  const currencies = knownCurrencies();
  const int64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
  const currency = fc.constantFrom(...currencies);

  it('parses back exactly what it formats, for every int64 and every known currency', () => {
    fc.assert(
      fc.property(int64, currency, (minor, code) => {
        expect(parseAmount(formatAmount(minor, code), code)).toEqual({ ok: true, minor });
      }),
      { numRuns: 2000, examples: [[INT64_MAX, 'CLF'], [INT64_MIN, 'CLF'], [0n, 'JPY'], [-1n, 'KWD'], [INT64_MIN, 'JPY']] },
    );
  });

  it('round-trips small amounts near zero, where padding matters', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -100_000n, max: 100_000n }), currency, (minor, code) => {
        expect(parseAmount(formatAmount(minor, code), code)).toEqual({ ok: true, minor });
      }),
      { numRuns: 1000 },
    );
  });

  it('formats a canonical decimal string back to itself', () => {
    const canonical = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.integer({ min: 0, max: 99 }))
      .map(([negative, whole, cents]) => `${negative ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`);
    fc.assert(
      fc.property(canonical, (text) => {
        const parsed = parseAmount(text, 'BRL');
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(formatAmount(parsed.minor, 'BRL')).toBe(text);
      }),
    );
  });
});

describe('sumMinor', () => {
  it('is 0n for no values', () => {
    expect(sumMinor([])).toBe(0n);
  });

  it('adds positive and negative amounts exactly', () => {
    expect(sumMinor([123456n, -6n, 50n])).toBe(123500n);
    expect(sumMinor([10n, -10n])).toBe(0n);
  });

  it('does not lose precision beyond 2^53 or at the int64 bounds', () => {
    expect(sumMinor([2n ** 53n, 1n])).toBe(9007199254740993n);
    expect(sumMinor([INT64_MAX, INT64_MIN])).toBe(-1n);
    expect(sumMinor([INT64_MAX, INT64_MAX])).toBe(2n * INT64_MAX);
  });

  it('accepts any iterable, including a generator', () => {
    function* values() {
      yield 1n;
      yield 2n;
      yield 3n;
    }
    expect(sumMinor(values())).toBe(6n);
    expect(sumMinor(new Set([5n, 7n]))).toBe(12n);
  });

  it('equals the sum computed one by one (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), { maxLength: 50 }), (values) => {
        let expected = 0n;
        for (const v of values) expected += v;
        expect(sumMinor(values)).toBe(expected);
      }),
    );
  });
});
