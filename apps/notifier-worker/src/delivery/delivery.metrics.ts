import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@concilia/platform';

export type DeliveryOutcome =
  /** 2xx: delivered. */
  | 'succeeded'
  /** failed, another attempt is scheduled. */
  | 'retrying'
  /** failed for good: attempts exhausted. */
  | 'failed'
  /** 410 Gone: the endpoint was disabled. */
  | 'gone'
  /** failed, and the endpoint has been failing too long: it was disabled. */
  | 'endpoint_disabled'
  /** not attempted: the endpoint is disabled or deleted, or the event is gone. */
  | 'abandoned'
  /** a repeated job for an attempt already made: nothing done. */
  | 'duplicate'
  /** the delivery is not waiting for this attempt (already settled, or a job from the future). */
  | 'stale'
  /** the delivery row does not exist (in this tenant). */
  | 'missing';

/** Prometheus series of the notifier (queue depth comes from the platform's queue gauge). */
@Injectable()
export class DeliveryMetrics {
  readonly deliveries: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'result'>;
  readonly deferred: Counter<string>;
  readonly fannedOut: Counter<string>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({ name: 'concilia_webhook_deliveries_total', help: 'Webhook delivery jobs processed, by outcome', labelNames: ['outcome'], registers });
    this.attemptDuration = new Histogram({
      name: 'concilia_webhook_attempt_duration_seconds',
      help: 'Duration of one webhook HTTP attempt (connect to the first 8 KB of the answer), by result class',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.deferred = new Counter({ name: 'concilia_webhook_deferred_total', help: "Delivery jobs put back on the queue because their endpoint's concurrency limit was reached", registers });
    this.fannedOut = new Counter({ name: 'concilia_webhook_deliveries_created_total', help: 'Delivery rows created by the fan-out of events to subscribed endpoints', registers });
  }

  /** '2xx', '3xx', '4xx', '5xx' or 'error' (no status: timeout, refused, forbidden address). */
  static resultOf(statusCode: number | null): string {
    return statusCode === null ? 'error' : `${Math.floor(statusCode / 100)}xx`;
  }
}
