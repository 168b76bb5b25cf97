import type { Database, Tx } from '../database';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity, type WebhookDeliveryStatus } from '../entities';
import { type Page, type PageRequest, toPage } from './pagination';

export type NewWebhookEndpoint = Pick<WebhookEndpointEntity, 'id' | 'tenantId' | 'url' | 'description' | 'events' | 'secret'>;
export type WebhookEndpointChanges = Partial<
  Pick<WebhookEndpointEntity, 'url' | 'description' | 'events' | 'enabled' | 'disabledReason' | 'failingSince' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>
>;

export interface WebhookDeliveryFilters {
  status?: WebhookDeliveryStatus;
}

/** Most attempts shown per delivery (the newest ones): bounds an answer however often a delivery was retried. */
export const MAX_ATTEMPTS_SHOWN = 100;

/**
 * Webhook endpoints of a tenant and the read side of their deliveries (the notifier writes
 * deliveries and attempts). Every query is scoped by tenant: another tenant's id is not found.
 */
export class WebhookRepository {
  constructor(private readonly database: Database) {}

  /** Serialises endpoint creation per tenant until `tx` ends, so the per-tenant limit holds under concurrency. */
  async lockTenantEndpoints(tx: Tx, tenantId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || $1::text, 0))`, [tenantId]);
  }

  async countEndpoints(tx: Tx, tenantId: string): Promise<number> {
    const rows: { count: string }[] = await tx.query(`SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1`, [tenantId]);
    return Number(rows[0].count);
  }

  async insertEndpoint(tx: Tx, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointEntity> {
    const repository = tx.getRepository(WebhookEndpointEntity);
    return repository.save(
      repository.create({ ...endpoint, enabled: true, disabledReason: null, previousSecret: null, previousSecretExpiresAt: null, failingSince: null }),
    );
  }

  findEndpoint(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<WebhookEndpointEntity | null> {
    return tx.getRepository(WebhookEndpointEntity).findOneBy({ tenantId, id });
  }

  /** Reads the endpoint and locks its row until `tx` ends. */
  lockEndpoint(tx: Tx, tenantId: string, id: string): Promise<WebhookEndpointEntity | null> {
    return tx
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('e')
      .setLock('pessimistic_write')
      .where('e.tenant_id = :tenantId AND e.id = :id', { tenantId, id })
      .getOne();
  }

  async listEndpoints(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpointEntity>> {
    const query = this.database.manager
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId })
      .orderBy('e.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('e.id < :after', { after: page.after });
    return toPage(await query.getMany(), page.limit);
  }

  async updateEndpoint(tx: Tx, tenantId: string, id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointEntity | null> {
    if (Object.keys(changes).length > 0) await tx.getRepository(WebhookEndpointEntity).update({ tenantId, id }, changes);
    return this.findEndpoint(tenantId, id, tx);
  }

  /**
   * Deletes the endpoint. Its deliveries and attempts stay as history; the ones still PENDING
   * are closed as FAILED ('endpoint deleted') so nothing tries to deliver them again.
   * Returns how many pending deliveries were closed.
   */
  async deleteEndpoint(tx: Tx, tenantId: string, id: string): Promise<number> {
    const closed: unknown[] = await tx.query(
      `UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'endpoint deleted', next_attempt_at = NULL
        WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'PENDING' RETURNING id`,
      [tenantId, id],
    );
    await tx.getRepository(WebhookEndpointEntity).delete({ tenantId, id });
    return Array.isArray(closed[0]) ? (closed[0] as unknown[]).length : closed.length;
  }

  /** Deliveries of one endpoint, newest first (ids are UUIDv7). */
  async listDeliveries(tenantId: string, endpointId: string, filters: WebhookDeliveryFilters, page: PageRequest): Promise<Page<WebhookDeliveryEntity>> {
    const query = this.database.manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId AND d.endpoint_id = :endpointId', { tenantId, endpointId })
      .orderBy('d.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('d.id < :after', { after: page.after });
    if (filters.status) query.andWhere('d.status = :status', { status: filters.status });
    return toPage(await query.getMany(), page.limit);
  }

  /** The attempts of these deliveries, oldest first within each, at most MAX_ATTEMPTS_SHOWN (the newest) per delivery. */
  async attemptsOf(tenantId: string, deliveryIds: string[]): Promise<Map<string, WebhookAttemptEntity[]>> {
    const byDelivery = new Map<string, WebhookAttemptEntity[]>(deliveryIds.map((id) => [id, []]));
    if (deliveryIds.length === 0) return byDelivery;
    const rows: {
      id: string;
      delivery_id: string;
      tenant_id: string;
      attempted_at: Date;
      status_code: number | null;
      duration_ms: number;
      error: string | null;
      response_excerpt: string | null;
    }[] = await this.database.manager.query(
      `SELECT id::text, delivery_id, tenant_id, attempted_at, status_code, duration_ms, error, response_excerpt FROM (
         SELECT a.*, row_number() OVER (PARTITION BY a.delivery_id ORDER BY a.id DESC) AS newest
           FROM webhook_attempts a WHERE a.tenant_id = $1 AND a.delivery_id = ANY($2::uuid[])
       ) ranked WHERE newest <= $3 ORDER BY ranked.delivery_id, ranked.id`,
      [tenantId, deliveryIds, MAX_ATTEMPTS_SHOWN],
    );
    for (const row of rows) {
      byDelivery.get(row.delivery_id)?.push(
        Object.assign(new WebhookAttemptEntity(), {
          id: row.id,
          deliveryId: row.delivery_id,
          tenantId: row.tenant_id,
          attemptedAt: row.attempted_at,
          statusCode: row.status_code,
          durationMs: row.duration_ms,
          error: row.error,
          responseExcerpt: row.response_excerpt,
        }),
      );
    }
    return byDelivery;
  }

  /** The delivery, locked until `tx` ends; only while its endpoint still exists (a deleted endpoint's deliveries are history). */
  lockDelivery(tx: Tx, tenantId: string, id: string): Promise<WebhookDeliveryEntity | null> {
    return tx
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .setLock('pessimistic_write', undefined, ['d'])
      .where('d.tenant_id = :tenantId AND d.id = :id', { tenantId, id })
      .andWhere('EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.tenant_id = d.tenant_id)')
      .getOne();
  }

  /** Back to PENDING, due now: the notifier delivers it on the next job. */
  async requeueDelivery(tx: Tx, tenantId: string, id: string, now: Date): Promise<WebhookDeliveryEntity | null> {
    await tx.getRepository(WebhookDeliveryEntity).update({ tenantId, id }, { status: 'PENDING', nextAttemptAt: now, deliveredAt: null });
    return tx.getRepository(WebhookDeliveryEntity).findOneBy({ tenantId, id });
  }
}
