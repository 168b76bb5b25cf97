import type { Database } from '../database';
import { IdempotencyKeyEntity } from '../entities';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_progress' }
  | { outcome: 'mismatch' };

/**
 * Claims keys with INSERT ... ON CONFLICT so two concurrent requests with one key can
 * never both run. An expired key, or an in-flight claim whose process died (lock passed),
 * is taken over.
 */
export class IdempotencyRepository {
  constructor(private readonly database: Database) {}

  async claim(scope: string, key: string, requestHash: string, ttlHours: number, lockSeconds: number): Promise<ClaimResult> {
    const claimed: unknown[] = await this.database.manager.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_until, expires_at)
       VALUES ($1, $2, $3, 'IN_PROGRESS', now() + make_interval(secs => $4), now() + make_interval(hours => $5))
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'IN_PROGRESS', locked_until = EXCLUDED.locked_until,
             expires_at = EXCLUDED.expires_at, response_status = NULL, response_headers = NULL, response_body = NULL,
             created_at = now()
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.state = 'IN_PROGRESS' AND idempotency_keys.locked_until < now()
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [scope, key, requestHash, lockSeconds, ttlHours],
    );
    if (claimed.length > 0) return { outcome: 'claimed' };
    const existing = await this.database.manager.getRepository(IdempotencyKeyEntity).findOneBy({ scope, key });
    if (!existing) return this.claim(scope, key, requestHash, ttlHours, lockSeconds);
    if (existing.requestHash !== requestHash) return { outcome: 'mismatch' };
    if (existing.state === 'IN_PROGRESS') return { outcome: 'in_progress' };
    return {
      outcome: 'replay',
      response: { status: existing.responseStatus ?? 200, headers: existing.responseHeaders ?? {}, body: existing.responseBody ?? '' },
    };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.database.manager.query(
      `UPDATE idempotency_keys SET state = 'COMPLETED', response_status = $3, response_headers = $4, response_body = $5
        WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** Forgets an in-flight claim whose request failed in a way a retry may fix (5xx). */
  async release(scope: string, key: string): Promise<void> {
    await this.database.manager.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'IN_PROGRESS'`, [scope, key]);
  }

  async deleteExpired(limit = 10_000): Promise<number> {
    const rows: unknown[] = await this.database.manager.query(
      `WITH deleted AS (DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1) RETURNING 1)
       SELECT 1 FROM deleted`,
      [limit],
    );
    return rows.length;
  }
}
