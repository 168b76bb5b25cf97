import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { Settings } from '@concilia/config';
import { JOB_NAMES, QUEUES, type DeliverWebhookPayload } from '@concilia/queue-contracts';
import { attemptOfJobId, isUuid } from './delivery-job';
import { DeliveryMetrics, type DeliveryOutcome } from './delivery.metrics';
import { EndpointLimiter } from './endpoint-limiter';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Consumes `webhook-delivery`: one job per attempt of one delivery. Runs NOTIFIER_CONCURRENCY
 * jobs at once but at most NOTIFIER_ENDPOINT_CONCURRENCY per endpoint; a job whose endpoint is
 * busy for more than a moment is put back on the queue (delayed) instead of holding a slot, so a
 * slow or dead endpoint cannot delay the others. HTTP failures are not job failures (they are
 * recorded and rescheduled as new jobs); only infrastructure errors (Postgres, Redis) make the
 * job fail and be retried by BullMQ.
 */
@Processor(QUEUES.webhookDelivery, { lockDuration: 60_000, maxStalledCount: 3 })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);
  private readonly limiter: EndpointLimiter;

  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly metrics: DeliveryMetrics,
    @Inject(Settings) private readonly settings: Settings,
  ) {
    super();
    this.limiter = new EndpointLimiter(settings.NOTIFIER_ENDPOINT_CONCURRENCY);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.settings.NOTIFIER_CONCURRENCY;
  }

  /** Stop taking jobs and let the running attempts finish before the HTTP client closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<DeliverWebhookPayload>, token?: string): Promise<DeliveryOutcome> {
    if (job.name !== JOB_NAMES.deliverWebhook) throw new UnrecoverableError(`unknown job '${job.name}' on the ${QUEUES.webhookDelivery} queue`);
    if (!isUuid(job.data?.tenantId) || !isUuid(job.data?.deliveryId)) throw new UnrecoverableError('malformed deliver-webhook payload: tenantId and deliveryId must be UUIDs');
    const plan = await this.delivery.plan(job.data, attemptOfJobId(job.id, job.data.deliveryId));
    if (plan.kind === 'skip') {
      this.metrics.deliveries.inc({ outcome: plan.outcome });
      return plan.outcome;
    }
    const endpointId = plan.target.endpointId;
    if (!(await this.limiter.acquire(endpointId))) {
      this.metrics.deferred.inc();
      await job.moveToDelayed(Date.now() + this.limiter.deferMs(endpointId), token);
      throw new DelayedError();
    }
    let released = false;
    const release = (durationMs?: number) => {
      if (released) return;
      released = true;
      this.limiter.release(endpointId, durationMs);
    };
    try {
      // The endpoint's slot is given back as soon as it answered, before the result is written.
      return await this.delivery.attempt(job.data, plan, (http) => release(http.durationMs));
    } finally {
      release();
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<DeliverWebhookPayload> | undefined, error: Error): void {
    if (!job) return;
    this.logger.warn(`delivery job ${job.id} (delivery ${job.data.deliveryId}) failed, BullMQ attempt ${job.attemptsMade}: ${error.message}`);
  }
}
