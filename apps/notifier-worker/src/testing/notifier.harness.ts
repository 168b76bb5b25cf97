import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { buildConnector } from 'undici';
import { loadSettings, type Settings } from '@concilia/config';
import { Database } from '@concilia/persistence';
import { createWorkerApp, EventRecorder, OutboxPublisher, type EventType } from '@concilia/platform';
import { bullConnection, QUEUES } from '@concilia/queue-contracts';
import { TestDatabase } from '@concilia/testing';
import { generateWebhookSecret } from '@concilia/webhooks';
import type { SocketConnector } from '../delivery/guarded-connector';
import { NOTIFIER_QUEUES, notifierWorkerModule } from '../worker.module';

/** Settings that keep the suite fast: the retry schedule in milliseconds, a 1 s attempt timeout. */
export const FAST_NOTIFIER_SETTINGS: Record<string, string> = {
  NOTIFIER_RETRY_SCALE: '0.001',
  NOTIFIER_DELIVERY_TIMEOUT_MS: '1000',
  NOTIFIER_CONNECT_TIMEOUT_MS: '500',
  NOTIFIER_CONCURRENCY: '8',
  NOTIFIER_ENDPOINT_CONCURRENCY: '2',
};

export interface SeededEndpoint {
  id: string;
  tenantId: string;
  secret: string;
}

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

export interface AttemptRow {
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

/** What the sockets factory was asked to open: the hosts actually connected to. */
export interface ConnectionLog {
  hosts: string[];
}

/** The real notifier-worker, in process, on the run's database and a Redis key prefix of its own. */
export interface NotifierHarness {
  app: INestApplication;
  db: TestDatabase;
  settings: Settings;
  dispatchQueue: Queue;
  deliveryQueue: Queue;
  /** Every host the notifier opened a connection to (after the SSRF check). */
  connections: ConnectionLog;
  /** Host names the stubbed resolver knows; any other name does not resolve (tests never use real DNS). */
  dns: Map<string, string[]>;
  seedTenant(): Promise<string>;
  seedEndpoint(tenantId: string, url: string, options?: Partial<{ events: string[]; enabled: boolean; secret: string; previousSecret: string; previousSecretExpiresAt: Date; failingSince: Date }>): Promise<SeededEndpoint>;
  /** Records an event the way producers do (event + outbox row in one transaction), then publishes it after commit unless told not to. */
  emit(tenantId: string, type: EventType, data?: Record<string, unknown>, options?: { publish?: boolean }): Promise<string>;
  deliveries(where: { eventId?: string; endpointId?: string }): Promise<DeliveryRow[]>;
  attempts(deliveryId: string): Promise<AttemptRow[]>;
  waitForDelivery(eventId: string, endpointId: string, statuses: string[], timeoutMs?: number, minAttempts?: number): Promise<DeliveryRow>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export async function startNotifier(overrides: Record<string, string> = {}): Promise<NotifierHarness> {
  const prefix = `${process.env['REDIS_PREFIX'] ?? 'ctest'}:notifier-${randomUUID().slice(0, 8)}`;
  const settings = loadSettings('notifier-worker', { ...process.env, ...FAST_NOTIFIER_SETTINGS, REDIS_PREFIX: prefix, ...overrides });
  const dns = new Map<string, string[]>();
  const connections: ConnectionLog = { hosts: [] };
  const realConnect = buildConnector({ timeout: settings.NOTIFIER_CONNECT_TIMEOUT_MS });
  const connect: SocketConnector = (options, callback) => {
    connections.hosts.push(options.hostname);
    realConnect(options, callback);
  };
  const resolve = async (host: string): Promise<string[]> => {
    const addresses = dns.get(host);
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  };
  const app = await createWorkerApp({ name: 'notifier-worker', settings, queues: NOTIFIER_QUEUES, module: notifierWorkerModule(settings, { resolve, connect }) });
  await app.init();
  await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  const db = await TestDatabase.connect(settings.DATABASE_URL);
  const connection = { connection: bullConnection(settings.REDIS_URL), prefix };
  const dispatchQueue = new Queue(QUEUES.webhookDispatch, connection);
  const deliveryQueue = new Queue(QUEUES.webhookDelivery, connection);
  const database = app.get(Database, { strict: false });
  const recorder = app.get(EventRecorder, { strict: false });
  const publisher = app.get(OutboxPublisher, { strict: false });

  const harness: NotifierHarness = {
    app,
    db,
    settings,
    dispatchQueue,
    deliveryQueue,
    connections,
    dns,
    async seedTenant() {
      const id = randomUUID();
      await db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'notifier test')`, [id]);
      return id;
    },
    async seedEndpoint(tenantId, url, options = {}) {
      const id = randomUUID();
      const secret = options.secret ?? generateWebhookSecret();
      await db.query(
        `INSERT INTO webhook_endpoints (id, tenant_id, url, events, enabled, secret, previous_secret, previous_secret_expires_at, failing_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, tenantId, url, options.events ?? ['reconciliation.completed'], options.enabled ?? true, secret, options.previousSecret ?? null, options.previousSecretExpiresAt ?? null, options.failingSince ?? null],
      );
      return { id, tenantId, secret };
    },
    async emit(tenantId, type, data = {}, options = {}) {
      const message = await database.transaction((tx) => recorder.record(tx, { tenantId, type, data, correlationId: `test-${randomUUID().slice(0, 8)}` }));
      if (options.publish !== false) publisher.publishAfterCommit([message]);
      return String(message.payload['eventId']);
    },
    deliveries(where) {
      return db.query<DeliveryRow & Record<string, unknown>>(
        `SELECT id, tenant_id, endpoint_id, event_id, status, attempts, next_attempt_at, last_status_code, last_error, delivered_at FROM webhook_deliveries
          WHERE ($1::uuid IS NULL OR event_id = $1) AND ($2::uuid IS NULL OR endpoint_id = $2) ORDER BY id`,
        [where.eventId ?? null, where.endpointId ?? null],
      );
    },
    attempts(deliveryId) {
      return db.query<AttemptRow & Record<string, unknown>>(
        `SELECT attempted_at, status_code, duration_ms, error, response_excerpt FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`,
        [deliveryId],
      );
    },
    async waitForDelivery(eventId, endpointId, statuses, timeoutMs = 60_000, minAttempts = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await harness.deliveries({ eventId, endpointId });
        if (row && statuses.includes(row.status) && row.attempts >= minAttempts) return row;
        if (Date.now() > deadline) throw new Error(`delivery of event ${eventId} to ${endpointId} is ${row ? `${row.status} after ${row.attempts} attempt(s)` : 'absent'}, not ${statuses.join('|')} (>= ${minAttempts} attempts), after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async metrics() {
      const response = await (app as NestFastifyApplication).getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
      return response.body;
    },
    async close() {
      await dispatchQueue.close();
      await deliveryQueue.close();
      await db.close();
      await app.close();
    },
  };
  return harness;
}

/** Polls until `check` returns a value that is not undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
