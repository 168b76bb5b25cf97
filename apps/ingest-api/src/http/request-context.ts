import type { FastifyRequest } from 'fastify';
import type { ApiScope } from '@concilia/domain';

/** Who is calling: set by the auth guard before any handler runs. */
export type Caller =
  | { kind: 'api_key'; tenantId: string; keyId: string; scopes: ReadonlySet<ApiScope | 'api_keys:manage'> }
  | { kind: 'admin' };

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

export type ApiKeyCaller = Extract<Caller, { kind: 'api_key' }>;

/** The calling tenant's key; only reached on routes the guard protected with an API key. */
export function apiKeyCaller(request: FastifyRequest): ApiKeyCaller {
  const caller = request.caller;
  if (!caller || caller.kind !== 'api_key') throw new Error('route reached without an API key caller');
  return caller;
}
