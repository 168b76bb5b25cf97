/** Every job payload carries ids and primitives only; the consumer reloads state from Postgres. */
export interface JobEnvelope {
  schemaVersion: 1;
  tenantId: string;
  /** The request id that caused the job, carried into logs and webhooks. */
  correlationId: string | null;
}

/** Asks the matcher to run pass `runVersion` of a reconciliation (the fencing token). */
export interface MatchReconciliationPayload extends JobEnvelope {
  reconciliationId: string;
  runVersion: number;
}

/** Asks the notifier to fan an event out to the tenant's subscribed webhook endpoints. */
export interface DispatchEventPayload extends JobEnvelope {
  eventId: string;
  eventType: string;
}

/** Asks the notifier to deliver one webhook delivery row (endpoint × event). Never a secret, never the body. */
export interface DeliverWebhookPayload extends JobEnvelope {
  deliveryId: string;
}

export interface JobPayloads {
  'match-reconciliation': MatchReconciliationPayload;
  'dispatch-event': DispatchEventPayload;
  'deliver-webhook': DeliverWebhookPayload;
}

export function dispatchJobId(eventId: string): string {
  return `event-${eventId}`;
}

/** Deterministic job id of a delivery's attempt `attempt` (1-based): a second publish of the same attempt is ignored. */
export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `delivery-${deliveryId}-${attempt}`;
}

/** Deterministic job id: a second publish of the same pass is ignored by BullMQ. */
export function matchJobId(reconciliationId: string, runVersion: number): string {
  return `match-${reconciliationId}-${runVersion}`;
}
