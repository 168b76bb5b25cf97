import type { RowProblem } from '../statement-file.types';
import { swiftAmount, swiftDate } from './mt940-values';

/** A `:60F:`/`:60M:`/`:62F:`/`:62M:` balance: `C260131EUR1234,56` (mark, YYMMDD, currency, amount). */
export interface Mt940Balance {
  /** The currency as written (even when it is not ISO 4217: entries then report `currency_unknown`). */
  currency: string | null;
  /** Signed minor units (D is negative); null when the balance could not be read. */
  amount: bigint | null;
  problems: RowProblem[];
}

const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d+,\d*)$/;

export function parseBalance(text: string, line: number, field: string): Mt940Balance {
  const match = BALANCE.exec(text.trim());
  if (match === null) {
    const message = `line ${line}: ${field} must be a balance such as C260131EUR1234,56 (C or D, YYMMDD, currency, amount with a decimal comma)`;
    return { currency: null, amount: null, problems: [{ line, field, code: 'mt940_line_invalid', message }] };
  }
  const [, mark, date, currency, amountText] = match;
  const problems: RowProblem[] = [];
  if (swiftDate(date) === null) {
    problems.push({ line, field, code: 'date_invalid', message: `line ${line}: ${field} date ${date} is not a calendar date (YYMMDD)` });
  }
  const amount = swiftAmount(amountText, currency);
  if (!amount.ok) {
    problems.push({ line, field, code: amount.problem, message: `line ${line}: ${field} ${amount.message}` });
    return { currency, amount: null, problems };
  }
  return { currency, amount: mark === 'D' ? -amount.minor : amount.minor, problems };
}
