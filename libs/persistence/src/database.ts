import type { DataSource, EntityManager } from 'typeorm';

/** A transaction (or the pool, outside one). Apps pass it around without importing TypeORM. */
export type Tx = EntityManager;

/** SQLSTATE codes the services react to. */
export const PG_ERRORS = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  foreignKeyViolation: '23503',
  invalidTextRepresentation: '22P02',
  serializationFailure: '40001',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const candidate = (error as { driverError?: { code?: unknown }; code?: unknown } | null) ?? undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  const candidate = error as { driverError?: { constraint?: unknown }; constraint?: unknown } | null;
  const constraint = candidate?.driverError?.constraint ?? candidate?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** SQLSTATEs of a server that is going away or not accepting work: admin/crash shutdown, cannot connect now, idle-session timeout, too many clients. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);

/** Node's socket and DNS errors: the database host is unreachable (or went away mid-query). */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|connect ETIMEDOUT|the database system is (starting up|shutting down)|Client has encountered a connection error and is not queryable/i;

/**
 * True for errors that mean "the database is not reachable right now" (connection refused,
 * reset, shutting down, too many clients): callers answer 503 with Retry-After, never 500.
 *
 * Duck-typed on purpose: socket errors are created by Node itself, so `instanceof Error` is
 * not reliable across realms (test sandboxes), and an AggregateError (every address of a host
 * such as `localhost` refused) has an empty message and carries only its `code` and `errors`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_ERROR_CODES.has(code))) return true;
  const nested = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(nested) && nested.length > 0 && nested.every((inner) => isDatabaseUnavailable(inner))) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** The unit of work of every app: transactions and the health probes. */
export class Database {
  constructor(readonly dataSource: DataSource) {}

  get manager(): Tx {
    return this.dataSource.manager;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** True when every migration this build knows of has been applied. */
  async migrationsApplied(): Promise<boolean> {
    return !(await this.dataSource.showMigrations());
  }
}
