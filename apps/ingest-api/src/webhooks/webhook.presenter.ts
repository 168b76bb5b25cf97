import type { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from '@concilia/persistence';

/** Bytes of a receiver's answer kept per attempt (the notifier stores no more; cut again here to be sure). */
export const RESPONSE_EXCERPT_CHARS = 1024;

/** The public shape of an endpoint: its secret only once (creation, rotation), never the previous one. */
export function presentWebhookEndpoint(endpoint: WebhookEndpointEntity, secret?: string) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: activeUntil(endpoint.previousSecretExpiresAt),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...(secret ? { secret } : {}),
  };
}

/** A rotated-out secret that has expired no longer matters to the client. */
function activeUntil(expiresAt: Date | null): string | null {
  return expiresAt && expiresAt.getTime() > Date.now() ? expiresAt.toISOString() : null;
}

export function presentWebhookAttempt(attempt: WebhookAttemptEntity) {
  return {
    attemptedAt: attempt.attemptedAt.toISOString(),
    statusCode: attempt.statusCode,
    durationMs: attempt.durationMs,
    error: attempt.error,
    responseExcerpt: attempt.responseExcerpt === null ? null : attempt.responseExcerpt.slice(0, RESPONSE_EXCERPT_CHARS),
  };
}

export function presentWebhookDelivery(delivery: WebhookDeliveryEntity, attempts: WebhookAttemptEntity[] = []) {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    attempts: attempts.map(presentWebhookAttempt),
  };
}
