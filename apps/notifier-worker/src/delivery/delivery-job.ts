import { deliveryJobId, DEFAULT_JOB_OPTIONS, JOB_NAMES, type DeliverWebhookPayload } from '@concilia/queue-contracts';
import type { JobsOptions } from 'bullmq';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DELIVERY_JOB_ID = /^delivery-([0-9a-fA-F-]{36})-(\d{1,6})(?:-.*)?$/;

/**
 * The attempt number a delivery job was created for, read from its id (`delivery-<id>-<n>`,
 * optionally followed by a suffix such as the API's `-retry-<uuid>`). undefined when the id has
 * another shape: the job then stands for "the next attempt".
 */
export function attemptOfJobId(jobId: string | undefined, deliveryId: string): number | undefined {
  const match = jobId ? DELIVERY_JOB_ID.exec(jobId) : null;
  if (!match || match[1].toLowerCase() !== deliveryId.toLowerCase()) return undefined;
  const attempt = Number(match[2]);
  return attempt >= 1 ? attempt : undefined;
}

/** The queue entry of attempt `attempt` of a delivery: ids only, never the body or a secret. */
export function deliveryJob(payload: DeliverWebhookPayload, attempt: number, delayMs = 0): { name: string; data: DeliverWebhookPayload; opts: JobsOptions } {
  const data: DeliverWebhookPayload = { schemaVersion: 1, tenantId: payload.tenantId, correlationId: payload.correlationId, deliveryId: payload.deliveryId };
  return { name: JOB_NAMES.deliverWebhook, data, opts: { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(payload.deliveryId, attempt), delay: Math.max(0, Math.round(delayMs)) } };
}

/** Payload ids are checked before they reach a batched query (one malformed job must not fail its neighbours). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
