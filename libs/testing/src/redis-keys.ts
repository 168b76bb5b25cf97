import Redis from 'ioredis';

/** Deletes every Redis key under `prefix` (a run's or a benchmark's own), by SCAN: never the whole database. */
export async function deleteRedisKeys(prefix: string, url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
