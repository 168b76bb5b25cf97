import type { Database, Tx } from '../database';

export interface OutboxMessage {
  id: string;
  tenantId: string | null;
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
}

export type NewOutboxMessage = Omit<OutboxMessage, 'id'>;

export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /** Writes the message inside the caller's transaction: it exists if and only if the change commits. */
  async insert(tx: Tx, message: NewOutboxMessage): Promise<OutboxMessage> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO outbox (tenant_id, queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [message.tenantId, message.queue, message.jobName, message.jobId, JSON.stringify(message.payload)],
    );
    return { ...message, id: String(rows[0].id) };
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.database.manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL`, [ids]);
  }

  /**
   * Unpublished messages older than `graceMs`, locked (SKIP LOCKED) inside `tx` so several
   * relays never send the same batch at once. publish_attempts counts the relay's sends that
   * reached the queue (a failed send rolls back with its claim).
   */
  async claimStale(tx: Tx, graceMs: number, limit: number, queues: readonly string[]): Promise<OutboxMessage[]> {
    const rows: { id: string; tenant_id: string | null; queue: string; job_name: string; job_id: string; payload: Record<string, unknown> }[] =
      await tx.query(
        `WITH claimed AS (
           UPDATE outbox SET publish_attempts = publish_attempts + 1
            WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL AND queue = ANY($3::text[])
                            AND created_at < now() - make_interval(secs => $1::float8 / 1000)
                          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, queue, job_name, job_id, payload)
         SELECT * FROM claimed`,
        [graceMs, limit, [...queues]],
      );
    return rows
      .map((row) => ({ id: String(row.id), tenantId: row.tenant_id, queue: row.queue, jobName: row.job_name, jobId: row.job_id, payload: row.payload }))
      .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  async markPublishedIn(tx: Tx, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async countUnpublished(): Promise<number> {
    const rows: { count: string }[] = await this.database.manager.query(`SELECT count(*) FROM outbox WHERE published_at IS NULL`);
    return Number(rows[0].count);
  }
}
