import type { AmountParse } from '@concilia/domain';
import type { RowProblem } from '../statement-file.types';
import { entryDateNear, swiftAmount, swiftDate } from './mt940-values';

/** A `:61:` statement line, read. */
export interface Mt940StatementLine {
  valueDate: string;
  /** The entry (booking) date when the line has one, else the value date. */
  date: string;
  /** Signed minor units: C and RD are money in, D and RC money out. */
  amount: bigint;
  /** RC / RD: the reversal of an earlier credit or debit. */
  reversal: boolean;
  /** `NTRF`, `NMSC`, `FCHG`, ... */
  transactionType: string;
  customerReference: string | null;
  bankReference: string | null;
  /** The optional second line (supplementary details). */
  supplementary: string | null;
}

export type StatementLineParse = { ok: true; value: Mt940StatementLine } | { ok: false; problems: RowProblem[] };

/** YYMMDD [MMDD] C|D|RC|RD [funds code] amount [NSF]XXX reference[//bank reference] */
const STATEMENT_LINE = /^(\d{6})(\d{4})?(R?[CD])[A-Z]?(\d+,\d*)([NSF][A-Z0-9]{3})(.*)$/;
const FIELD = ':61:';

export function parseStatementLine(lines: readonly string[], line: number, currency: string): StatementLineParse {
  const match = STATEMENT_LINE.exec(lines[0].trim());
  if (match === null) {
    const message = `line ${line}: cannot read the :61: statement line (expected YYMMDD[MMDD], C, D, RC or RD, an amount with a decimal comma, a transaction type such as NTRF and a reference)`;
    return { ok: false, problems: [{ line, field: FIELD, code: 'mt940_line_invalid', message }] };
  }
  // Indexed, not destructured: array destructuring walks an iterator, on every line.
  const valueText = match[1];
  const entryText = match[2];
  const mark = match[3];
  const valueDate = swiftDate(valueText);
  const date = valueDate === null || entryText === undefined ? valueDate : entryDateNear(entryText, valueDate);
  const amount = swiftAmount(match[4], currency);
  if (valueDate === null || date === null || !amount.ok) return { ok: false, problems: lineProblems(line, match, valueDate, date, amount) };
  const references = match[6];
  const moneyIn = mark === 'C' || mark === 'RD';
  const separator = references.indexOf('//');
  return {
    ok: true,
    value: {
      valueDate,
      date,
      amount: moneyIn ? amount.minor : -amount.minor,
      reversal: mark.length === 2,
      transactionType: match[5],
      customerReference: referenceOrNull(separator < 0 ? references : references.slice(0, separator)),
      bankReference: separator < 0 ? null : referenceOrNull(references.slice(separator + 2)),
      supplementary: joinedText(lines, 1),
    },
  };
}

/**
 * References are `CUSTREF//BANKREF`. `NONREF` means there is none; ING writes the name of the
 * `:86:` code that holds the real reference (`EREF`, `PREF`, ...) as the customer reference.
 */
const NOT_A_REFERENCE = new Set(['NONREF', 'NOTPROVIDED', 'EREF', 'KREF', 'MREF', 'MARF', 'PREF', 'IREF']);

function lineProblems(line: number, match: RegExpExecArray, valueDate: string | null, date: string | null, amount: AmountParse): RowProblem[] {
  const problems: RowProblem[] = [];
  if (valueDate === null) {
    problems.push({ line, field: 'valueDate', code: 'date_invalid', message: `line ${line}: :61: value date ${match[1]} is not a calendar date (YYMMDD)` });
  } else if (date === null) {
    problems.push({ line, field: 'date', code: 'date_invalid', message: `line ${line}: :61: entry date ${match[2]} is not a calendar date (MMDD)` });
  }
  if (!amount.ok) problems.push({ line, field: 'amount', code: amount.problem, message: `line ${line}: :61: ${amount.message}` });
  return problems;
}

function referenceOrNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed.length === 0 || NOT_A_REFERENCE.has(trimmed) ? null : trimmed;
}

function joinedText(lines: readonly string[], from: number): string | null {
  let text = '';
  for (let i = from; i < lines.length; i += 1) {
    const part = lines[i].trim();
    if (part.length > 0) text = text.length === 0 ? part : `${text} ${part}`;
  }
  return text.length === 0 ? null : text;
}
