import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { loadSettings, type Settings } from '@concilia/config';
import { createWorkerApp } from '@concilia/platform';
import { bullConnection, DEFAULT_JOB_OPTIONS, JOB_NAMES, matchJobId, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';
import { TestDatabase, type SeededReconciliation } from '@concilia/testing';
import { matcherWorkerModule } from '../worker.module';

/** The real matcher-worker, in process, consuming this run's `matching` queue. */
export interface MatcherHarness {
  app: INestApplication;
  db: TestDatabase;
  queue: Queue;
  settings: Settings;
  enqueue(target: SeededReconciliation, runVersion: number): Promise<void>;
  waitForStatus(reconciliationId: string, statuses: string[], timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startMatcher(overrides: Record<string, string> = {}): Promise<MatcherHarness> {
  const settings = loadSettings('matcher-worker', { ...process.env, ...overrides });
  const app = await createWorkerApp({ name: 'matcher-worker', settings, queues: [QUEUES.matching], module: matcherWorkerModule(settings) });
  await app.init();
  const db = await TestDatabase.connect(settings.DATABASE_URL);
  const queue = new Queue(QUEUES.matching, { connection: bullConnection(settings.REDIS_URL), prefix: settings.REDIS_PREFIX });
  return {
    app,
    db,
    queue,
    settings,
    async enqueue(target, runVersion) {
      const payload: MatchReconciliationPayload = { schemaVersion: 1, tenantId: target.tenantId, correlationId: 'test', reconciliationId: target.reconciliationId, runVersion };
      await queue.add(JOB_NAMES.matchReconciliation, payload, { ...DEFAULT_JOB_OPTIONS, jobId: matchJobId(target.reconciliationId, runVersion) });
    },
    async waitForStatus(reconciliationId, statuses, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await db.query<{ status: string }>('SELECT status FROM reconciliations WHERE id = $1', [reconciliationId]);
        if (row && statuses.includes(row.status)) return row.status;
        if (Date.now() > deadline) throw new Error(`reconciliation ${reconciliationId} is ${row?.status}, not ${statuses.join('|')}, after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await queue.close();
      await db.close();
      await app.close();
    },
  };
}
