import { AppName, loadSettings, Settings, SettingsError } from './settings';

const TOKEN = 'a-long-enough-admin-token';

/** Runs `fn` and returns the SettingsError it throws (failing the test otherwise). */
function settingsErrorOf(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError, but nothing was thrown');
}

describe('loadSettings', () => {
  describe('defaults', () => {
    it('uses every documented default for an empty environment', () => {
      const settings = loadSettings('test', {});
      expect(settings).toBeInstanceOf(Settings);
      expect({ ...settings }).toEqual({
        NODE_ENV: 'development',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/concilia',
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_PREFIX: 'concilia',
        LOG_LEVEL: 'info',
        ADMIN_TOKEN: undefined,
        PORT: 3000,
        MATCHER_PORT: 3001,
        NOTIFIER_PORT: 3002,
        WEBHOOK_ALLOWED_CIDRS: [],
        API_BODY_LIMIT_BYTES: 16 * 1024 * 1024,
        API_IMPORT_MAX_BYTES: 200 * 1024 * 1024,
        API_IMPORT_SPOOL_DIR: '',
        API_IMPORT_TIMEOUT_MS: 1_800_000,
        API_RATE_LIMIT_PER_SECOND: 100,
        API_IDEMPOTENCY_TTL_HOURS: 24,
        API_TRUST_PROXY: false,
        OUTBOX_RELAY_INTERVAL_MS: 2000,
        OUTBOX_RELAY_GRACE_MS: 5000,
        MATCHER_CONCURRENCY: 2,
        MATCHER_LOCK_DURATION_MS: 60_000,
        MATCHER_STALLED_INTERVAL_MS: 30_000,
        MATCHER_STATEMENT_TIMEOUT_MS: 1_800_000,
        MATCHER_SWEEP_INTERVAL_MS: 30_000,
        MATCHER_STALL_AFTER_MS: 120_000,
        NOTIFIER_CONCURRENCY: 50,
        NOTIFIER_ENDPOINT_CONCURRENCY: 4,
        NOTIFIER_DELIVERY_TIMEOUT_MS: 15_000,
        NOTIFIER_CONNECT_TIMEOUT_MS: 5000,
        NOTIFIER_RETRY_SCALE: 1,
        NOTIFIER_DISABLE_AFTER_MS: 3 * 24 * 3600 * 1000,
        DATABASE_POOL_SIZE: 20,
      });
    });

    it('keeps the defaults of settings that the environment does not set', () => {
      const settings = loadSettings('test', { PORT: '8080' });
      expect(settings.PORT).toBe(8080);
      expect(settings.MATCHER_PORT).toBe(3001);
      expect(settings.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/concilia');
    });

    it('does not share the default list between loads', () => {
      const first = loadSettings('test', {});
      first.WEBHOOK_ALLOWED_CIDRS.push('10.0.0.0/8');
      expect(loadSettings('test', {}).WEBHOOK_ALLOWED_CIDRS).toEqual([]);
    });

    it('ignores environment variables that are not settings', () => {
      const settings = loadSettings('test', { PATH: '/usr/bin', HOME: '/root', port: 'nonsense', FOO: 'bar' });
      expect(settings).not.toHaveProperty('PATH');
      expect(settings).not.toHaveProperty('FOO');
      expect(settings.PORT).toBe(3000);
    });

    it('reads process.env when no environment is given', () => {
      const saved = process.env.MATCHER_PORT;
      process.env.MATCHER_PORT = '4555';
      try {
        expect(loadSettings('test').MATCHER_PORT).toBe(4555);
      } finally {
        if (saved === undefined) delete process.env.MATCHER_PORT;
        else process.env.MATCHER_PORT = saved;
      }
    });
  });

  describe('strings', () => {
    it('takes string settings from the environment as they are', () => {
      const settings = loadSettings('test', {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://user:pw@db:5432/concilia',
        REDIS_URL: 'rediss://cache:6380',
        REDIS_PREFIX: 'ci:run-42_a',
        LOG_LEVEL: 'debug',
        ADMIN_TOKEN: TOKEN,
      });
      expect(settings).toMatchObject({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://user:pw@db:5432/concilia',
        REDIS_URL: 'rediss://cache:6380',
        REDIS_PREFIX: 'ci:run-42_a',
        LOG_LEVEL: 'debug',
        ADMIN_TOKEN: TOKEN,
      });
    });

    it.each([['development'], ['production'], ['test']])('accepts NODE_ENV=%s', (value) => {
      expect(loadSettings('test', { NODE_ENV: value }).NODE_ENV).toBe(value);
    });

    it.each([['fatal'], ['error'], ['warn'], ['info'], ['debug'], ['trace'], ['silent']])('accepts LOG_LEVEL=%s', (value) => {
      expect(loadSettings('test', { LOG_LEVEL: value }).LOG_LEVEL).toBe(value);
    });

    it.each([
      ['NODE_ENV', 'staging', /NODE_ENV/],
      ['NODE_ENV', 'Production', /NODE_ENV/],
      ['LOG_LEVEL', 'verbose', /LOG_LEVEL/],
      ['DATABASE_URL', 'mysql://db/concilia', /DATABASE_URL must be a postgres:\/\/ URL/],
      ['DATABASE_URL', 'postgres://', /DATABASE_URL must be a postgres:\/\/ URL/],
      ['REDIS_URL', 'http://cache:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
      ['REDIS_PREFIX', 'has space', /REDIS_PREFIX must be 1-64/],
      ['REDIS_PREFIX', 'x'.repeat(65), /REDIS_PREFIX must be 1-64/],
      ['ADMIN_TOKEN', 'short', /ADMIN_TOKEN must be at least 16 characters/],
    ])('rejects %s=%p', (key, value, message) => {
      const error = settingsErrorOf(() => loadSettings('test', { [key]: value }));
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(message);
    });

    it('accepts a 64-character REDIS_PREFIX and a 16-character ADMIN_TOKEN', () => {
      const settings = loadSettings('test', { REDIS_PREFIX: 'p'.repeat(64), ADMIN_TOKEN: 't'.repeat(16) });
      expect(settings.REDIS_PREFIX).toBe('p'.repeat(64));
      expect(settings.ADMIN_TOKEN).toBe('t'.repeat(16));
    });
  });

  describe('integers', () => {
    it('coerces integer settings from strings to numbers', () => {
      const settings = loadSettings('test', {
        PORT: '8080',
        MATCHER_PORT: '8081',
        NOTIFIER_PORT: '8082',
        API_BODY_LIMIT_BYTES: '1048576',
        API_RATE_LIMIT_PER_SECOND: '7',
        API_IDEMPOTENCY_TTL_HOURS: '48',
        OUTBOX_RELAY_INTERVAL_MS: '50',
        OUTBOX_RELAY_GRACE_MS: '0',
        DATABASE_POOL_SIZE: '200',
      });
      expect(settings).toMatchObject({
        PORT: 8080,
        MATCHER_PORT: 8081,
        NOTIFIER_PORT: 8082,
        API_BODY_LIMIT_BYTES: 1048576,
        API_RATE_LIMIT_PER_SECOND: 7,
        API_IDEMPOTENCY_TTL_HOURS: 48,
        OUTBOX_RELAY_INTERVAL_MS: 50,
        OUTBOX_RELAY_GRACE_MS: 0,
        DATABASE_POOL_SIZE: 200,
      });
      expect(typeof settings.PORT).toBe('number');
      expect(typeof settings.OUTBOX_RELAY_GRACE_MS).toBe('number');
    });

    // An empty or blank value means "not set": the default applies (never 0, never a failure).
    it('reads an empty or blank integer setting as unset, keeping the default', () => {
      const settings = loadSettings('test', { PORT: '', OUTBOX_RELAY_GRACE_MS: '  ' });
      expect(settings.PORT).toBe(3000);
      expect(settings.OUTBOX_RELAY_GRACE_MS).toBe(5000);
    });

    it.each([
      ['PORT', '1'],
      ['PORT', '65535'],
      ['MATCHER_PORT', '65535'],
      ['NOTIFIER_PORT', '1'],
      ['API_BODY_LIMIT_BYTES', '1024'],
      ['API_RATE_LIMIT_PER_SECOND', '1'],
      ['API_IDEMPOTENCY_TTL_HOURS', '1'],
      ['OUTBOX_RELAY_INTERVAL_MS', '50'],
      ['OUTBOX_RELAY_GRACE_MS', '0'],
      ['DATABASE_POOL_SIZE', '1'],
      ['DATABASE_POOL_SIZE', '200'],
    ])('accepts the boundary %s=%s', (key, value) => {
      expect(loadSettings('test', { [key]: value })[key as keyof Settings]).toBe(Number(value));
    });

    it.each([
      ['PORT', '0', /PORT must not be less than 1/],
      ['PORT', '65536', /PORT must not be greater than 65535/],
      ['MATCHER_PORT', '70000', /MATCHER_PORT must not be greater than 65535/],
      ['NOTIFIER_PORT', '-1', /NOTIFIER_PORT must not be less than 1/],
      ['API_BODY_LIMIT_BYTES', '1023', /API_BODY_LIMIT_BYTES must not be less than 1024/],
      ['API_RATE_LIMIT_PER_SECOND', '0', /API_RATE_LIMIT_PER_SECOND must not be less than 1/],
      ['API_IDEMPOTENCY_TTL_HOURS', '0', /API_IDEMPOTENCY_TTL_HOURS must not be less than 1/],
      ['OUTBOX_RELAY_INTERVAL_MS', '49', /OUTBOX_RELAY_INTERVAL_MS must not be less than 50/],
      ['OUTBOX_RELAY_GRACE_MS', '-1', /OUTBOX_RELAY_GRACE_MS must not be less than 0/],
      ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE must not be less than 1/],
      ['DATABASE_POOL_SIZE', '201', /DATABASE_POOL_SIZE must not be greater than 200/],
    ])('rejects the out-of-range %s=%s', (key, value, message) => {
      const error = settingsErrorOf(() => loadSettings('test', { [key]: value }));
      expect(error.problems).toEqual([expect.stringMatching(message)]);
    });

    it.each([['abc'], ['3000.5'], ['30 00'], ['NaN'], ['Infinity']])('rejects the non-integer PORT=%p', (value) => {
      const error = settingsErrorOf(() => loadSettings('test', { PORT: value }));
      expect(error.problems).toContain('PORT must be an integer number');
    });
  });

  describe('comma-separated lists', () => {
    it('splits WEBHOOK_ALLOWED_CIDRS on commas, trimming items and dropping empty ones', () => {
      const settings = loadSettings('test', { WEBHOOK_ALLOWED_CIDRS: ' 127.0.0.0/8, ,10.0.0.0/8,,::1/128 ,' });
      expect(settings.WEBHOOK_ALLOWED_CIDRS).toEqual(['127.0.0.0/8', '10.0.0.0/8', '::1/128']);
    });

    it('reads a single CIDR as a one-item list', () => {
      expect(loadSettings('test', { WEBHOOK_ALLOWED_CIDRS: '192.168.0.0/16' }).WEBHOOK_ALLOWED_CIDRS).toEqual([
        '192.168.0.0/16',
      ]);
    });

    it('reads an empty or blank value as an empty list', () => {
      expect(loadSettings('test', { WEBHOOK_ALLOWED_CIDRS: '' }).WEBHOOK_ALLOWED_CIDRS).toEqual([]);
      expect(loadSettings('test', { WEBHOOK_ALLOWED_CIDRS: ' , ' }).WEBHOOK_ALLOWED_CIDRS).toEqual([]);
    });

    it.each([['localhost'], ['10.0.0.0'], ['10.0.0.0/8,not-a-cidr'], ['10.0.0.0/8;192.168.0.0/16']])(
      'rejects WEBHOOK_ALLOWED_CIDRS=%p',
      (value) => {
        const error = settingsErrorOf(() => loadSettings('test', { WEBHOOK_ALLOWED_CIDRS: value }));
        expect(error.problems).toEqual(['WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs']);
      },
    );
  });

  describe('booleans', () => {
    it.each([
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
      ['', false],
      ['yes', false],
      ['TRUE', false],
    ])('reads API_TRUST_PROXY=%p as %p', (value, expected) => {
      expect(loadSettings('test', { API_TRUST_PROXY: value }).API_TRUST_PROXY).toBe(expected);
    });
  });

  describe('problems', () => {
    it('lists every problem at once, not just the first', () => {
      const error = settingsErrorOf(() =>
        loadSettings('ingest-api', {
          NODE_ENV: 'staging',
          DATABASE_URL: 'mysql://db',
          REDIS_URL: 'memcached://cache',
          PORT: 'abc',
          DATABASE_POOL_SIZE: '500',
          WEBHOOK_ALLOWED_CIDRS: 'nope',
        }),
      );
      expect(error.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^NODE_ENV /),
          'DATABASE_URL must be a postgres:// URL',
          'REDIS_URL must be a redis:// or rediss:// URL',
          'PORT must be an integer number',
          'DATABASE_POOL_SIZE must not be greater than 200',
          'WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs',
          'ADMIN_TOKEN is required by ingest-api',
        ]),
      );
      for (const key of ['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'PORT', 'DATABASE_POOL_SIZE', 'WEBHOOK_ALLOWED_CIDRS', 'ADMIN_TOKEN']) {
        expect(error.problems.some((problem) => problem.startsWith(key))).toBe(true);
      }
      expect(error.problems.some((problem) => /^(MATCHER_PORT|LOG_LEVEL|REDIS_PREFIX)/.test(problem))).toBe(false);
    });

    it('puts every problem in the error message, one per line', () => {
      const error = settingsErrorOf(() => loadSettings('test', { PORT: '0', LOG_LEVEL: 'loud' }));
      expect(error.name).toBe('SettingsError');
      expect(error).toBeInstanceOf(Error);
      expect(error.problems).toHaveLength(2);
      expect(error.message).toBe(`Invalid settings:\n  - ${error.problems.join('\n  - ')}`);
      expect(error.message).toContain('PORT must not be less than 1');
      expect(error.message).toMatch(/LOG_LEVEL/);
    });
  });

  describe('ADMIN_TOKEN', () => {
    it('is required by ingest-api', () => {
      const error = settingsErrorOf(() => loadSettings('ingest-api', {}));
      expect(error.problems).toEqual(['ADMIN_TOKEN is required by ingest-api']);
    });

    it('is required by ingest-api even when set to an empty string', () => {
      const error = settingsErrorOf(() => loadSettings('ingest-api', { ADMIN_TOKEN: '' }));
      expect(error.problems).toContain('ADMIN_TOKEN is required by ingest-api');
    });

    it('lets ingest-api start when it is set', () => {
      expect(loadSettings('ingest-api', { ADMIN_TOKEN: TOKEN }).ADMIN_TOKEN).toBe(TOKEN);
    });

    it('must still be long enough for ingest-api', () => {
      const error = settingsErrorOf(() => loadSettings('ingest-api', { ADMIN_TOKEN: 'short' }));
      expect(error.problems).toEqual(['ADMIN_TOKEN must be at least 16 characters']);
    });

    it.each<[AppName]>([['matcher-worker'], ['notifier-worker'], ['migrate'], ['test']])(
      'is not required by %s',
      (app) => {
        const settings = loadSettings(app, {});
        expect(settings.ADMIN_TOKEN).toBeUndefined();
      },
    );

    it('is validated for every app when it is set', () => {
      const error = settingsErrorOf(() => loadSettings('matcher-worker', { ADMIN_TOKEN: 'short' }));
      expect(error.problems).toEqual(['ADMIN_TOKEN must be at least 16 characters']);
    });
  });
});
