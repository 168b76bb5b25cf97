import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@concilia/domain';
import {
  Database,
  OutboxRepository,
  WebhookRepository,
  type Page,
  type PageRequest,
  type WebhookAttemptEntity,
  type WebhookDeliveryEntity,
  type WebhookDeliveryFilters,
} from '@concilia/persistence';
import { OutboxPublisher } from '@concilia/platform';
import { deliveryJobId, JOB_NAMES, QUEUES, type DeliverWebhookPayload } from '@concilia/queue-contracts';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { disabled, WebhookEndpointsService } from './webhook-endpoints.service';

export interface DeliveryWithAttempts {
  delivery: WebhookDeliveryEntity;
  attempts: WebhookAttemptEntity[];
}

/** The read side of deliveries (the notifier writes them) and the manual retry. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly database: Database,
    private readonly webhooks: WebhookRepository,
    private readonly endpoints: WebhookEndpointsService,
    private readonly outbox: OutboxRepository,
    private readonly publisher: OutboxPublisher,
    private readonly audit: AuditService,
  ) {}

  /** Deliveries of one of the tenant's endpoints, newest first, each with its attempts. */
  async list(tenantId: string, endpointId: string, filters: WebhookDeliveryFilters, page: PageRequest): Promise<Page<DeliveryWithAttempts>> {
    await this.endpoints.get(tenantId, endpointId);
    const deliveries = await this.webhooks.listDeliveries(tenantId, endpointId, filters, page);
    const attempts = await this.webhooks.attemptsOf(tenantId, deliveries.data.map((delivery) => delivery.id));
    return {
      data: deliveries.data.map((delivery) => ({ delivery, attempts: attempts.get(delivery.id) ?? [] })),
      nextAfter: deliveries.nextAfter,
    };
  }

  /**
   * Delivers again now, whatever the delivery's status: back to PENDING, due now, and a
   * `deliver-webhook` job written to the outbox in the same transaction (put on the queue right
   * after commit, or by the relay if Redis is away). Its job id is new for every retry, so a
   * delayed job of the regular schedule never swallows it.
   */
  async retry(request: FastifyRequest, id: string): Promise<DeliveryWithAttempts> {
    const { tenantId } = apiKeyCaller(request);
    const { delivery, message } = await this.database.transaction(async (tx) => {
      const before = await this.webhooks.lockDelivery(tx, tenantId, id);
      if (!before) throw notFound();
      const endpoint = await this.webhooks.lockEndpoint(tx, tenantId, before.endpointId);
      if (!endpoint) throw notFound();
      // The notifier abandons deliveries to a disabled endpoint (webhook.test excepted): say so now rather than queue in vain.
      if (!endpoint.enabled && before.eventType !== 'webhook.test') throw disabled();
      const after = await this.webhooks.requeueDelivery(tx, tenantId, id, new Date());
      if (!after) throw notFound();
      const payload: DeliverWebhookPayload = { schemaVersion: 1, tenantId, correlationId: String(request.id), deliveryId: id };
      const message = await this.outbox.insert(tx, {
        tenantId,
        queue: QUEUES.webhookDelivery,
        jobName: JOB_NAMES.deliverWebhook,
        jobId: `${deliveryJobId(id, before.attempts + 1)}-retry-${uuidv7()}`,
        payload: { ...payload },
      });
      await this.audit.record(tx, request, {
        tenantId,
        action: 'webhook_delivery.retried',
        targetType: 'webhook_delivery',
        targetId: id,
        before: { status: before.status, attempts: before.attempts, nextAttemptAt: before.nextAttemptAt?.toISOString() ?? null },
        after: { status: after.status, attempts: after.attempts, nextAttemptAt: after.nextAttemptAt?.toISOString() ?? null },
      });
      return { delivery: after, message };
    });
    this.publisher.publishAfterCommit([message]);
    const attempts = await this.webhooks.attemptsOf(tenantId, [delivery.id]);
    return { delivery, attempts: attempts.get(delivery.id) ?? [] };
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No webhook delivery with this id.');
}
