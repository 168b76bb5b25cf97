import { createDataSource } from './data-source';

/** Used by the TypeORM CLI (migration:generate, the drift check). */
export default createDataSource({
  url: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/concilia',
  applicationName: 'concilia-cli',
});
