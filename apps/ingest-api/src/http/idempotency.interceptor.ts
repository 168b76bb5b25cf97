import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { DomainError } from '@concilia/domain';
import { Settings } from '@concilia/config';
import { IdempotencyRepository, type StoredResponse } from '@concilia/persistence';
import { toProblem } from './problem';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long an in-flight claim protects a key before another request may take it over. */
const IN_FLIGHT_LOCK_SECONDS = 120;
/** Response headers worth replaying. */
const REPLAYED_HEADERS = ['location', 'content-type'];
/** How often writes owed to keys (the database was away) are tried again. */
const OWED_RETRY_MS = 1000;

/** Thrown to answer with a stored response; ProblemFilter sends it as it was. */
export class StoredResponseReplay {
  constructor(readonly response: StoredResponse) {}
}

/**
 * `Idempotency-Key` on every POST: the first request is claimed in Postgres, its response
 * (success or client error) stored for API_IDEMPOTENCY_TTL_HOURS and replayed with
 * `Idempotent-Replayed: true`. Another body with the same key is 422; a repeat while the
 * first is running is 409. A 5xx releases the key so that the client's retry can run.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnApplicationShutdown {
  /**
   * Writes owed to keys because Postgres was unreachable when the request ended: the stored
   * response of a request that did its work (so a retry replays it instead of doing it again),
   * or the release of one that failed (so the advised retry runs instead of getting 409).
   * They are written as soon as Postgres answers again, and before any new claim of the key.
   */
  private readonly owed = new Map<string, () => Promise<void>>();
  private readonly owedTimer = setInterval(() => void this.payOwed(), OWED_RETRY_MS).unref();

  constructor(
    private readonly keys: IdempotencyRepository,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_PATTERN.test(key)) {
      throw DomainError.field('idempotency_key_invalid', 'Idempotency-Key', 'must be 1-255 visible ASCII characters');
    }
    const scope = request.caller?.kind === 'api_key' ? request.caller.tenantId : 'admin';
    const requestHash = fingerprint(request);
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    return from(this.claim(scope, key, requestHash)).pipe(
      mergeMap((claim) => {
        switch (claim.outcome) {
          case 'replay':
            throw new StoredResponseReplay(claim.response);
          case 'mismatch':
            throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
          case 'in_progress':
            throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry later.');
          case 'claimed':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                // The status Nest set from @HttpCode before the handler, or the one the handler chose (200 for a file seen before).
                await this.remember(scope, key, reply.statusCode, replayedHeaders(reply), JSON.stringify(body ?? null));
                return body;
              }),
              catchError((error: unknown) => from(this.settle(scope, key, error, String(request.id))).pipe(mergeMap(() => Promise.reject(error)))),
            );
        }
      }),
    );
  }

  /** Claims the key, first paying what this process still owes it. */
  private async claim(scope: string, key: string, requestHash: string) {
    const owed = this.owed.get(owedId(scope, key));
    if (owed) {
      await owed();
      this.owed.delete(owedId(scope, key));
    }
    return this.keys.claim(scope, key, requestHash, this.settings.API_IDEMPOTENCY_TTL_HOURS, IN_FLIGHT_LOCK_SECONDS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.owedTimer);
  }

  private async payOwed(): Promise<void> {
    for (const [id, write] of this.owed) {
      try {
        await write();
        this.owed.delete(id);
      } catch {
        return; // still unreachable: the next tick tries again
      }
    }
  }

  /** Performs the write now, or owes it until Postgres answers again. */
  private async writeOrOwe(scope: string, key: string, write: () => Promise<void>): Promise<void> {
    await write().catch(() => this.owed.set(owedId(scope, key), write));
  }

  private async remember(scope: string, key: string, status: number, headers: Record<string, string>, body: string): Promise<void> {
    const response = { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
    await this.writeOrOwe(scope, key, () => this.keys.complete(scope, key, response));
  }

  /** Client errors are final and replayed; server-side failures free the key for a retry. */
  private async settle(scope: string, key: string, error: unknown, requestId: string): Promise<void> {
    const problem = toProblem(error, requestId);
    if (problem.status >= 500 || problem.status === 429) {
      await this.writeOrOwe(scope, key, () => this.keys.release(scope, key));
      return;
    }
    await this.remember(scope, key, problem.status, { ...problem.headers, 'content-type': 'application/problem+json' }, JSON.stringify(problem.body));
  }
}

function owedId(scope: string, key: string): string {
  return `${scope}\n${key}`;
}

function fingerprint(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return createHash('sha256')
    .update(`${request.method} ${path}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
