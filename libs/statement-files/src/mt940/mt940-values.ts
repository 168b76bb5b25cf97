import { daysBetween, isCalendarDate, parseAmount, type AmountParse } from '@concilia/domain';

/**
 * A statement's lines share a handful of dates, and checking one builds a Date: the last few
 * thousand answers are kept (memos of pure functions, emptied when full, so memory stays bounded).
 */
const MEMO_SIZE = 4096;
const valueDates = new Map<string, string | null>();
const entryDates = new Map<string, string | null>();

/**
 * SWIFT writes dates as YYMMDD. Two-digit years are read as 2000 + YY: MT940 files are
 * current bank statements, and 19YY statements are not imported.
 */
export function swiftDate(yymmdd: string): string | null {
  const known = valueDates.get(yymmdd);
  if (known !== undefined) return known;
  const date = `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  return remember(valueDates, yymmdd, isCalendarDate(date) ? date : null);
}

/**
 * The `:61:` entry date is MMDD without a year: it takes the year that puts it nearest to the
 * value date, so value 2026-01-02 with entry 1231 is 2025-12-31 (and value 2025-12-31 with
 * entry 0102 is 2026-01-02).
 */
export function entryDateNear(mmdd: string, valueDate: string): string | null {
  if (isSameMonthDay(mmdd, valueDate)) return valueDate;
  const key = mmdd + valueDate;
  const known = entryDates.get(key);
  return known !== undefined ? known : remember(entryDates, key, nearestYear(mmdd, valueDate));
}

/** MMDD against YYYY-MM-DD, character by character: most lines are booked on their value date. */
function isSameMonthDay(mmdd: string, date: string): boolean {
  return mmdd[0] === date[5] && mmdd[1] === date[6] && mmdd[2] === date[8] && mmdd[3] === date[9];
}

function nearestYear(mmdd: string, valueDate: string): string | null {
  const year = Number(valueDate.slice(0, 4));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidateYear of [year - 1, year, year + 1]) {
    const candidate = `${candidateYear}-${mmdd.slice(0, 2)}-${mmdd.slice(2, 4)}`;
    if (!isCalendarDate(candidate)) continue;
    const distance = Math.abs(daysBetween(valueDate, candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function remember(memo: Map<string, string | null>, key: string, value: string | null): string | null {
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * A SWIFT amount (`1234,56`, `100,` with a trailing comma, never a sign) in minor units of
 * `currency`, exactly: the decimal comma becomes a point and `parseAmount` checks the
 * currency's decimal places.
 */
export function swiftAmount(text: string, currency: string): AmountParse {
  const comma = text.indexOf(',');
  const decimal = comma === text.length - 1 ? text.slice(0, comma) : text.replace(',', '.');
  return parseAmount(decimal, currency);
}
