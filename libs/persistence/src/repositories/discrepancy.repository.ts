import type { Database, Tx } from '../database';
import { DiscrepancyEntity } from '../entities';
import { type Page, type PageRequest, toPage } from './pagination';

export interface DiscrepancyFilters {
  type?: string;
  severity?: string;
  status?: string;
  resolution?: string;
}

export type DiscrepancyChanges = Partial<Pick<DiscrepancyEntity, 'status' | 'note'>>;

export interface DiscrepancyResolution {
  resolution: string;
  adjustedAmount: bigint | null;
  remarks: string | null;
  resolvedBy: string;
}

/** Reads and review actions on discrepancies; every statement carries the tenant. */
export class DiscrepancyRepository {
  constructor(private readonly database: Database) {}

  findById(tenantId: string, id: string, tx: Tx = this.database.manager): Promise<DiscrepancyEntity | null> {
    return tx.getRepository(DiscrepancyEntity).findOneBy({ tenantId, id });
  }

  /** Reads and locks the row until `tx` ends. */
  lockById(tx: Tx, tenantId: string, id: string): Promise<DiscrepancyEntity | null> {
    return tx
      .getRepository(DiscrepancyEntity)
      .createQueryBuilder('d')
      .setLock('pessimistic_write')
      .where('d.tenant_id = :tenantId AND d.id = :id', { tenantId, id })
      .getOne();
  }

  /** A reconciliation's discrepancies, newest first (keyset on ix_discrepancies_reconciliation). */
  async list(tenantId: string, reconciliationId: string, filters: DiscrepancyFilters, page: PageRequest): Promise<Page<DiscrepancyEntity>> {
    const query = this.database.manager
      .getRepository(DiscrepancyEntity)
      .createQueryBuilder('d')
      .where('d.reconciliation_id = :reconciliationId AND d.tenant_id = :tenantId', { reconciliationId, tenantId })
      .orderBy('d.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) query.andWhere('d.id < :after', { after: page.after });
    for (const field of ['type', 'severity', 'status', 'resolution'] as const) {
      const value = filters[field];
      if (value !== undefined) query.andWhere(`d.${field} = :${field}`, { [field]: value });
    }
    return toPage(await query.getMany(), page.limit);
  }

  async update(tx: Tx, discrepancy: DiscrepancyEntity, changes: DiscrepancyChanges): Promise<DiscrepancyEntity> {
    if (Object.keys(changes).length === 0) return discrepancy;
    await tx.getRepository(DiscrepancyEntity).update({ tenantId: discrepancy.tenantId, id: discrepancy.id }, changes);
    return Object.assign(discrepancy, changes);
  }

  /**
   * Resolves a discrepancy that is still PENDING, and closes it. The condition is part of the
   * UPDATE, so of two concurrent resolutions exactly one takes effect: null means this one lost
   * (or the row is gone).
   */
  async resolve(tx: Tx, tenantId: string, id: string, resolution: DiscrepancyResolution): Promise<DiscrepancyEntity | null> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE discrepancies
          SET resolution = $3, adjusted_amount = $4, remarks = $5, resolved_by = $6, resolved_at = now(), status = 'CLOSED'
        WHERE tenant_id = $1 AND id = $2 AND resolution = 'PENDING'
        RETURNING id`,
      [tenantId, id, resolution.resolution, resolution.adjustedAmount?.toString() ?? null, resolution.remarks, resolution.resolvedBy],
    );
    if (rows.length === 0) return null;
    return this.findById(tenantId, id, tx);
  }
}
