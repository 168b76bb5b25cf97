import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@concilia/domain';
import { Settings } from '@concilia/config';
import { RedisClient } from '@concilia/platform';

/**
 * Per-API-key limit in a one-second window kept in Redis, so every API replica shares it.
 * When Redis is unreachable the request is let through: ingest must keep answering (Postgres
 * is the write path), and losing the limit for a moment is the lesser harm.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly redis: RedisClient,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = request.caller;
    if (!caller || caller.kind !== 'api_key') return true;
    const limit = this.settings.API_RATE_LIMIT_PER_SECOND;
    const second = Math.floor(Date.now() / 1000);
    const count = await this.increment(`ratelimit:${caller.keyId}:${second}`);
    if (count === null) return true;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('X-RateLimit-Limit', String(limit));
    void reply.header('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    void reply.header('X-RateLimit-Reset', String(second + 1));
    if (count > limit) {
      void reply.header('Retry-After', '1');
      throw new DomainError('rate_limited', `This API key is limited to ${limit} requests per second.`);
    }
    return true;
  }

  private async increment(key: string): Promise<number | null> {
    try {
      const results = await this.redis.redis.multi().incr(key).expire(key, 2).exec();
      const count = results?.[0]?.[1];
      return typeof count === 'number' ? count : null;
    } catch {
      return null;
    }
  }
}
