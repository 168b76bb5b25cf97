import { Client } from 'pg';
import { deleteRedisKeys } from './redis-keys';
import { adminDatabaseUrl } from './test-environment';

/** Drops the run's database and deletes its Redis keys (once, even when several projects share the run). */
export default async function globalTeardown(): Promise<void> {
  const name = process.env['CONCILIA_TEST_DATABASE'];
  if (!name || process.env['CONCILIA_TEST_TORN_DOWN']) return;
  process.env['CONCILIA_TEST_TORN_DOWN'] = '1';
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await deleteRedisKeys(process.env['REDIS_PREFIX'] as string);
}
