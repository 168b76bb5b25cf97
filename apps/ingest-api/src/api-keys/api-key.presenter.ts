import type { ApiKeyEntity } from '@concilia/persistence';

/** The public shape of a key: never its hash, and its secret only once, at creation. */
export function presentApiKey(key: ApiKeyEntity, secret?: string) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.keyPrefix,
    scopes: key.scopes,
    allowedIps: key.allowedIps,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    ...(secret ? { secret } : {}),
  };
}
