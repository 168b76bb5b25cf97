import 'reflect-metadata';
import { loadSettings, SettingsError } from '@concilia/config';
import { createIngestApi } from './app.factory';

async function main(): Promise<void> {
  const settings = loadSettings('ingest-api');
  const app = await createIngestApi(settings);
  await app.listen({ port: settings.PORT, host: '0.0.0.0' });
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingsError ? error.message : error);
  process.exit(1);
});
