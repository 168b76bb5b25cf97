import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminDatabaseUrl, databaseUrlFor, TEST_ADMIN_TOKEN } from './test-environment';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Once per test run: a database of its own (migrated by the real migration command) and a
 * Redis key prefix of its own, so runs never collide or depend on leftovers. The names
 * travel to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['CONCILIA_TEST_DATABASE']) return;
  const migrate = join(ROOT, 'libs/persistence/dist/migrate.js');
  if (!existsSync(migrate)) throw new Error('libs/persistence is not built: run `npm run build` (npm test does it for you)');
  const id = `${Date.now().toString(36)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const name = `concilia_test_${id}`;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  Object.assign(process.env, {
    CONCILIA_TEST_DATABASE: name,
    DATABASE_URL: databaseUrlFor(name),
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `ctest_${id}`,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    OUTBOX_RELAY_INTERVAL_MS: '200',
    OUTBOX_RELAY_GRACE_MS: '300',
    WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
    DATABASE_POOL_SIZE: '10',
  });
  execFileSync(process.execPath, [migrate], { env: process.env, stdio: 'pipe' });
}
