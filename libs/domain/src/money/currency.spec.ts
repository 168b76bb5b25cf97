import * as currencyCodes from 'currency-codes';
import { currencyExponent, isKnownCurrency, knownCurrencies } from './currency';

const NON_MONETARY = ['XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX'];

describe('currencyExponent', () => {
  it.each([
    ['JPY', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['XOF', 0],
    ['BRL', 2],
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['KWD', 3],
    ['BHD', 3],
    ['JOD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has exponent %i', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('agrees with the currency-codes package for every known currency', () => {
    for (const code of knownCurrencies()) {
      expect([code, currencyExponent(code)]).toEqual([code, currencyCodes.code(code)?.digits]);
    }
  });

  it('is always a small non-negative integer', () => {
    for (const code of knownCurrencies()) {
      const exponent = currencyExponent(code);
      expect(Number.isInteger(exponent)).toBe(true);
      expect(exponent).toBeGreaterThanOrEqual(0);
      expect(exponent).toBeLessThanOrEqual(4);
    }
  });

  it.each([['XYZ'], ['brl'], [''], ['XAU'], ['XXX'], ['XTS']])('throws for unknown currency %p', (code) => {
    expect(() => currencyExponent(code)).toThrow(`unknown currency ${code}`);
  });
});

describe('isKnownCurrency', () => {
  it.each([['BRL'], ['USD'], ['EUR'], ['JPY'], ['KWD'], ['CLF'], ['XOF'], ['XAF'], ['XCD'], ['XPF']])(
    'knows %s',
    (code) => {
      expect(isKnownCurrency(code)).toBe(true);
    },
  );

  it('does not know ISO 4217 codes that are not money an account can hold', () => {
    for (const code of NON_MONETARY) {
      expect([code, isKnownCurrency(code)]).toEqual([code, false]);
    }
  });

  it.each([['brl'], ['Brl'], [' BRL'], ['BRL '], ['BR'], ['BRLL'], [''], ['XYZ'], ['123'], ['toString'], ['__proto__']])(
    'does not know %p',
    (code) => {
      expect(isKnownCurrency(code)).toBe(false);
    },
  );
});

describe('knownCurrencies', () => {
  const list = knownCurrencies();

  it('is sorted and has no duplicates', () => {
    expect(list).toEqual([...list].sort());
    expect(new Set(list).size).toBe(list.length);
  });

  it('is every currency-codes code except the non-monetary ones', () => {
    const expected = currencyCodes
      .codes()
      .filter((code) => !NON_MONETARY.includes(code))
      .sort();
    expect(list).toEqual(expected);
    for (const code of NON_MONETARY) expect(list).not.toContain(code);
  });

  it('lists only three-letter upper-case codes, each of them known', () => {
    for (const code of list) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect(isKnownCurrency(code)).toBe(true);
    }
  });

  it('returns a fresh array each call, so callers cannot change the registry', () => {
    const mine = knownCurrencies();
    mine.length = 0;
    mine.push('ZZZ');
    expect(knownCurrencies()).toEqual(list);
    expect(isKnownCurrency('ZZZ')).toBe(false);
  });
});
