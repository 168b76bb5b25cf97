import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError, type ApiScope } from '@concilia/domain';
import { Settings } from '@concilia/config';
import { ApiKeyRepository } from '@concilia/persistence';
import { ACCESS_METADATA, type RouteAccess } from './access.decorators';
import { hashApiKey, looksLikeApiKey, secretsEqual } from './api-key-secret';
import { bearerToken } from './bearer-token';
import { ipAllowed } from './ip-allow-list';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Authenticates every route (global guard). Unknown, malformed and revoked keys all answer
 * the same 401; then the key's IP allow-list (403 ip_not_allowed), then the route's scope
 * (403 insufficient_scope). A route that declares no access rule is refused, so a new
 * route cannot be exposed by forgetting a decorator.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyRepository,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    if (!access) throw new Error(`route ${context.getClass().name}.${context.getHandler().name} declares no access rule`);
    if (access.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new DomainError('unauthenticated', 'Send your API key as "Authorization: Bearer <key>".');
    if (access.kind === 'admin') return this.authenticateAdmin(request, token);
    return this.authenticateApiKey(request, token, access.scope);
  }

  private authenticateAdmin(request: FastifyRequest, token: string): boolean {
    const adminToken = this.settings.ADMIN_TOKEN;
    if (!adminToken || !secretsEqual(token, adminToken)) throw new DomainError('unauthenticated', 'Invalid administration token.');
    request.caller = { kind: 'admin' };
    return true;
  }

  private async authenticateApiKey(request: FastifyRequest, token: string, scope: ApiScope | 'api_keys:manage'): Promise<boolean> {
    const key = looksLikeApiKey(token) ? await this.apiKeys.findByHash(hashApiKey(token)) : null;
    if (!key || key.revokedAt !== null) throw new DomainError('unauthenticated', 'Invalid or revoked API key.');
    if (!ipAllowed(request.ip, key.allowedIps)) {
      throw new DomainError('ip_not_allowed', `This API key may not be used from ${request.ip}.`);
    }
    const scopes = new Set(key.scopes) as Set<ApiScope | 'api_keys:manage'>;
    if (!scopes.has(scope)) throw new DomainError('insufficient_scope', `This route needs the scope '${scope}'.`, [], { requiredScope: scope });
    request.caller = { kind: 'api_key', tenantId: key.tenantId, keyId: key.id, scopes };
    this.recordUse(key.id);
    return true;
  }

  /** last_used_at is informative: written at most once a minute per key and process, off the request path. */
  private recordUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(keyId) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(keyId, now);
    this.apiKeys.touchLastUsed(keyId, new Date(now)).catch(() => this.lastUsedWrites.delete(keyId));
  }
}
