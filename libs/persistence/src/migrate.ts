import { loadSettings } from '@concilia/config';
import { createDataSource } from './data-source';

/** `npm run db:migrate`: applies pending migrations and exits. Run once per deploy, never by every replica. */
async function main(): Promise<void> {
  const settings = loadSettings('migrate');
  const dataSource = createDataSource({ url: settings.DATABASE_URL, poolSize: 1, applicationName: 'concilia-migrate' });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(applied.length === 0 ? 'migrations: up to date' : `migrations: applied ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
