import { DomainError } from '../errors/domain-error';
import { daysBetween, isCalendarDate } from './calendar-date';

export const DEFAULT_MAX_PERIOD_DAYS = 90;

export interface Period {
  start: string;
  end: string;
}

/** Number of days a period covers, counting both ends ([2026-01-01, 2026-01-31] is 31). */
export function periodLengthDays(period: Period): number {
  return daysBetween(period.start, period.end) + 1;
}

/** Checks a reconciliation period; throws period_invalid or period_too_long. */
export function assertValidPeriod(period: Period, maxPeriodDays: number): void {
  const notDates = (['start', 'end'] as const)
    .filter((end) => !isCalendarDate(period[end]))
    .map((end) => ({ field: end === 'start' ? 'periodStart' : 'periodEnd', code: 'period_invalid', message: 'must be a calendar date (YYYY-MM-DD)' }));
  if (notDates.length > 0) {
    throw new DomainError('period_invalid', 'periodStart and periodEnd must be calendar dates (YYYY-MM-DD)', notDates);
  }
  if (period.end < period.start) {
    throw new DomainError('period_invalid', 'periodEnd is before periodStart', [
      { field: 'periodEnd', code: 'period_invalid', message: 'must not be before periodStart' },
    ]);
  }
  const length = periodLengthDays(period);
  if (length > maxPeriodDays) {
    throw new DomainError(
      'period_too_long',
      `the period covers ${length} days; this account allows at most ${maxPeriodDays}`,
      [{ field: 'periodEnd', code: 'period_too_long', message: `at most ${maxPeriodDays} days after periodStart` }],
      { maxPeriodDays, periodDays: length },
    );
  }
}

export function periodsOverlap(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}
