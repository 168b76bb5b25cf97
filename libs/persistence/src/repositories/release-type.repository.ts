import type { Database, Tx } from '../database';
import { ReleaseTypeEntity } from '../entities';

export type NewReleaseType = Pick<ReleaseTypeEntity, 'id' | 'tenantId' | 'channel' | 'code' | 'name' | 'category'>;

/** Release types tenants added to channels' catalogues; unique per (tenant, channel, code). */
export class ReleaseTypeRepository {
  constructor(private readonly database: Database) {}

  /** A tenant's additions to these channels, oldest first. */
  listForChannels(tenantId: string, channels: readonly string[], tx: Tx = this.database.manager): Promise<ReleaseTypeEntity[]> {
    if (channels.length === 0) return Promise.resolve([]);
    return tx
      .getRepository(ReleaseTypeEntity)
      .createQueryBuilder('rt')
      .where('rt.tenant_id = :tenantId AND rt.channel IN (:...channels)', { tenantId, channels: [...new Set(channels)] })
      .orderBy('rt.created_at', 'ASC')
      .addOrderBy('rt.code', 'ASC')
      .getMany();
  }

  /** Inserts one; a repeated (tenant, channel, code) fails with 23505 on ux_release_types_tenant_channel_code. */
  async insert(tx: Tx, releaseType: NewReleaseType): Promise<ReleaseTypeEntity> {
    const repository = tx.getRepository(ReleaseTypeEntity);
    return repository.save(repository.create(releaseType));
  }
}
