import fc from 'fast-check';
import { DomainError } from '../errors/domain-error';
import { addDays, daysBetween, isCalendarDate } from './calendar-date';
import { assertValidPeriod, DEFAULT_MAX_PERIOD_DAYS, Period, periodLengthDays, periodsOverlap } from './period';

/** Runs `fn` and returns the DomainError it throws (failing the test if it throws nothing or something else). */
function domainErrorOf(fn: () => void): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

describe('isCalendarDate', () => {
  it.each([
    ['2026-01-01'],
    ['2026-01-31'],
    ['2026-02-28'],
    ['2026-12-31'],
    ['2024-02-29'], // leap year
    ['2000-02-29'], // divisible by 400: leap
    ['2026-04-30'],
    ['1900-01-01'],
    ['9999-12-31'],
  ])('accepts %s', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    ['2026-02-30'],
    ['2026-02-29'],
    ['2025-02-29'],
    ['1900-02-29'], // divisible by 100 but not 400: not leap
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-01-00'],
    ['2026-01-32'],
    ['2026-04-31'],
    ['2026-06-31'],
    ['1899-12-31'], // before the supported range
    ['0000-01-01'],
    ['0050-01-01'], // Date.UTC maps years 0-99 to 1900-1999
  ])('rejects the impossible or out-of-range date %s', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });

  it.each([
    [''],
    ['2026-1-01'],
    ['2026-01-1'],
    ['26-01-01'],
    ['2026/01/01'],
    ['20260101'],
    ['01-01-2026'],
    [' 2026-01-01'],
    ['2026-01-01 '],
    ['2026-01-01T00:00:00Z'],
    ['2026-01-01\n'],
    ['+2026-01-01'],
    ['10000-01-01'],
    ['２０２６-０１-０１'], // full-width digits
    ['abcd-ef-gh'],
  ])('rejects the malformed string %p', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });

  it.each([[null], [undefined], [20260101], [new Date('2026-01-01T00:00:00Z')], [{}], [['2026-01-01']]])(
    'rejects the non-string %p',
    (value) => {
      expect(isCalendarDate(value)).toBe(false);
    },
  );

  it('agrees with the number of days in every month of a leap and a non-leap year', () => {
    const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
    for (const year of [2024, 2025]) {
      for (let month = 1; month <= 12; month++) {
        const mm = String(month).padStart(2, '0');
        const last = daysIn(year, month);
        expect(isCalendarDate(`${year}-${mm}-${String(last).padStart(2, '0')}`)).toBe(true);
        expect(isCalendarDate(`${year}-${mm}-${String(last + 1).padStart(2, '0')}`)).toBe(false);
      }
    }
  });
});

describe('daysBetween', () => {
  it.each([
    ['2026-01-01', '2026-01-01', 0],
    ['2026-01-01', '2026-01-02', 1],
    ['2026-01-01', '2026-01-31', 30],
    ['2026-01-31', '2026-03-01', 29],
    ['2024-01-31', '2024-03-01', 30],
    ['2025-01-01', '2026-01-01', 365],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-28', '2026-03-30', 2], // across a European DST change: still whole days
    ['2026-01-02', '2026-01-01', -1],
    ['2026-12-31', '2026-01-01', -364],
  ])('from %s to %s is %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-01-01', 0, '2026-01-01'],
    ['2026-01-01', 1, '2026-01-02'],
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-01-01', 89, '2026-03-31'],
  ])('%s + %i days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('is the inverse of daysBetween', () => {
    const date = fc
      .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: -3000, max: 3000 }), (start, days) => {
        const end = addDays(start, days);
        expect(isCalendarDate(end)).toBe(true);
        expect(daysBetween(start, end)).toBe(days);
      }),
    );
  });
});

describe('periodLengthDays', () => {
  it.each([
    ['2026-01-01', '2026-01-01', 1],
    ['2026-01-01', '2026-01-02', 2],
    ['2026-01-01', '2026-01-31', 31],
    ['2026-02-01', '2026-02-28', 28],
    ['2024-02-01', '2024-02-29', 29],
    ['2026-01-01', '2026-03-31', 90],
    ['2026-01-01', '2026-04-01', 91],
    ['2024-01-01', '2024-12-31', 366],
  ])('[%s, %s] covers %i days, counting both ends', (start, end, days) => {
    expect(periodLengthDays({ start, end })).toBe(days);
  });
});

describe('assertValidPeriod', () => {
  it('defaults to a 90-day maximum', () => {
    expect(DEFAULT_MAX_PERIOD_DAYS).toBe(90);
  });

  it('accepts a single-day period', () => {
    expect(() => assertValidPeriod({ start: '2026-01-01', end: '2026-01-01' }, 90)).not.toThrow();
    expect(() => assertValidPeriod({ start: '2026-01-01', end: '2026-01-01' }, 1)).not.toThrow();
  });

  it('accepts a whole month', () => {
    expect(() => assertValidPeriod({ start: '2026-01-01', end: '2026-01-31' }, 31)).not.toThrow();
  });

  describe('invalid dates', () => {
    it.each([
      [{ start: '2026-02-30', end: '2026-03-01' }],
      [{ start: '2026-01-01', end: '2026-02-30' }],
      [{ start: '2026-13-01', end: '2026-13-02' }],
      [{ start: '2025-02-29', end: '2025-03-01' }],
      [{ start: '2026-01-01', end: '' }],
      [{ start: '', end: '2026-01-01' }],
      [{ start: '2026-01-01T00:00:00Z', end: '2026-01-02' }],
      [{ start: '1/1/2026', end: '2026-01-02' }],
      [{ start: undefined as unknown as string, end: '2026-01-02' }],
      [{ start: '2026-01-01', end: null as unknown as string }],
    ])('rejects %p with period_invalid', (period) => {
      const error = domainErrorOf(() => assertValidPeriod(period, 90));
      expect(error.code).toBe('period_invalid');
      expect(error.message).toMatch(/YYYY-MM-DD/);
    });

    it('accepts 2024-02-29 (leap day)', () => {
      expect(() => assertValidPeriod({ start: '2024-02-29', end: '2024-03-01' }, 90)).not.toThrow();
    });
  });

  describe('end before start', () => {
    it('throws period_invalid naming periodEnd', () => {
      const error = domainErrorOf(() => assertValidPeriod({ start: '2026-01-02', end: '2026-01-01' }, 90));
      expect(error.code).toBe('period_invalid');
      expect(error.name).toBe('DomainError');
      expect(error.errors).toEqual([
        { field: 'periodEnd', code: 'period_invalid', message: 'must not be before periodStart' },
      ]);
    });

    it('compares across months and years, not just days', () => {
      expect(domainErrorOf(() => assertValidPeriod({ start: '2026-02-01', end: '2026-01-31' }, 90)).code).toBe(
        'period_invalid',
      );
      expect(domainErrorOf(() => assertValidPeriod({ start: '2026-01-01', end: '2025-12-31' }, 90)).code).toBe(
        'period_invalid',
      );
    });

    it('reports an end before start as period_invalid even when the span would also be too long', () => {
      const error = domainErrorOf(() => assertValidPeriod({ start: '2026-12-31', end: '2025-01-01' }, 90));
      expect(error.code).toBe('period_invalid');
    });
  });

  describe('maximum length (both ends counted)', () => {
    it('allows exactly 90 days inclusive with a 90-day maximum', () => {
      // 2026-01-01..2026-03-31 is 31 + 28 + 31 = 90 days
      expect(() => assertValidPeriod({ start: '2026-01-01', end: '2026-03-31' }, 90)).not.toThrow();
      expect(() => assertValidPeriod({ start: '2026-01-01', end: addDays('2026-01-01', 89) }, 90)).not.toThrow();
    });

    it('rejects 91 days with period_too_long naming periodEnd', () => {
      const error = domainErrorOf(() => assertValidPeriod({ start: '2026-01-01', end: '2026-04-01' }, 90));
      expect(error.code).toBe('period_too_long');
      expect(error.message).toContain('91');
      expect(error.message).toContain('90');
      expect(error.errors).toHaveLength(1);
      expect(error.errors[0]).toMatchObject({ field: 'periodEnd', code: 'period_too_long' });
      expect(error.errors[0].message).toContain('90');
      expect(error.details).toEqual({ maxPeriodDays: 90, periodDays: 91 });
    });

    it('counts the leap day (Feb 2024 has 29 days)', () => {
      // 2024-01-01..2024-03-30 is 31 + 29 + 30 = 90 days
      expect(() => assertValidPeriod({ start: '2024-01-01', end: '2024-03-30' }, 90)).not.toThrow();
      expect(domainErrorOf(() => assertValidPeriod({ start: '2024-01-01', end: '2024-03-31' }, 90)).code).toBe(
        'period_too_long',
      );
    });

    it('with a 1-day maximum allows only single-day periods', () => {
      expect(() => assertValidPeriod({ start: '2026-05-05', end: '2026-05-05' }, 1)).not.toThrow();
      const error = domainErrorOf(() => assertValidPeriod({ start: '2026-05-05', end: '2026-05-06' }, 1));
      expect(error.code).toBe('period_too_long');
      expect(error.details).toEqual({ maxPeriodDays: 1, periodDays: 2 });
    });

    it('uses the maximum it is given, not the default', () => {
      const year = { start: '2026-01-01', end: '2026-12-31' };
      expect(() => assertValidPeriod(year, 365)).not.toThrow();
      expect(domainErrorOf(() => assertValidPeriod(year, 364)).details).toEqual({ maxPeriodDays: 364, periodDays: 365 });
    });

    it('accepts a period iff its inclusive length is at most the maximum (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }), (offset, max) => {
          const period = { start: '2026-01-01', end: addDays('2026-01-01', offset) };
          const length = offset + 1;
          if (length <= max) {
            expect(() => assertValidPeriod(period, max)).not.toThrow();
          } else {
            const error = domainErrorOf(() => assertValidPeriod(period, max));
            expect(error.code).toBe('period_too_long');
            expect(error.details).toEqual({ maxPeriodDays: max, periodDays: length });
          }
        }),
      );
    });
  });
});

describe('periodsOverlap', () => {
  const p = (start: string, end: string): Period => ({ start, end });

  it.each([
    ['identical periods', p('2026-01-01', '2026-01-31'), p('2026-01-01', '2026-01-31'), true],
    ['touching ends (a ends the day b starts)', p('2026-01-01', '2026-01-31'), p('2026-01-31', '2026-02-28'), true],
    ['touching ends (b ends the day a starts)', p('2026-01-31', '2026-02-28'), p('2026-01-01', '2026-01-31'), true],
    ['adjacent but not sharing a day', p('2026-01-01', '2026-01-31'), p('2026-02-01', '2026-02-28'), false],
    ['adjacent the other way round', p('2026-02-01', '2026-02-28'), p('2026-01-01', '2026-01-31'), false],
    ['a contains b', p('2026-01-01', '2026-12-31'), p('2026-06-01', '2026-06-30'), true],
    ['b contains a', p('2026-06-01', '2026-06-30'), p('2026-01-01', '2026-12-31'), true],
    ['partial overlap', p('2026-01-01', '2026-01-20'), p('2026-01-10', '2026-01-31'), true],
    ['far apart', p('2025-01-01', '2025-01-31'), p('2026-01-01', '2026-01-31'), false],
    ['same single day', p('2026-01-15', '2026-01-15'), p('2026-01-15', '2026-01-15'), true],
    ['single day on the start edge', p('2026-01-01', '2026-01-01'), p('2026-01-01', '2026-01-31'), true],
    ['single day on the end edge', p('2026-01-31', '2026-01-31'), p('2026-01-01', '2026-01-31'), true],
    ['single day just after', p('2026-02-01', '2026-02-01'), p('2026-01-01', '2026-01-31'), false],
    ['single day just before', p('2025-12-31', '2025-12-31'), p('2026-01-01', '2026-01-31'), false],
    ['across a year boundary', p('2025-12-15', '2026-01-15'), p('2026-01-01', '2026-01-31'), true],
  ])('%s: %p and %p -> %p', (_name, a, b, expected) => {
    expect(periodsOverlap(a, b)).toBe(expected);
  });

  it('is symmetric and agrees with "they share at least one day" (property)', () => {
    const period = fc
      .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }))
      .map(([offset, length]) => ({ start: addDays('2025-12-20', offset), end: addDays('2025-12-20', offset + length) }));
    fc.assert(
      fc.property(period, period, (a, b) => {
        let shared = false;
        for (let day = a.start; day <= a.end; day = addDays(day, 1)) {
          if (day >= b.start && day <= b.end) shared = true;
        }
        expect(periodsOverlap(a, b)).toBe(shared);
        expect(periodsOverlap(b, a)).toBe(shared);
      }),
    );
  });
});
