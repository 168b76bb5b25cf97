import { IsNull } from 'typeorm';
import type { Database, Tx } from '../database';
import { ApiKeyEntity } from '../entities';
import { type Page, type PageRequest, toPage } from './pagination';

export type NewApiKey = Pick<ApiKeyEntity, 'id' | 'tenantId' | 'name' | 'keyPrefix' | 'keyHash' | 'scopes' | 'allowedIps'>;

export class ApiKeyRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, key: NewApiKey): Promise<ApiKeyEntity> {
    const repository = tx.getRepository(ApiKeyEntity);
    return repository.save(repository.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  /** The key with this hash, whether revoked or not: the caller decides. */
  findByHash(keyHash: Buffer): Promise<ApiKeyEntity | null> {
    return this.database.manager.getRepository(ApiKeyEntity).findOneBy({ keyHash });
  }

  findById(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<ApiKeyEntity | null> {
    return tx.getRepository(ApiKeyEntity).findOneBy({ tenantId, id });
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    const query = this.database.manager
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.tenant_id = :tenantId', { tenantId })
      .orderBy('k.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('k.id < :after', { after: page.after });
    return toPage(await query.getMany(), page.limit);
  }

  /** Active keys of a tenant holding a scope, locked for the duration of `tx`. */
  async lockActiveWithScope(tx: Tx, tenantId: string, scope: string): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL AND $2 = ANY(scopes) ORDER BY id FOR UPDATE`,
      [tenantId, scope],
    );
    return rows.map((row) => row.id);
  }

  async revoke(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.getRepository(ApiKeyEntity).update({ tenantId, id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.database.manager.getRepository(ApiKeyEntity).update({ id }, { lastUsedAt: at });
  }
}
