import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Settings } from '@concilia/config';
import { Database, WebhookDeliveryRepository, type AttemptRecord, type DeliveryTarget } from '@concilia/persistence';
import { QUEUES, type DeliverWebhookPayload } from '@concilia/queue-contracts';
import { envelopeFromEvent, nextRetryDelayMs, retryAfterMs, serializeEnvelope, signWebhook } from '@concilia/webhooks';
import { DeliveryMetrics, type DeliveryOutcome } from './delivery.metrics';
import { deliveryJob } from './delivery-job';
import { MicroBatcher } from './micro-batcher';
import { WebhookHttpClient, type HttpAttempt } from './webhook-http-client';

export const GONE_REASON = 'gone (410)';

/** What to do with a delivery job, decided from the stored state before any HTTP. */
export type DeliveryPlan =
  | { kind: 'skip'; outcome: DeliveryOutcome }
  | { kind: 'attempt'; target: DeliveryTarget & { endpoint: NonNullable<DeliveryTarget['endpoint']>; event: NonNullable<DeliveryTarget['event']> }; attempt: number };

/**
 * One attempt of one delivery: rebuild the envelope from the stored event, serialise it once,
 * sign those bytes with the endpoint's secrets (read here from Postgres, never from the job),
 * POST them, and record the result. Failures schedule the next attempt as a NEW delayed job
 * (`delivery-<id>-<n+1>`), so every attempt is its own idempotent job and the current one
 * completes; the `attempts` counter, updated conditionally, makes a repeated job a no-op.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  /** Deliveries started side by side are read in one query, and their successes written in one. */
  private readonly targets = new MicroBatcher<DeliverWebhookPayload, DeliveryTarget | null>(
    async (jobs) => {
      const found = await this.deliveries.findTargets(jobs);
      return jobs.map((job) => {
        const target = found.get(job.deliveryId);
        return target && target.tenantId === job.tenantId ? target : null;
      });
    },
    { maxBatch: 200, maxInFlight: 2 },
  );
  private readonly successes = new MicroBatcher<{ attempt: number; record: AttemptRecord }, boolean>(
    async (items) => {
      const recorded = await this.deliveries.recordSuccesses(items);
      // A delivery twice in one batch (a duplicated job) is recorded once: the first copy reports it.
      const reported = new Set<string>();
      return items.map(({ record }) => {
        if (!recorded.has(record.deliveryId) || reported.has(record.deliveryId)) return false;
        reported.add(record.deliveryId);
        return true;
      });
    },
    { maxBatch: 200, maxInFlight: 2 },
  );

  constructor(
    private readonly database: Database,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly http: WebhookHttpClient,
    private readonly metrics: DeliveryMetrics,
    @InjectQueue(QUEUES.webhookDelivery) private readonly queue: Queue,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  /**
   * Reads the delivery and decides. `jobAttempt` is the attempt the job was made for (from its
   * id); without it the job stands for the next attempt.
   */
  async plan(payload: DeliverWebhookPayload, jobAttempt: number | undefined): Promise<DeliveryPlan> {
    const target = await this.targets.load(payload);
    if (!target) return { kind: 'skip', outcome: 'missing' };
    const attempt = jobAttempt ?? target.attempts + 1;
    if (target.attempts >= attempt) {
      // This attempt was made already (a repeated job): make sure the next one is queued, nothing more.
      await this.ensureFollowUp(payload, target);
      return { kind: 'skip', outcome: 'duplicate' };
    }
    if (target.attempts < attempt - 1 || target.status !== 'PENDING') return { kind: 'skip', outcome: 'stale' };
    const endpoint = target.endpoint;
    const event = target.event;
    const reason = !endpoint ? 'endpoint deleted' : !event ? 'event not found' : !endpoint.enabled && event.type !== 'webhook.test' ? 'endpoint disabled' : null;
    if (reason !== null || !endpoint || !event) {
      await this.deliveries.abandon(target.tenantId, target.id, target.attempts, reason ?? 'not deliverable');
      return { kind: 'skip', outcome: 'abandoned' };
    }
    return { kind: 'attempt', target: { ...target, endpoint, event }, attempt };
  }

  /** Makes attempt `attempt`: sign, POST, record, and schedule what comes next. `answered` is called as soon as the HTTP exchange is over. */
  async attempt(payload: DeliverWebhookPayload, plan: Extract<DeliveryPlan, { kind: 'attempt' }>, answered: (http: HttpAttempt) => void = () => undefined): Promise<DeliveryOutcome> {
    const { target, attempt } = plan;
    const body = serializeEnvelope(envelopeFromEvent(target.event));
    const attemptedAt = new Date();
    const headers = signWebhook(target.eventId, Math.floor(attemptedAt.getTime() / 1000), body, this.secretsOf(target.endpoint, attemptedAt));
    const http = await this.http.post(target.endpoint.url, { ...headers }, body);
    answered(http);
    this.metrics.attemptDuration.observe({ result: DeliveryMetrics.resultOf(http.statusCode) }, http.durationMs / 1000);
    const succeeded = http.statusCode !== null && http.statusCode >= 200 && http.statusCode < 300;
    const record: AttemptRecord = {
      deliveryId: target.id,
      tenantId: target.tenantId,
      attemptedAt,
      statusCode: http.statusCode,
      durationMs: http.durationMs,
      error: succeeded ? http.error : (http.error ?? statusError(http.statusCode)),
      responseExcerpt: http.excerpt,
    };
    const outcome = succeeded ? ((await this.successes.load({ attempt, record })) ? 'succeeded' : 'duplicate') : await this.recordFailure(payload, target, attempt, record, http);
    this.metrics.deliveries.inc({ outcome });
    if (outcome !== 'succeeded') {
      this.logger.log(
        `delivery ${target.id} (endpoint ${target.endpointId}, event ${target.eventId}, correlation ${payload.correlationId ?? '-'}) attempt ${attempt}: ${outcome}, ${record.error ?? `HTTP ${http.statusCode}`}`,
      );
    }
    return outcome;
  }

  private async recordFailure(payload: DeliverWebhookPayload, target: DeliveryTarget, attempt: number, record: AttemptRecord, http: HttpAttempt): Promise<DeliveryOutcome> {
    const decided = await this.database.transaction(async (tx): Promise<{ outcome: DeliveryOutcome; delayMs?: number }> => {
      const endpointId = await this.deliveries.claimFailedAttempt(tx, attempt, record);
      if (endpointId === null) return { outcome: 'duplicate' };
      if (http.statusCode === 410) {
        await this.deliveries.disableEndpoint(tx, target.tenantId, endpointId, GONE_REASON);
        await this.deliveries.markFailed(tx, target.tenantId, target.id);
        return { outcome: 'gone' };
      }
      const disableCutoff = new Date(record.attemptedAt.getTime() - this.settings.NOTIFIER_DISABLE_AFTER_MS);
      const endpoint = await this.deliveries.noteEndpointFailure(tx, target.tenantId, endpointId, record.attemptedAt, disableCutoff);
      if (endpoint.disabled) {
        await this.deliveries.markFailed(tx, target.tenantId, target.id);
        return { outcome: 'endpoint_disabled' };
      }
      const delayMs = this.retryDelayMs(attempt, http);
      if (delayMs === null) {
        await this.deliveries.markFailed(tx, target.tenantId, target.id);
        return { outcome: 'failed' };
      }
      await this.deliveries.scheduleNext(tx, target.tenantId, target.id, new Date(Date.now() + delayMs));
      return { outcome: 'retrying', delayMs };
    });
    if (decided.outcome === 'retrying') {
      // If this add fails the job fails and is retried by BullMQ; the retry finds the attempt
      // recorded and only re-adds this follow-up (ensureFollowUp).
      const next = deliveryJob(payload, attempt + 1, decided.delayMs);
      await this.queue.add(next.name, next.data, next.opts);
    }
    return decided.outcome;
  }

  /**
   * Delay before the next attempt: the schedule (scaled), or longer when a 429/503 asks for it
   * with Retry-After; null when the schedule is exhausted (Retry-After never adds attempts).
   */
  private retryDelayMs(attemptsMade: number, http: HttpAttempt): number | null {
    const scheduled = nextRetryDelayMs(attemptsMade, { scale: this.settings.NOTIFIER_RETRY_SCALE });
    if (scheduled === null) return null;
    const asked = http.statusCode === 429 || http.statusCode === 503 ? retryAfterMs(http.retryAfter) : null;
    return asked === null ? scheduled : Math.max(asked, scheduled);
  }

  /** A repeated job of an attempt already made: if the delivery still waits, its next attempt's job exists (the add is idempotent by job id). */
  private async ensureFollowUp(payload: DeliverWebhookPayload, target: DeliveryTarget): Promise<void> {
    if (target.status !== 'PENDING' || target.attempts === 0) return;
    const delayMs = target.nextAttemptAt ? target.nextAttemptAt.getTime() - Date.now() : 0;
    const next = deliveryJob(payload, target.attempts + 1, delayMs);
    await this.queue.add(next.name, next.data, next.opts);
  }

  /** The current secret, then the rotated-out one while its overlap lasts: both signatures go out. */
  private secretsOf(endpoint: NonNullable<DeliveryTarget['endpoint']>, now: Date): string[] {
    const previousValid = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now.getTime();
    return previousValid && endpoint.previousSecret ? [endpoint.secret, endpoint.previousSecret] : [endpoint.secret];
  }
}

function statusError(statusCode: number | null): string {
  if (statusCode === null) return 'no answer';
  if (statusCode >= 300 && statusCode < 400) return `HTTP ${statusCode}: redirect not followed`;
  return `HTTP ${statusCode}`;
}
