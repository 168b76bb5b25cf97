import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** A plain Redis connection for rate limits and health checks (BullMQ keeps its own). */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;

  constructor(@Inject('REDIS_OPTIONS') options: { url: string; prefix: string }) {
    this.redis = new Redis(options.url, {
      keyPrefix: `${options.prefix}:`,
      // Commands fail at once while Redis is away instead of queueing: callers degrade, never hang.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Connection errors are reported by the readiness probe; without a listener ioredis would print each one.
    this.redis.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: { url: string; prefix: string }): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: 'REDIS_OPTIONS', useValue: options }, RedisClient],
      exports: [RedisClient],
    };
  }
}
