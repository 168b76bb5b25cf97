import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ connection options from a redis:// URL. maxRetriesPerRequest must be null for
 * workers (BullMQ requires it); producers keep retrying in the background and never crash
 * the process when Redis is away: the outbox keeps the work meanwhile.
 */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
}
