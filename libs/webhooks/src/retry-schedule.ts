const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Nominal delays after attempt 1, 2, ... 9 (about 3 days in total). */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]);

/** The first attempt plus one retry per step of the schedule. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_SCHEDULE_MS.length + 1;

/** Each delay is moved by up to this fraction either way. */
export const WEBHOOK_RETRY_JITTER = 0.2;

/** Retry-After is never honoured beyond this. */
export const RETRY_AFTER_CAP_MS = 24 * HOUR;

/**
 * Delay before attempt n+1 (n = attempts made, 1-based) in ms: ~5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h, 24 h with ±20 % jitter, times `scale` (tests use 0.001); null when attempts are
 * exhausted (n >= WEBHOOK_MAX_ATTEMPTS). `random` returns [0, 1]: 0 gives -20 %, 1 gives +20 %.
 */
export function nextRetryDelayMs(attemptsMade: number, options: { scale: number; random?: () => number }): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  const { scale } = options;
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`scale must be a finite number >= 0, got ${scale}`);
  const base = WEBHOOK_RETRY_SCHEDULE_MS[attemptsMade - 1];
  if (base === undefined) return null;
  const r = Math.min(1, Math.max(0, (options.random ?? Math.random)()));
  const jitter = 1 + (2 * r - 1) * WEBHOOK_RETRY_JITTER;
  return Math.max(0, Math.round(base * jitter * scale));
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** asctime: Sun Nov  6 08:49:37 1994 */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function httpDateMs(text: string, now: number): number | null {
  let day: number, month: string, year: number, h: number, m: number, s: number;
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    [day, month, year, h, m, s] = [Number(match[1]), match[2], Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])];
  } else if ((match = RFC850.exec(text))) {
    [day, month, h, m, s] = [Number(match[1]), match[2], Number(match[4]), Number(match[5]), Number(match[6])];
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const nowYear = new Date(now).getUTCFullYear();
    year = 2000 + Number(match[3]);
    while (year > nowYear + 50) year -= 100;
  } else if ((match = ASCTIME.exec(text))) {
    [month, day, h, m, s, year] = [match[1], Number(match[2].trim()), Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])];
  } else {
    return null;
  }
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const monthIndex = MONTHS.indexOf(month);
  const ms = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59));
  // Reject dates that roll over (31 Feb).
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/**
 * Retry-After (seconds or HTTP date) in ms, capped at 24 h; null if absent/invalid.
 * A date in the past gives 0. Negative or fractional seconds and anything else are invalid.
 */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | null {
  if (typeof header !== 'string') return null;
  const text = header.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Math.min(RETRY_AFTER_CAP_MS, seconds * 1000);
  }
  const at = httpDateMs(text, now);
  if (at === null) return null;
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, at - now));
}
