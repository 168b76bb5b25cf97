import { escapeRegExp } from './csv-date';

/** An amount cell rewritten as the plain decimal `parseAmount` takes, with where its sign came from. */
export interface DecimalText {
  /** Plain digits with an optional '.' fraction: "1234.56". */
  digits: string;
  negative: boolean;
  /** True when the cell carried a sign of its own (+, -, trailing -, parentheses). */
  signed: boolean;
}

/** Reads one trimmed amount cell, or null when it is not a number in the profile's notation. */
export type AmountTextReader = (text: string) => DecimalText | null;

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const PLUS = 43;
const MINUS = 45;
/** Spreadsheets write a space thousands separator as a no-break or narrow no-break space. */
const NO_BREAK_SPACES = /[\u00a0\u202f]/g;

/**
 * Compiles the profile's notation once per file. Thousands separators are accepted only in
 * groups of three after a 1-3 digit head, so `1,234.56` read with decimal ',' and thousands
 * '.' is refused instead of becoming a wrong amount.
 */
export function compileAmountReader(decimalSeparator: '.' | ',', thousandsSeparator: string): AmountTextReader {
  const whole = thousandsSeparator === '' ? '\\d+' : `\\d{1,3}(?:${escapeRegExp(thousandsSeparator)}\\d{3})+|\\d+`;
  const pattern = new RegExp(`^(${whole})(?:${escapeRegExp(decimalSeparator)}(\\d+))?$`);
  const spaceGroups = thousandsSeparator === ' ';
  return (text) => {
    const sign = splitSign(text);
    if (sign === null) return null;
    const number = spaceGroups ? sign.rest.replace(NO_BREAK_SPACES, ' ') : sign.rest;
    const match = pattern.exec(number);
    if (match === null) return null;
    const integer = thousandsSeparator !== '' && match[1].length > 3 ? match[1].split(thousandsSeparator).join('') : match[1];
    return { digits: match[2] === undefined ? integer : `${integer}.${match[2]}`, negative: sign.negative, signed: sign.signed };
  };
}

/** Leading + or -, SAP's trailing -, or accountants' parentheses; at most one of them. */
function splitSign(text: string): { rest: string; negative: boolean; signed: boolean } | null {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first === OPEN_PAREN || last === CLOSE_PAREN) {
    return first === OPEN_PAREN && last === CLOSE_PAREN ? { rest: text.slice(1, -1), negative: true, signed: true } : null;
  }
  if (first === PLUS || first === MINUS) {
    return last === MINUS ? null : { rest: text.slice(1), negative: first === MINUS, signed: true };
  }
  if (last === MINUS) return { rest: text.slice(0, -1), negative: true, signed: true };
  return { rest: text, negative: false, signed: false };
}
