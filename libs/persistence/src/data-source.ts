import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** Longest a single statement may run before Postgres cancels it (0: no limit). Default 60 s. */
  statementTimeoutMs?: number;
}

/** The one place the database connection is described; synchronize is always off. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Errors are handled (and logged without parameters) by the callers; TypeORM would print values.
    logging: false,
    extra: {
      max: options.poolSize ?? 20,
      application_name: options.applicationName ?? 'concilia',
      // Fail fast when Postgres is away: callers answer 503 instead of hanging.
      connectionTimeoutMillis: 5000,
      statement_timeout: options.statementTimeoutMs ?? 60_000,
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
