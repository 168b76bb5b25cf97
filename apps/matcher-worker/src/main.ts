import 'reflect-metadata';
import { loadSettings, SettingsError } from '@concilia/config';
import { createWorkerApp } from '@concilia/platform';
import { QUEUES } from '@concilia/queue-contracts';
import { matcherWorkerModule } from './worker.module';

/** The matcher: consumes the `matching` queue; /health and /metrics on MATCHER_PORT; SIGTERM finishes or hands back its jobs. */
async function main(): Promise<void> {
  const settings = loadSettings('matcher-worker');
  const app = await createWorkerApp({ name: 'matcher-worker', settings, queues: [QUEUES.matching], module: matcherWorkerModule(settings) });
  await app.listen(settings.MATCHER_PORT, '0.0.0.0');
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingsError ? error.message : error);
  process.exit(1);
});
