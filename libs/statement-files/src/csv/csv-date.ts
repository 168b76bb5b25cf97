import { isCalendarDate } from '@concilia/domain';

/** Longest first, so `yyyy` is never read as two `yy` and `MM` never as two `M`. */
const DATE_TOKENS = ['yyyy', 'yy', 'MM', 'M', 'dd', 'd'] as const;
type DateToken = (typeof DATE_TOKENS)[number];

export type DateFormatPart = { token: DateToken } | { literal: string };

const TOKEN_PATTERN: Record<DateToken, string> = {
  yyyy: '(\\d{4})',
  yy: '(\\d{2})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  dd: '(\\d{2})',
  d: '(\\d{1,2})',
};

const MAX_DATE_FORMAT_LENGTH = 40;
const DATE_CACHE_SIZE = 4096;

/** Splits a profile's date format ('dd/MM/yyyy') into tokens and literal separators. */
export function parseDateFormat(format: string): DateFormatPart[] {
  const parts: DateFormatPart[] = [];
  let literal = '';
  let index = 0;
  while (index < format.length) {
    const token = DATE_TOKENS.find((candidate) => format.startsWith(candidate, index));
    if (token === undefined) {
      literal += format[index];
      index += 1;
      continue;
    }
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ token });
    index += token.length;
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

/** Why a date format cannot be used, or null when it can. */
export function dateFormatProblem(format: string): string | null {
  if (format.length === 0 || format.length > MAX_DATE_FORMAT_LENGTH) return `must be 1 to ${MAX_DATE_FORMAT_LENGTH} characters`;
  const parts = parseDateFormat(format);
  const tokens = parts.flatMap((part) => ('token' in part ? [part.token] : []));
  const count = (...names: DateToken[]) => tokens.filter((token) => names.includes(token)).length;
  if (count('yyyy', 'yy') !== 1 || count('MM', 'M') !== 1 || count('dd', 'd') !== 1) {
    return 'must hold exactly one year (yyyy or yy), one month (MM or M) and one day (dd or d), e.g. dd/MM/yyyy';
  }
  // Letters and digits outside tokens are typos such as 'DD/MM/YYYY', never separators.
  if (parts.some((part) => 'literal' in part && /[A-Za-z0-9]/.test(part.literal))) {
    return 'may contain only the tokens yyyy, yy, MM, M, dd, d and separators such as / - . or space (tokens are case-sensitive)';
  }
  if (parts.some((part, i) => 'token' in part && isShortToken(part.token) && adjacentToken(parts, i))) {
    return 'M and d need a separator next to them: without one, 1112026 is ambiguous';
  }
  return null;
}

function isShortToken(token: DateToken): boolean {
  return token === 'M' || token === 'd';
}

function adjacentToken(parts: DateFormatPart[], index: number): boolean {
  const before = parts[index - 1];
  const after = parts[index + 1];
  return (before !== undefined && 'token' in before) || (after !== undefined && 'token' in after);
}

/** Reads one cell: the ISO date (YYYY-MM-DD), or null when the text is not a calendar date in the format. */
export type DateReader = (text: string) => string | null;

/** Compiles the format once per file; rows then cost a map lookup, or one regex match for a new date. */
export function compileDateReader(format: string): DateReader {
  const parts = parseDateFormat(format);
  const groups = parts.flatMap((part) => ('token' in part ? [part.token] : []));
  const source = parts.map((part) => ('token' in part ? TOKEN_PATTERN[part.token] : escapeRegExp(part.literal))).join('');
  const pattern = new RegExp(`^${source}$`);
  const year = groups.findIndex((token) => token === 'yyyy' || token === 'yy') + 1;
  const month = groups.findIndex((token) => token === 'MM' || token === 'M') + 1;
  const day = groups.findIndex((token) => token === 'dd' || token === 'd') + 1;
  const twoDigitYear = groups.includes('yy');
  const read = (text: string): string | null => {
    const match = pattern.exec(text);
    const iso = match === null ? null : `${twoDigitYear ? '20' : ''}${match[year]}-${match[month].padStart(2, '0')}-${match[day].padStart(2, '0')}`;
    return iso !== null && isCalendarDate(iso) ? iso : null;
  };
  // A file holds few distinct dates: each is checked once (the cache is bounded all the same).
  const cache = new Map<string, string | null>();
  return (text) => {
    const cached = cache.get(text);
    if (cached !== undefined) return cached;
    if (cache.size >= DATE_CACHE_SIZE) cache.clear();
    const date = read(text);
    cache.set(text, date);
    return date;
  };
}

/** Writes an ISO date in a profile's format (the inverse of compileDateReader; used by the test writer). */
export function formatDate(iso: string, parts: readonly DateFormatPart[]): string {
  const [year, month, day] = iso.split('-');
  const values: Record<DateToken, string> = {
    yyyy: year,
    yy: year.slice(2),
    MM: month,
    M: String(Number(month)),
    dd: day,
    d: String(Number(day)),
  };
  return parts.map((part) => ('token' in part ? values[part.token] : part.literal)).join('');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
