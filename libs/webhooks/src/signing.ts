import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs body with every secret given (current first, then a rotated-out one still valid):
 * 'v1,<b64> v1,<b64>'. The signed content is `{eventId}.{timestampSeconds}.{body}` (Standard
 * Webhooks); pass the exact bytes that will be sent. Duplicate secrets are signed once.
 * Throws when no secret is given, a secret is malformed, the id is unusable in a header, or the
 * timestamp is not a non-negative integer number of seconds.
 */
export function signWebhook(eventId: string, timestampSeconds: number, body: string, secrets: readonly string[]): SignedHeaders {
  if (typeof eventId !== 'string' || eventId.length === 0 || !/^[\x21-\x7e]+$/.test(eventId)) {
    throw new Error('webhook id must be non-empty printable ASCII without spaces');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error('webhook timestamp must be a non-negative integer number of seconds');
  }
  if (typeof body !== 'string') throw new Error('webhook body must be a string');
  const unique = [...new Set(secrets)];
  if (unique.length === 0) throw new Error('at least one webhook secret is required');
  const at = new Date(timestampSeconds * 1000);
  const signatures = unique.map((secret) => new Webhook(secret).sign(eventId, at, body));
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * Verifies a delivery the way a receiver does (wraps standardwebhooks' Webhook.verify: any one of
 * the space-separated v1 signatures must match, and the timestamp must be within 5 minutes of now).
 * Returns the parsed JSON body; throws (WebhookVerificationError) when invalid.
 */
export function verifyWebhook(
  body: string | Buffer,
  headers: SignedHeaders | Readonly<Record<string, string | readonly string[] | undefined>>,
  secret: string,
): unknown {
  // Accepts SignedHeaders as well as Node's IncomingHttpHeaders (any case, no undefined values).
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name] = value;
    else if (Array.isArray(value)) flat[name] = value.join(' ');
  }
  return new Webhook(secret).verify(body, flat);
}

export { WebhookVerificationError } from 'standardwebhooks';
