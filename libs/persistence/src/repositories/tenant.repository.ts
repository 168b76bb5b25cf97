import type { Database, Tx } from '../database';
import { TenantEntity } from '../entities';

export class TenantRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, tenant: { id: string; name: string }): Promise<TenantEntity> {
    return tx.getRepository(TenantEntity).save(tx.getRepository(TenantEntity).create(tenant));
  }

  findById(id: string): Promise<TenantEntity | null> {
    return this.database.manager.getRepository(TenantEntity).findOneBy({ id });
  }
}
