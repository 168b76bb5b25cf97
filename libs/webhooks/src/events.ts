/** The event catalogue of API.md ("Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'reconciliation.completed',
  'reconciliation.failed',
  'reconciliation.closed',
  'import.completed',
  'import.failed',
  'account.blocked',
  'webhook.test',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The body of every delivery: `{ id, type, createdAt, data }`. */
export interface WebhookEnvelope {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Builds an envelope from a stored event row (createdAt as Date or ISO text). */
export function envelopeFromEvent(event: { id: string; type: string; createdAt: Date | string; data: Record<string, unknown> | null | undefined }): WebhookEnvelope {
  const createdAt = event.createdAt instanceof Date ? event.createdAt.toISOString() : new Date(event.createdAt).toISOString();
  return { id: event.id, type: event.type, createdAt, data: event.data ?? {} };
}

/**
 * Serialises the envelope once: these exact bytes are signed and sent.
 *
 * The output is deterministic: the envelope's keys always come in the order id, type, createdAt,
 * data, and every object inside `data` has its keys sorted (so the same event gives the same bytes
 * whatever order its producer or Postgres' jsonb put the keys in). `bigint` values become decimal
 * strings; `toJSON` (Date) is honoured; `undefined` members are dropped as JSON.stringify does.
 */
export function serializeEnvelope(envelope: WebhookEnvelope): string {
  return JSON.stringify({
    id: envelope.id,
    type: envelope.type,
    createdAt: envelope.createdAt,
    data: canonical(envelope.data ?? {}),
  });
}

/** A copy of value with every object's keys sorted, toJSON applied and bigint as text. */
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonical(withToJson.toJSON());
  if (Array.isArray(value)) return value.map(canonical);
  const record = value as Record<string, unknown>;
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, canonical(record[key])]));
}
