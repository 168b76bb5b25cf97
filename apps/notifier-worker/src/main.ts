import 'reflect-metadata';
import { loadSettings, SettingsError } from '@concilia/config';
import { createWorkerApp } from '@concilia/platform';
import { NOTIFIER_QUEUES, notifierWorkerModule } from './worker.module';

/**
 * The notifier: relays webhook events from the outbox, fans them out and delivers them signed;
 * /health and /metrics on NOTIFIER_PORT; SIGTERM lets the attempts in flight finish.
 */
async function main(): Promise<void> {
  const settings = loadSettings('notifier-worker');
  const app = await createWorkerApp({ name: 'notifier-worker', settings, queues: NOTIFIER_QUEUES, module: notifierWorkerModule(settings) });
  await app.listen(settings.NOTIFIER_PORT, '0.0.0.0');
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingsError ? error.message : error);
  process.exit(1);
});
