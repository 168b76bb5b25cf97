import { DomainError } from '../errors/domain-error';
import { currencyExponent, isKnownCurrency } from './currency';

/** Amounts are stored as signed 64-bit minor units (Postgres bigint). */
export const MAX_MINOR_UNITS = 9_223_372_036_854_775_807n;
export const MIN_MINOR_UNITS = -9_223_372_036_854_775_808n;

export type AmountProblem =
  | 'amount_invalid'
  | 'amount_precision_exceeded'
  | 'amount_out_of_range'
  | 'currency_unknown';

export type AmountParse = { ok: true; minor: bigint } | { ok: false; problem: AmountProblem; message: string };

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses an API amount into minor units of `currency`, exactly.
 * Accepts a decimal string ("1234.56", "-8", "0.5") or a JSON number that was already
 * parsed; rejects exponents, thousands separators, signs other than a leading '-',
 * more fraction digits than the currency has, and magnitudes outside bigint.
 */
export function parseAmount(input: unknown, currency: string): AmountParse {
  if (!isKnownCurrency(currency)) {
    return { ok: false, problem: 'currency_unknown', message: `unknown currency '${currency}'` };
  }
  const text = amountText(input);
  if (text === null) {
    return { ok: false, problem: 'amount_invalid', message: 'amount must be a decimal string such as "1234.56"' };
  }
  if (text === 'unsafe') {
    return { ok: false, problem: 'amount_out_of_range', message: 'amount exceeds 2^53 as a JSON number; send it as a string' };
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    return { ok: false, problem: 'amount_invalid', message: 'amount must be a plain decimal: digits, an optional "." and an optional leading "-"' };
  }
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) {
    return {
      ok: false,
      problem: 'amount_precision_exceeded',
      message: `${currency} has ${exponent} decimal places; got ${fraction.length}`,
    };
  }
  const digits = whole + fraction.padEnd(exponent, '0');
  const minor = BigInt(digits) * (sign === '-' ? -1n : 1n);
  if (minor > MAX_MINOR_UNITS || minor < MIN_MINOR_UNITS) {
    return { ok: false, problem: 'amount_out_of_range', message: 'amount is beyond the supported range' };
  }
  return { ok: true, minor };
}

function amountText(input: unknown): string | null | 'unsafe' {
  if (typeof input === 'string') return input.length > 0 && input.length <= 40 ? input : null;
  if (typeof input !== 'number' || !Number.isFinite(input)) return null;
  if (Math.abs(input) > Number.MAX_SAFE_INTEGER) return 'unsafe';
  // The shortest round-trip form: exactly what the client wrote for any amount that a
  // double can carry, and exponent-free for every magnitude below 2^53 and above 1e-7.
  const text = String(input);
  return /e/i.test(text) ? null : text;
}

/** Formats minor units as the API's decimal string: 123456n BRL → "1234.56", -5n JPY → "-5". */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

/** parseAmount for request fields: the minor units, or a DomainError naming `field`. */
export function requireAmount(input: unknown, currency: string, field: string): bigint {
  const parsed = parseAmount(input, currency);
  if (parsed.ok) return parsed.minor;
  throw DomainError.field(parsed.problem, field, parsed.message);
}
