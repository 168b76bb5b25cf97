import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@concilia/domain';
import { Database, ImportRepository, ReconciliationRepository, type ImportEntity, type ImportOwner, type Page, type PageRequest } from '@concilia/persistence';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { ReconciliationsService } from '../reconciliations/reconciliations.service';

/** Reading and removing imports. */
@Injectable()
export class ImportsService {
  constructor(
    private readonly database: Database,
    private readonly imports: ImportRepository,
    private readonly reconciliationRows: ReconciliationRepository,
    private readonly reconciliations: ReconciliationsService,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
  ) {}

  async get(tenantId: string, id: string): Promise<ImportEntity> {
    const found = await this.imports.findById(tenantId, id);
    if (!found) throw notFound();
    return found;
  }

  async listForReconciliation(tenantId: string, reconciliationId: string, page: PageRequest): Promise<Page<ImportEntity>> {
    await this.reconciliations.get(tenantId, reconciliationId);
    return this.list(tenantId, { side: 'STATEMENT', reconciliationId }, page);
  }

  async listForAccount(tenantId: string, accountId: string, page: PageRequest): Promise<Page<ImportEntity>> {
    await this.accounts.get(tenantId, accountId);
    return this.list(tenantId, { side: 'LEDGER', accountId }, page);
  }

  /**
   * Removes a statement import's entries, with the matcher's proposals and open discrepancies that
   * involved them; refused (409) when that would lose a decision or data (see deletionBlocker),
   * while a pass runs, or once closed.
   * The reconciliation returns to PENDING: its results changed.
   */
  async delete(request: FastifyRequest, id: string): Promise<ImportEntity> {
    const { tenantId } = apiKeyCaller(request);
    const found = await this.get(tenantId, id);
    if (found.side === 'LEDGER') {
      throw new DomainError('import_not_deletable', 'A ledger import upserted entries by externalId; correct them by uploading the corrected rows (or through the ledger-entries API).');
    }
    return this.database.transaction(async (tx) => {
      const { reconciliation } = await this.reconciliations.lockForEntries(tx, tenantId, found.reconciliationId as string);
      if (reconciliation.status === 'PROCESSING') throw new DomainError('reconciliation_state_invalid', 'A matching pass is running; delete the import when it has finished.');
      const entity = await this.imports.lockById(tx, tenantId, id);
      if (!entity) throw notFound();
      if (entity.status !== 'COMPLETED') throw new DomainError('import_not_deletable', `This import is ${entity.status}: it holds no entries to remove.`);
      const blocker = await this.imports.deletionBlocker(tx, entity);
      if (blocker) throw new DomainError('import_not_deletable', blocker);
      const { deleted } = await this.imports.deleteStatementEntries(tx, entity, reconciliation.currency);
      await this.imports.update(tx, entity, { status: 'DELETED', deletedAt: new Date() });
      if (deleted > 0 && reconciliation.status !== 'PENDING') {
        await this.reconciliationRows.update(tx, reconciliation, { status: 'PENDING', previousStatus: reconciliation.status });
      }
      await this.audit.record(tx, request, { tenantId, action: 'import.deleted', targetType: 'import', targetId: id, before: { status: 'COMPLETED', imported: entity.imported }, after: { status: 'DELETED', deleted } });
      return entity;
    });
  }

  private list(tenantId: string, owner: ImportOwner, page: PageRequest): Promise<Page<ImportEntity>> {
    return this.imports.list(tenantId, owner, page);
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No import with this id.');
}
