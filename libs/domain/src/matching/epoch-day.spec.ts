import fc from 'fast-check';
import { daysBetween, isCalendarDate } from '../period/calendar-date';
import { epochDay } from './epoch-day';

describe('epochDay', () => {
  it('equals daysBetween from 1970-01-01 for every valid date, and is NaN exactly for invalid ones', () => {
    const dateText = fc.oneof(
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.tuple(fc.integer({ min: 1800, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
        ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(dateText, (text) => {
        const day = epochDay(text);
        if (isCalendarDate(text)) expect(day).toBe(daysBetween('1970-01-01', text));
        else expect(day).toBeNaN();
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['1970-01-01', 0],
    ['2026-01-31', 20484],
    ['2024-02-29', 19782],
    ['1900-03-01', -25508],
  ])('%s is day %d', (date, day) => {
    expect(epochDay(date)).toBe(day);
  });

  it.each(['2023-02-29', '1900-02-29', '2026-1-01', '2026-01-01T', '20260101', '1899-12-31', '2026-00-10'])('rejects %p', (date) => {
    expect(epochDay(date)).toBeNaN();
  });
});
