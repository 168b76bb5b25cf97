import * as currencyCodes from 'currency-codes';

/** Codes that ISO 4217 lists but that are not money an account can hold. */
const NON_MONETARY = new Set(['XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']);

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  currencyCodes
    .codes()
    .filter((code) => !NON_MONETARY.has(code))
    .map((code) => [code, currencyCodes.code(code)?.digits ?? 0] as const),
);

export function isKnownCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

/** The ISO 4217 minor-unit exponent (JPY 0, BRL 2, KWD 3). Throws for unknown codes. */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) throw new Error(`unknown currency ${code}`);
  return exponent;
}

export function knownCurrencies(): string[] {
  return [...EXPONENTS.keys()].sort();
}
