import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { EventRepository, OutboxRepository, type OutboxMessage, type Tx } from '@concilia/persistence';
import { dispatchJobId, JOB_NAMES, QUEUES, type DispatchEventPayload } from '@concilia/queue-contracts';

export type EventType =
  | 'reconciliation.completed'
  | 'reconciliation.failed'
  | 'reconciliation.closed'
  | 'import.completed'
  | 'import.failed'
  | 'account.blocked'
  | 'webhook.test';

/**
 * Records an event and its `webhook-dispatch` job in the caller's transaction, so a change and
 * its notification commit together. The notifier-worker relays and delivers it.
 */
@Injectable()
export class EventRecorder {
  constructor(
    private readonly events: EventRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async record(tx: Tx, event: { tenantId: string; type: EventType; data: Record<string, unknown>; correlationId: string | null }): Promise<OutboxMessage> {
    const id = uuidv7();
    await this.events.insert(tx, { id, tenantId: event.tenantId, type: event.type, data: event.data });
    const payload: DispatchEventPayload = { schemaVersion: 1, tenantId: event.tenantId, correlationId: event.correlationId, eventId: id, eventType: event.type };
    return this.outbox.insert(tx, { tenantId: event.tenantId, queue: QUEUES.webhookDispatch, jobName: JOB_NAMES.dispatchEvent, jobId: dispatchJobId(id), payload: { ...payload } });
  }
}
