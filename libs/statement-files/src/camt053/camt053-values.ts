import { isCalendarDate, parseAmount } from '@concilia/domain';
import type { RowProblem } from '../statement-file.types';
import type { CamtField } from './camt053-paths';
import type { FieldRecord } from './field-record';

/** A value read from a record, or why it could not be. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: RowProblem[] };

export interface SignedAmount {
  minor: bigint;
  currency: string;
}

/** Where an amount lives in a record, and how problems with it are labelled (`Ntry/Amt`). */
export interface AmountSource {
  amount: CamtField;
  currency: CamtField;
  label: string;
}

export function problemsOf<T>(checked: Checked<T>): RowProblem[] {
  return checked.ok ? [] : checked.problems;
}

export function problem(line: number, field: string, code: string, message: string): RowProblem {
  return { line, field, code, message };
}

/** A file value quoted in a message, cut short so that a hostile value cannot bloat the error. */
export function quoted(value: string): string {
  return value.length > 40 ? `'${value.slice(0, 40)}...'` : `'${value}'`;
}

/** `CRDT` is money in (+1), `DBIT` money out (-1). */
function readDirection(indicator: string | null, label: string, line: number): Checked<1n | -1n> {
  if (indicator === 'CRDT') return { ok: true, value: 1n };
  if (indicator === 'DBIT') return { ok: true, value: -1n };
  if (indicator === null) return { ok: false, problems: [problem(line, label, 'required', 'the credit/debit indicator (CdtDbtInd) is missing')] };
  return {
    ok: false,
    problems: [problem(line, label, 'credit_debit_invalid', `credit/debit indicator must be CRDT or DBIT, got ${quoted(indicator)}`)],
  };
}

/** The amount text as written (never a float: `0010.10` stays text), unsigned as ISO requires. */
function readAmountText(record: FieldRecord, source: AmountSource): Checked<{ text: string; currency: string }> {
  const text = record.get(source.amount);
  const currency = record.get(source.currency);
  const line = record.line;
  if (text === null) return { ok: false, problems: [problem(line, source.label, 'required', 'the amount is missing')] };
  if (currency === null) return { ok: false, problems: [problem(line, `${source.label}/@Ccy`, 'required', 'the amount has no currency (Ccy)')] };
  if (text.startsWith('-') || text.startsWith('+')) {
    return {
      ok: false,
      problems: [problem(line, source.label, 'amount_invalid', `amounts are unsigned in camt.053 (the direction is CdtDbtInd), got ${quoted(text)}`)],
    };
  }
  return { ok: true, value: { text, currency } };
}

/**
 * Amount and direction together, as exact minor units (`0010.10` EUR is 1010); both are
 * checked so that a client sees every problem at once. The sign goes onto the text so that
 * parseAmount checks the range of the signed value.
 */
export function readSignedAmount(
  record: FieldRecord,
  source: AmountSource,
  indicator: string | null,
  indicatorLabel: string,
): Checked<SignedAmount> {
  const amount = readAmountText(record, source);
  const direction = readDirection(indicator, indicatorLabel, record.line);
  if (!amount.ok) return { ok: false, problems: [...amount.problems, ...problemsOf(direction)] };
  const { text, currency } = amount.value;
  // Parsed even when the direction is bad, so that both problems are reported at once.
  const parsed = parseAmount(direction.ok && direction.value < 0n ? `-${text}` : text, currency);
  if (!parsed.ok) return { ok: false, problems: [problem(record.line, source.label, parsed.problem, parsed.message), ...problemsOf(direction)] };
  if (!direction.ok) return { ok: false, problems: direction.problems };
  return { ok: true, value: { minor: parsed.minor, currency } };
}

// xs:date may carry a zone (`2026-01-31+01:00`); xs:dateTime a time. The date is taken as written.
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME_PREFIX = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}/;

// A statement repeats the same few dates: remembering the valid ones saves a Date per entry.
const validDates = new Set<string>();
const MAX_REMEMBERED_DATES = 4096;

function isValidDate(value: string): boolean {
  if (validDates.has(value)) return true;
  if (!isCalendarDate(value)) return false;
  if (validDates.size >= MAX_REMEMBERED_DATES) validDates.clear();
  validDates.add(value);
  return true;
}

/** `Dt` or `DtTm` of a date element such as `BookgDt`; null when the element is absent. */
export function readDate(
  record: FieldRecord,
  dateField: CamtField,
  dateTimeField: CamtField,
  label: string,
): Checked<string | null> {
  const date = record.get(dateField);
  const dateTime = date === null ? record.get(dateTimeField) : null;
  if (date === null && dateTime === null) return { ok: true, value: null };
  const match = date !== null ? DATE_PREFIX.exec(date) : DATE_TIME_PREFIX.exec(dateTime ?? '');
  const value = match?.[1];
  if (value === undefined || !isValidDate(value)) {
    return { ok: false, problems: [problem(record.line, label, 'date_invalid', `${quoted(date ?? dateTime ?? '')} is not a valid calendar date`)] };
  }
  return { ok: true, value };
}
