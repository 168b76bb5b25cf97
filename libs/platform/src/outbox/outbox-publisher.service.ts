import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Counter } from 'prom-client';
import { OutboxRepository, type OutboxMessage } from '@concilia/persistence';
import { DEFAULT_JOB_OPTIONS } from '@concilia/queue-contracts';
import { MetricsRegistry } from '../metrics/metrics.registry';

export const OUTBOX_QUEUE_NAMES = Symbol('OUTBOX_QUEUE_NAMES');

/** A publish that takes longer than this is left to the relay (Redis is probably away). */
const PUBLISH_TIMEOUT_MS = 5000;

/**
 * Puts committed outbox messages on their queues. Called after the transaction that wrote
 * them commits; whatever fails here stays unpublished in Postgres and the relay re-sends it,
 * and the deterministic job id makes a repeat harmless.
 */
@Injectable()
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly queues: ReadonlyMap<string, Queue>;
  private readonly published: Counter<'outcome'>;

  constructor(
    @Inject(OUTBOX_QUEUE_NAMES) readonly queueNames: readonly string[],
    moduleRef: ModuleRef,
    private readonly outbox: OutboxRepository,
    metrics: MetricsRegistry,
  ) {
    this.queues = new Map(queueNames.map((name) => [name, moduleRef.get<Queue>(getQueueToken(name), { strict: false })]));
    this.published = existingCounter(metrics) ?? new Counter({
      name: 'concilia_outbox_published_total',
      help: 'Outbox messages by outcome: sent after commit, deferred to the relay, relayed, or a relay sweep that failed (retried next sweep)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  }

  /** Fire and forget from the request's point of view: the response never waits for Redis. */
  publishAfterCommit(all: OutboxMessage[]): void {
    // Messages for queues this process does not own wait for the relay of the process that does.
    const messages = all.filter((message) => this.queues.has(message.queue));
    if (messages.length === 0) return;
    void this.publish(messages).then(
      () => this.published.inc({ outcome: 'sent' }, messages.length),
      (error: unknown) => {
        this.published.inc({ outcome: 'deferred' }, messages.length);
        this.logger.warn(`outbox publish deferred to the relay: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  /** Counts messages by outcome: sent, deferred (to the relay), relayed, relay_failed. */
  count(outcome: 'relayed' | 'relay_failed', messages: number): void {
    this.published.inc({ outcome }, messages);
  }

  /** Adds the messages to their queues; resolves once BullMQ has them, then marks them published. */
  async publish(messages: OutboxMessage[]): Promise<void> {
    await this.enqueue(messages);
    await this.outbox.markPublished(messages.map((message) => message.id));
  }

  async enqueue(messages: OutboxMessage[]): Promise<void> {
    const byQueue = new Map<string, OutboxMessage[]>();
    for (const message of messages) byQueue.set(message.queue, [...(byQueue.get(message.queue) ?? []), message]);
    await withTimeout(
      Promise.all(
        [...byQueue].map(([name, batch]) =>
          this.queue(name).addBulk(batch.map((message) => ({ name: message.jobName, data: message.payload, opts: { ...DEFAULT_JOB_OPTIONS, jobId: message.jobId } }))),
        ),
      ),
      PUBLISH_TIMEOUT_MS,
    );
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`outbox message for unknown queue '${name}'`);
    return queue;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
    // A publish left pending by a stopping process must not keep it alive: the relay re-sends it.
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function existingCounter(metrics: MetricsRegistry): Counter<'outcome'> | undefined {
  return metrics.registry.getSingleMetric('concilia_outbox_published_total') as Counter<'outcome'> | undefined;
}
