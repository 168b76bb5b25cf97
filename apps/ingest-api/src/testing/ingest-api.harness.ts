import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadSettings, type Settings } from '@concilia/config';
import { ApiClient, type Inject, TestDatabase } from '@concilia/testing';
import { createIngestApi } from '../app.factory';

/** The real ingest API, in process, on the run's database and Redis prefix; requests go through inject(). */
export interface IngestApiHarness {
  app: NestFastifyApplication;
  api: ApiClient;
  db: TestDatabase;
  settings: Settings;
  close(): Promise<void>;
}

/**
 * Tests run one API key far faster than a client would: the per-key rate limit is lifted unless
 * a test sets it (the rate-limit tests do), so a fast machine never turns a test into a 429.
 */
const TEST_DEFAULTS = { API_RATE_LIMIT_PER_SECOND: '1000000' };

export async function startIngestApi(overrides: Record<string, string> = {}): Promise<IngestApiHarness> {
  const settings = loadSettings('ingest-api', { ...process.env, ...TEST_DEFAULTS, ...overrides });
  const app = await createIngestApi(settings);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const inject = app.getHttpAdapter().getInstance().inject.bind(app.getHttpAdapter().getInstance()) as unknown as Inject;
  const db = await TestDatabase.connect(settings.DATABASE_URL);
  return {
    app,
    api: new ApiClient(inject),
    db,
    settings,
    async close() {
      await db.close();
      await app.close();
    },
  };
}
