import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, requireAmount } from '@concilia/domain';
import {
  Database,
  DiscrepancyRepository,
  ReconciliationRepository,
  refreshSummary,
  type DiscrepancyEntity,
  type DiscrepancyFilters,
  type Page,
  type PageRequest,
  type Tx,
} from '@concilia/persistence';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { closed } from '../reconciliations/matching-request.service';
import type { ResolveDiscrepancyDto } from './dto/resolve-discrepancy.dto';
import type { UpdateDiscrepancyDto } from './dto/update-discrepancy.dto';

@Injectable()
export class DiscrepanciesService {
  constructor(
    private readonly database: Database,
    private readonly discrepancies: DiscrepancyRepository,
    private readonly reconciliations: ReconciliationRepository,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, reconciliationId: string, filters: DiscrepancyFilters, page: PageRequest): Promise<Page<DiscrepancyEntity>> {
    const reconciliation = await this.reconciliations.findById(tenantId, reconciliationId);
    if (!reconciliation) throw new DomainError('not_found', 'No reconciliation with this id.');
    return this.discrepancies.list(tenantId, reconciliationId, filters, page);
  }

  /** Review status and note. A resolved discrepancy stays CLOSED; its note may still change. */
  async update(request: FastifyRequest, id: string, body: UpdateDiscrepancyDto): Promise<DiscrepancyEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const discrepancy = await this.lockForChange(tx, tenantId, id);
      const changes: { status?: string; note?: string | null } = {};
      if (body.status !== undefined && body.status !== discrepancy.status) {
        if (discrepancy.resolution !== 'PENDING') throw alreadyResolved();
        changes.status = body.status;
      }
      if (body.note !== undefined && body.note !== discrepancy.note) changes.note = body.note;
      if (Object.keys(changes).length === 0) return discrepancy;
      const before = { status: discrepancy.status, note: discrepancy.note };
      await this.discrepancies.update(tx, discrepancy, changes);
      await this.audit.record(tx, request, {
        tenantId,
        action: 'discrepancy.updated',
        targetType: 'discrepancy',
        targetId: id,
        before,
        after: { status: discrepancy.status, note: discrepancy.note },
      });
      if (changes.status !== undefined) await refreshSummary(tx, discrepancy.reconciliationId);
      return discrepancy;
    });
  }

  /**
   * Resolves a PENDING discrepancy (RESOLVED, DIVERGENT or IGNORED) and closes it. The
   * reconciliation's row lock serialises resolutions, and the UPDATE is conditional on PENDING:
   * of two concurrent resolutions one wins, the other is 409 discrepancy_already_resolved.
   */
  async resolve(request: FastifyRequest, id: string, body: ResolveDiscrepancyDto): Promise<DiscrepancyEntity> {
    const { tenantId, keyId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const discrepancy = await this.lockForChange(tx, tenantId, id);
      const adjustedAmount =
        body.adjustedAmount === undefined || body.adjustedAmount === null ? null : requireAmount(body.adjustedAmount, discrepancy.currency, 'adjustedAmount');
      if (discrepancy.resolution !== 'PENDING') throw alreadyResolved();
      const before = { status: discrepancy.status, resolution: discrepancy.resolution };
      const resolved = await this.discrepancies.resolve(tx, tenantId, id, {
        resolution: body.resolution,
        adjustedAmount,
        remarks: body.remarks ?? null,
        resolvedBy: keyId,
      });
      if (!resolved) throw alreadyResolved();
      await this.audit.record(tx, request, {
        tenantId,
        action: 'discrepancy.resolved',
        targetType: 'discrepancy',
        targetId: id,
        before,
        after: {
          status: resolved.status,
          resolution: resolved.resolution,
          adjustedAmount: resolved.adjustedAmount?.toString() ?? null,
          remarks: resolved.remarks,
        },
      });
      await refreshSummary(tx, resolved.reconciliationId);
      return resolved;
    });
  }

  /**
   * The discrepancy, locked, once its reconciliation is locked (the order every change of a
   * reconciliation takes) and checked to be writable: 404, 423 account_blocked, 409 reconciliation_closed.
   */
  private async lockForChange(tx: Tx, tenantId: string, id: string): Promise<DiscrepancyEntity> {
    const found = await this.discrepancies.findById(tenantId, id, tx);
    if (!found) throw notFound();
    const reconciliation = await this.reconciliations.lockById(tx, tenantId, found.reconciliationId);
    if (!reconciliation) throw notFound();
    await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
    if (reconciliation.status === 'CLOSED') throw closed();
    const locked = await this.discrepancies.lockById(tx, tenantId, id);
    if (!locked) throw notFound();
    return locked;
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No discrepancy with this id.');
}

function alreadyResolved(): DomainError {
  return new DomainError('discrepancy_already_resolved', 'This discrepancy is already resolved.');
}
