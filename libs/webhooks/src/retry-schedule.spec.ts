import { RETRY_AFTER_CAP_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_SCHEDULE_MS, nextRetryDelayMs, retryAfterMs } from './retry-schedule';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const NOMINAL = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H];

describe('nextRetryDelayMs', () => {
  it('has the nine steps of the issue, about three days in total, ten attempts', () => {
    expect(WEBHOOK_RETRY_SCHEDULE_MS).toEqual(NOMINAL);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(10);
    const total = NOMINAL.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3 * 24 * H);
    expect(total).toBeLessThan(3.5 * 24 * H);
  });

  it.each(NOMINAL.map((ms, i) => [i + 1, ms]))('after attempt %i waits %i ms within ±20 %%', (attempts, nominal) => {
    expect(nextRetryDelayMs(attempts, { scale: 1, random: () => 0 })).toBe(Math.round(nominal * 0.8));
    expect(nextRetryDelayMs(attempts, { scale: 1, random: () => 1 })).toBe(Math.round(nominal * 1.2));
    expect(nextRetryDelayMs(attempts, { scale: 1, random: () => 0.5 })).toBe(nominal);
  });

  it('applies the scale (tests use 0.001)', () => {
    expect(nextRetryDelayMs(1, { scale: 0.001, random: () => 0.5 })).toBe(5);
    expect(nextRetryDelayMs(2, { scale: 0.001, random: () => 1 })).toBe(360);
    expect(nextRetryDelayMs(9, { scale: 0.001, random: () => 0 })).toBe(Math.round(24 * H * 0.8 * 0.001));
    expect(nextRetryDelayMs(3, { scale: 0, random: () => 1 })).toBe(0);
  });

  it('stays within the jitter band with the default random source', () => {
    for (let i = 0; i < 200; i++) {
      const delay = nextRetryDelayMs(2, { scale: 1 }) as number;
      expect(delay).toBeGreaterThanOrEqual(0.8 * 5 * M);
      expect(delay).toBeLessThanOrEqual(1.2 * 5 * M);
    }
  });

  it('returns null once the attempts are exhausted', () => {
    expect(nextRetryDelayMs(9, { scale: 1, random: () => 0.5 })).toBe(24 * H);
    expect(nextRetryDelayMs(10, { scale: 1, random: () => 0.5 })).toBeNull();
    expect(nextRetryDelayMs(11, { scale: 0.001 })).toBeNull();
    expect(nextRetryDelayMs(1000, { scale: 1 })).toBeNull();
  });

  it('refuses nonsense input', () => {
    expect(() => nextRetryDelayMs(0, { scale: 1 })).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1.5, { scale: 1 })).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1, { scale: -1 })).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1, { scale: Number.NaN })).toThrow(RangeError);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2025, 0, 2, 3, 4, 5);

  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120 * S);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs(' 5 ', now)).toBe(5 * S);
  });

  it('reads an HTTP date in all three formats', () => {
    expect(retryAfterMs('Thu, 02 Jan 2025 03:05:05 GMT', now)).toBe(60 * S);
    expect(retryAfterMs('Thursday, 02-Jan-25 03:06:05 GMT', now)).toBe(120 * S);
    expect(retryAfterMs('Thu Jan  2 03:04:35 2025', now)).toBe(30 * S);
  });

  it('treats a date in the past as "now"', () => {
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('caps at 24 h', () => {
    expect(RETRY_AFTER_CAP_MS).toBe(24 * H);
    expect(retryAfterMs('86401', now)).toBe(24 * H);
    expect(retryAfterMs('999999999999999999999999999', now)).toBe(24 * H);
    expect(retryAfterMs('Sun, 05 Jan 2025 03:04:05 GMT', now)).toBe(24 * H);
  });

  it.each([undefined, '', '   ', 'soon', '-5', '1.5', '+5', '5s', '0x10', 'Thu, 31 Feb 2025 03:04:05 GMT', 'Thu, 02 Jan 2025 25:00:00 GMT', '2025-01-02T03:05:05Z', 'Thu, 02 Jan 2025 03:05:05'])(
    'is null for %j',
    (header) => {
      expect(retryAfterMs(header, now)).toBeNull();
    },
  );

  it('uses the clock by default', () => {
    const inAMinute = new Date(Date.now() + 60 * S).toUTCString();
    const ms = retryAfterMs(inAMinute) as number;
    expect(ms).toBeGreaterThan(55 * S);
    expect(ms).toBeLessThanOrEqual(60 * S);
  });
});
