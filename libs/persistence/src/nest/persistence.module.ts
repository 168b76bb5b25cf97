import { type DynamicModule, Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions } from '../data-source';
import { Database } from '../database';
import { REPOSITORIES } from '../repositories';

const DATA_SOURCE = Symbol('DATA_SOURCE');

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Connects to Postgres once per process and provides Database and every repository.
 * A process that cannot reach Postgres at start exits (and is restarted by its supervisor);
 * once running, lost connections are re-established by the pool and answered with 503 meanwhile.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = createDataSource(options);
            await dataSource.initialize();
            return dataSource;
          },
        },
        { provide: Database, useFactory: (dataSource: DataSource) => new Database(dataSource), inject: [DATA_SOURCE] },
        ...REPOSITORIES.map((Repository) => ({
          provide: Repository,
          useFactory: (database: Database) => new Repository(database),
          inject: [Database],
        })),
        DataSourceCloser,
      ],
      exports: [Database, ...REPOSITORIES],
    };
  }
}
