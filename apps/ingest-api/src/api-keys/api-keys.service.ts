import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@concilia/domain';
import { ApiKeyRepository, Database, type ApiKeyEntity, type PageRequest, type Page, type Tx } from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { generateApiKey } from '../http/api-key-secret';
import { normalizeCidr } from '../http/ip-allow-list';
import { apiKeyCaller } from '../http/request-context';
import type { KeyScope } from './dto/create-api-key.dto';

export interface NewKeyRequest {
  name: string;
  scopes: KeyScope[];
  allowedIps?: string[];
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly database: Database,
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditService,
  ) {}

  /** Creates a key inside `tx`; the secret is returned here and never again. */
  async createInTx(tx: Tx, tenantId: string, request: NewKeyRequest): Promise<{ key: ApiKeyEntity; secret: string }> {
    const allowedIps = normalizeAllowList(request.allowedIps ?? []);
    const generated = generateApiKey();
    const key = await this.apiKeys.insert(tx, {
      id: uuidv7(),
      tenantId,
      name: request.name,
      keyPrefix: generated.prefix,
      keyHash: generated.hash,
      scopes: [...request.scopes].sort(),
      allowedIps,
    });
    return { key, secret: generated.secret };
  }

  async create(httpRequest: FastifyRequest, request: NewKeyRequest): Promise<{ key: ApiKeyEntity; secret: string }> {
    const caller = apiKeyCaller(httpRequest);
    const beyond = request.scopes.filter((scope) => !caller.scopes.has(scope));
    if (beyond.length > 0) {
      throw new DomainError('insufficient_scope', `A key cannot grant scopes it does not hold: ${beyond.join(', ')}.`);
    }
    return this.database.transaction(async (tx) => {
      const created = await this.createInTx(tx, caller.tenantId, request);
      await this.audit.record(tx, httpRequest, {
        tenantId: caller.tenantId,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: created.key.id,
        after: { name: created.key.name, scopes: created.key.scopes, allowedIps: created.key.allowedIps },
      });
      return created;
    });
  }

  list(tenantId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    return this.apiKeys.list(tenantId, page);
  }

  /** Revokes at once (every request looks the key up). The tenant's last key able to manage keys stays. */
  async revoke(httpRequest: FastifyRequest, id: string): Promise<ApiKeyEntity> {
    const { tenantId } = apiKeyCaller(httpRequest);
    return this.database.transaction(async (tx) => {
      const managers = await this.apiKeys.lockActiveWithScope(tx, tenantId, 'api_keys:manage');
      const key = await this.apiKeys.findById(tenantId, id, tx);
      if (!key) throw new DomainError('not_found', 'No API key with this id.');
      if (key.revokedAt) return key;
      if (managers.length === 1 && managers[0] === key.id) {
        throw new DomainError('api_key_last_admin', 'This is the last active key that can manage keys; create another one first.');
      }
      await this.apiKeys.revoke(tx, tenantId, id);
      await this.audit.record(tx, httpRequest, { tenantId, action: 'api_key.revoked', targetType: 'api_key', targetId: id, before: { revokedAt: null } });
      const revoked = await this.apiKeys.findById(tenantId, id, tx);
      if (!revoked) throw new Error('revoked key vanished inside its transaction');
      return revoked;
    });
  }
}

function normalizeAllowList(entries: string[]): string[] {
  const normalized = entries.map((entry, index) => {
    const cidr = normalizeCidr(entry);
    if (!cidr) throw DomainError.field('validation_failed', `allowedIps[${index}]`, 'must be an IP address or CIDR');
    return cidr;
  });
  return [...new Set(normalized)];
}
