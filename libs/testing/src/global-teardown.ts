import Redis from 'ioredis';
import { Client } from 'pg';
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
  await deleteRedisKeys(`${process.env['REDIS_PREFIX']}:*`);
}

async function deleteRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
