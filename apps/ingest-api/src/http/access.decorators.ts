import { SetMetadata } from '@nestjs/common';
import type { ApiScope } from '@concilia/domain';
import { ACCESS_METADATA } from '@concilia/platform';

export type RouteScope = ApiScope | 'api_keys:manage';

export { ACCESS_METADATA, Public } from '@concilia/platform';

export type RouteAccess = { kind: 'public' } | { kind: 'admin' } | { kind: 'api_key'; scope: RouteScope };

/** Guarded by the ADMIN_TOKEN setting. */
export const AdminOnly = () => SetMetadata(ACCESS_METADATA, { kind: 'admin' } satisfies RouteAccess);

/** An API key holding this scope. Every tenant route must declare one: the guard refuses routes without. */
export const RequireScope = (scope: RouteScope) => SetMetadata(ACCESS_METADATA, { kind: 'api_key', scope } satisfies RouteAccess);
