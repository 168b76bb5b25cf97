import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { Settings } from '@concilia/config';
import { JOB_NAMES, QUEUES, type DispatchEventPayload } from '@concilia/queue-contracts';
import { isUuid } from '../delivery/delivery-job';
import { EventDispatchService, type DispatchResult } from './event-dispatch.service';

/**
 * Consumes `webhook-dispatch` (jobs written through the outbox with the event, ids only).
 * Errors are rethrown so BullMQ retries the job; a retry creates no second delivery.
 */
@Processor(QUEUES.webhookDispatch)
export class DispatchProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DispatchProcessor.name);

  constructor(
    private readonly dispatcher: EventDispatchService,
    @Inject(Settings) private readonly settings: Settings,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Jobs running side by side share their queries (batched), so concurrency costs no extra connections.
    this.worker.concurrency = this.settings.NOTIFIER_CONCURRENCY;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<DispatchEventPayload>): Promise<DispatchResult> {
    if (job.name !== JOB_NAMES.dispatchEvent) throw new UnrecoverableError(`unknown job '${job.name}' on the ${QUEUES.webhookDispatch} queue`);
    if (!isUuid(job.data?.tenantId) || !isUuid(job.data?.eventId)) throw new UnrecoverableError('malformed dispatch-event payload: tenantId and eventId must be UUIDs');
    return this.dispatcher.dispatch(job.data);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<DispatchEventPayload> | undefined, error: Error): void {
    if (!job) return;
    this.logger.warn(`dispatch of event ${job.data.eventId} failed, BullMQ attempt ${job.attemptsMade}: ${error.message}`);
  }
}
