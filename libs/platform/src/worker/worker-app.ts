import { type DynamicModule, type INestApplication, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BullModule } from '@nestjs/bullmq';
import { Logger } from 'nestjs-pino';
import type { Settings } from '@concilia/config';
import { PersistenceModule } from '@concilia/persistence';
import { bullConnection } from '@concilia/queue-contracts';
import { HealthModule } from '../health/health.module';
import { loggerModule } from '../logging/logger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { queueDepthMetrics } from '../queues/queue-depth.metrics';
import { RedisModule } from '../redis/redis.module';
import { SettingsModule } from '../settings/settings.module';

export interface WorkerAppOptions {
  name: 'matcher-worker' | 'notifier-worker';
  settings: Settings;
  /** Queues the worker is connected to (its processors consume them). */
  queues: readonly string[];
  imports?: DynamicModule['imports'];
  providers?: Provider[];
  /** Longest single statement of this worker (bulk passes need more than requests do); 60 s by default. */
  statementTimeoutMs?: number;
  /** The app's own module, when it composes workerModule() itself. */
  module?: DynamicModule;
}

/** The module every worker shares: settings, logs, Postgres, Redis, BullMQ, /health and /metrics. */
export function workerModule(options: WorkerAppOptions): DynamicModule {
  const { settings } = options;
  return {
    module: class WorkerModule {},
    imports: [
      SettingsModule.forRoot(settings),
      loggerModule(options.name, settings.LOG_LEVEL),
      PersistenceModule.forRoot({ url: settings.DATABASE_URL, poolSize: settings.DATABASE_POOL_SIZE, applicationName: options.name, statementTimeoutMs: options.statementTimeoutMs }),
      RedisModule.forRoot({ url: settings.REDIS_URL, prefix: settings.REDIS_PREFIX }),
      BullModule.forRoot({ connection: bullConnection(settings.REDIS_URL), prefix: settings.REDIS_PREFIX }),
      BullModule.registerQueue(...options.queues.map((name) => ({ name }))),
      MetricsModule.forRoot(options.name),
      HealthModule,
      ...(options.imports ?? []),
    ],
    providers: [queueDepthMetrics(options.queues), ...(options.providers ?? [])],
  };
}

/** Creates a worker with its small HTTP server for probes and metrics; SIGTERM closes it gracefully. */
export async function createWorkerApp(options: WorkerAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(options.module ?? workerModule(options), new FastifyAdapter({ logger: false }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
