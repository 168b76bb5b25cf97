import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** Which process is loading settings: a few settings are required by one app only. */
export type AppName = 'ingest-api' | 'matcher-worker' | 'notifier-worker' | 'migrate' | 'test';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || (typeof value === 'string' && value.trim() === '') ? undefined : Number(value);
const toNumber = ({ value }: { value: unknown }) =>
  value === undefined || (typeof value === 'string' && value.trim() === '') ? undefined : Number(value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;

/**
 * Every setting of every app, validated once at start. Documented in docs/configuration.md:
 * keep the two in step.
 */
export class Settings {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/concilia';

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key (queues, rate limits): lets several installs or test runs share one Redis. */
  @Matches(/^[a-zA-Z0-9:_-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 of [a-zA-Z0-9:_-]' })
  REDIS_PREFIX = 'concilia';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Bearer token for /v1/admin routes. Required by ingest-api. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  MATCHER_PORT = 3001;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  NOTIFIER_PORT = 3002;

  /** CIDRs that webhook URLs may resolve into although private/loopback (e.g. 127.0.0.0/8 in development). */
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[0-9a-fA-F:.]+\/\d{1,3}$/, { each: true, message: 'WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs' })
  WEBHOOK_ALLOWED_CIDRS: string[] = [];

  /** Largest JSON body ingest-api accepts, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  API_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

  /** Largest statement or ledger file an upload may carry, in bytes (413 above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  API_IMPORT_MAX_BYTES = 200 * 1024 * 1024;

  /** Longest an import's transaction may take to write a file's rows (its COPY is one statement); 0 for no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  API_IMPORT_TIMEOUT_MS = 1_800_000;

  /** Where uploads are spooled while they are hashed and read (deleted afterwards); the OS temp directory when empty. */
  @IsString()
  API_IMPORT_SPOOL_DIR = '';

  /** Requests per second allowed for each API key (a one-second window in Redis). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  API_RATE_LIMIT_PER_SECOND = 100;

  /** How long an Idempotency-Key is remembered. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  API_IDEMPOTENCY_TTL_HOURS = 24;

  /** Trust X-Forwarded-For from a proxy in front of the API (needed for IP allow-lists behind a load balancer). */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  API_TRUST_PROXY = false;

  /** How often the outbox relay re-sends rows that were not acknowledged, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  OUTBOX_RELAY_INTERVAL_MS = 2000;

  /** Age after which an unacknowledged outbox row is re-sent by the relay, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OUTBOX_RELAY_GRACE_MS = 5000;

  /** Matching jobs one matcher process runs at once (each holds both sides of a reconciliation in memory). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  MATCHER_CONCURRENCY = 2;

  /**
   * How long a matcher's hold on a job lasts without renewal (renewed at half of it while the
   * pass runs). When a matcher dies, another takes the job up after about this long.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  MATCHER_LOCK_DURATION_MS = 60_000;

  /** How often a matcher checks for jobs whose holder died (their lock expired), in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  MATCHER_STALLED_INTERVAL_MS = 30_000;

  /** Longest single SQL statement of a matching pass (bulk reads and COPY writes of millions of rows); 0 for no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MATCHER_STATEMENT_TIMEOUT_MS = 1_800_000;

  /** How often the matcher looks for PROCESSING runs whose job vanished, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  MATCHER_SWEEP_INTERVAL_MS = 30_000;

  /** How long a run may stay PROCESSING without news before the sweeper checks its job, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  MATCHER_STALL_AFTER_MS = 120_000;

  /** Delivery jobs one notifier process runs at once (HTTP requests in flight, all endpoints together). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  NOTIFIER_CONCURRENCY = 50;

  /** Requests in flight to any one webhook endpoint from one notifier process: a slow or dead endpoint cannot take every slot. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  NOTIFIER_ENDPOINT_CONCURRENCY = 4;

  /** Total time allowed for one webhook attempt (connect, headers and body), in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  NOTIFIER_DELIVERY_TIMEOUT_MS = 15_000;

  /** Time allowed to open a connection to a webhook receiver, in milliseconds (never more than NOTIFIER_DELIVERY_TIMEOUT_MS). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  NOTIFIER_CONNECT_TIMEOUT_MS = 5000;

  /** Multiplies the webhook retry schedule (5 s ... 24 h): 1 in production; tests use 0.001 or less (at least 0.000001). */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.000001)
  @Max(100)
  NOTIFIER_RETRY_SCALE = 1;

  /** An endpoint whose deliveries have failed without a single success for this long is disabled, in milliseconds (3 days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  NOTIFIER_DISABLE_AFTER_MS = 3 * 24 * 3600 * 1000;

  /** Database pool size per process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
  }
}

/** Reads and validates settings from an environment; throws SettingsError listing every problem. */
export function loadSettings(app: AppName, env: NodeJS.ProcessEnv = process.env): Settings {
  const known = Object.keys(new Settings());
  const raw: Record<string, unknown> = {};
  for (const key of known) if (env[key] !== undefined) raw[key] = env[key];
  const settings = plainToInstance(Settings, raw, { exposeDefaultValues: true, exposeUnsetFields: false });
  const problems = validateSync(settings).flatMap((error) => Object.values(error.constraints ?? {}));
  if (app === 'ingest-api' && !settings.ADMIN_TOKEN) problems.push('ADMIN_TOKEN is required by ingest-api');
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
