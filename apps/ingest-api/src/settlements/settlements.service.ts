import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ReleaseType } from '@concilia/domain';
import {
  Database,
  SettlementRepository,
  type Page,
  type PageRequest,
  type SettlementFeedRow,
  type SettlementFilters,
  type SettlementReadOutcome,
  type SettlementResolveResult,
} from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { catalogueChannel, ReleaseTypesService } from '../release-types/release-types.service';
import { checkReadBatch, checkResolveBatch } from './dto/settlement-batches';

export interface SettlementFeedPage {
  page: Page<SettlementFeedRow>;
  /** The release-type catalogue of each settlement's account channel. */
  catalogueOf: (settlement: SettlementFeedRow) => ReleaseType[];
}

@Injectable()
export class SettlementsService {
  constructor(
    private readonly database: Database,
    private readonly settlements: SettlementRepository,
    private readonly releaseTypes: ReleaseTypesService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, filters: SettlementFilters, pageRequest: PageRequest): Promise<SettlementFeedPage> {
    const page = await this.settlements.list(tenantId, filters, pageRequest);
    const catalogues = await this.releaseTypes.catalogues(
      tenantId,
      page.data.map((settlement) => catalogueChannel(settlement.channel)),
    );
    return { page, catalogueOf: (settlement) => catalogues.get(catalogueChannel(settlement.channel)) ?? [] };
  }

  /** The ERP reports settlements posted: one transaction, one outcome per item in request order, one audit event. */
  async resolveBatch(request: FastifyRequest, body: unknown): Promise<SettlementResolveResult[]> {
    const { tenantId } = apiKeyCaller(request);
    const items = checkResolveBatch(body);
    return this.database.transaction(async (tx) => {
      const results = await this.settlements.resolveBatch(
        tx,
        tenantId,
        items.map((item) => ({ id: item.id, status: item.status, remarks: item.remarks ?? null })),
      );
      const resolved = results.filter((result) => result.outcome === 'resolved');
      if (resolved.length > 0) {
        await this.audit.record(tx, request, {
          tenantId,
          action: 'settlements.resolved',
          targetType: 'settlement',
          targetId: null,
          after: { ids: resolved.map((result) => result.id), items: resolved.map((result) => ({ id: result.id, status: result.status })) },
        });
      }
      return results;
    });
  }

  /** Marks settlements read (read_at, once); unknown or foreign ids are `not_found` per id. */
  async readBatch(request: FastifyRequest, body: unknown): Promise<{ id: string; outcome: SettlementReadOutcome }[]> {
    const { tenantId } = apiKeyCaller(request);
    const ids = checkReadBatch(body);
    return this.database.transaction(async (tx) => {
      const { results, marked } = await this.settlements.markRead(tx, tenantId, ids);
      if (marked.length > 0) {
        await this.audit.record(tx, request, { tenantId, action: 'settlements.read', targetType: 'settlement', targetId: null, after: { ids: marked } });
      }
      return results;
    });
  }
}
