import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { v7 as uuidv7 } from 'uuid';
import { WebhookDeliveryRepository, type DeliveryKey, type NewDelivery } from '@concilia/persistence';
import { QUEUES, type DispatchEventPayload } from '@concilia/queue-contracts';
import { DeliveryMetrics } from '../delivery/delivery.metrics';
import { deliveryJob } from '../delivery/delivery-job';
import { MicroBatcher } from '../delivery/micro-batcher';

export interface DispatchResult {
  /** Delivery rows created by this dispatch (0 when it is a repeat). */
  created: number;
  /** First-attempt jobs put on the queue (for never-attempted deliveries; BullMQ ignores repeats). */
  enqueued: number;
}

/**
 * Fans events out to the tenants' endpoints: one delivery row per subscribed endpoint (unique
 * per event and endpoint, so a repeated dispatch creates nothing), then one `deliver-webhook`
 * job per delivery never attempted, with the deterministic id of its first attempt. Events are
 * read from Postgres, each scoped by its job's tenant. Dispatch jobs running side by side are
 * served together: two queries and one queue call per batch.
 */
@Injectable()
export class EventDispatchService {
  private readonly logger = new Logger(EventDispatchService.name);
  private readonly batcher = new MicroBatcher<DispatchEventPayload, DispatchResult>((jobs) => this.dispatchAll(jobs), { maxBatch: 200, maxInFlight: 2 });

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly metrics: DeliveryMetrics,
    @InjectQueue(QUEUES.webhookDelivery) private readonly queue: Queue,
  ) {}

  dispatch(job: DispatchEventPayload): Promise<DispatchResult> {
    return this.batcher.load(job);
  }

  private async dispatchAll(jobs: DispatchEventPayload[]): Promise<DispatchResult[]> {
    const targets = await this.deliveries.fanOutTargets(jobs.map((job) => ({ tenantId: job.tenantId, eventId: job.eventId })));
    // The first job of each event found in its own tenant answers for it; copies in the same batch do nothing.
    const leaders = new Map<string, DispatchEventPayload>();
    for (const job of jobs) {
      const target = targets.get(job.eventId);
      if (!target || target.tenantId !== job.tenantId) {
        this.logger.warn(`event ${job.eventId} of tenant ${job.tenantId} not found; nothing to dispatch`);
        continue;
      }
      if (!leaders.has(job.eventId)) leaders.set(job.eventId, job);
    }
    const fresh: NewDelivery[] = [];
    for (const eventId of leaders.keys()) {
      const target = targets.get(eventId);
      if (!target) continue;
      for (const endpointId of target.endpointIds) fresh.push({ id: uuidv7(), tenantId: target.tenantId, endpointId, eventId, eventType: target.type });
    }
    const { created, unattempted } =
      fresh.length > 0 ? await this.deliveries.createDeliveries(fresh, [...leaders.values()].map((job) => ({ tenantId: job.tenantId, eventId: job.eventId }))) : { created: [], unattempted: [] };
    if (created.length > 0) this.metrics.fannedOut.inc(created.length);
    if (unattempted.length > 0) {
      await this.queue.addBulk(
        unattempted.map((delivery) => deliveryJob({ schemaVersion: 1, tenantId: delivery.tenantId, correlationId: leaders.get(delivery.eventId)?.correlationId ?? null, deliveryId: delivery.id }, 1)),
      );
    }
    const count = (keys: DeliveryKey[], eventId: string) => keys.filter((key) => key.eventId === eventId).length;
    return jobs.map((job) => (leaders.get(job.eventId) === job ? { created: count(created, job.eventId), enqueued: count(unattempted, job.eventId) } : { created: 0, enqueued: 0 }));
  }
}
