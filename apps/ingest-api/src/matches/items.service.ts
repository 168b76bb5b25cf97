import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { addDays, DomainError } from '@concilia/domain';
import {
  AccountRepository,
  Database,
  MatchReviewRepository,
  ReconciliationRepository,
  refreshSummary,
  type LedgerEntryEntity,
  type Page,
  type PageRequest,
  type StatementEntryEntity,
  type Tx,
} from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import type { CloseStatementEntryDto } from './dto/statement-entry-close.dto';
import { ReviewGate } from './review-gate.service';

/** The items of a reconciliation: ledger entries in its reach, and statement entries set aside or brought back. */
@Injectable()
export class ItemsService {
  constructor(
    private readonly database: Database,
    private readonly review: MatchReviewRepository,
    private readonly reconciliations: ReconciliationRepository,
    private readonly accounts: AccountRepository,
    private readonly gate: ReviewGate,
    private readonly audit: AuditService,
  ) {}

  /** The account's ledger entries dated within the period widened by the date window. */
  async ledgerInReach(tenantId: string, reconciliationId: string, scope: 'unmatched' | 'all', page: PageRequest): Promise<Page<LedgerEntryEntity>> {
    const reconciliation = await this.reconciliations.findById(tenantId, reconciliationId);
    if (!reconciliation) throw new DomainError('not_found', 'No reconciliation with this id.');
    const rules = await this.accounts.findRules(tenantId, reconciliation.accountId);
    const window = rules?.dateWindowDays ?? 0;
    return this.review.listLedgerEntries(
      tenantId,
      reconciliation.accountId,
      { dateFrom: addDays(reconciliation.periodStart, -window), dateTo: addDays(reconciliation.periodEnd, window), unlinked: scope === 'unmatched' },
      page,
    );
  }

  async close(request: FastifyRequest, id: string, body: CloseStatementEntryDto): Promise<StatementEntryEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.withEntry(tenantId, id, async (tx, entry) => {
      if (entry.closedAt) throw new DomainError('entry_state_invalid', 'This statement entry is already closed.');
      const matched = await this.review.activelyMatched(tx, [entry.id]);
      if (matched.size > 0) throw new DomainError('entry_already_matched', 'This statement entry is in an active match; reject or unmatch it first.');
      await this.review.closeStatementEntry(tx, entry, body.reason, body.note ?? null);
      await this.audit.record(tx, request, {
        tenantId,
        action: 'statement_entry.closed',
        targetType: 'statement_entry',
        targetId: id,
        before: { closed: false },
        after: { closed: true, reason: body.reason, note: body.note ?? null },
      });
    });
  }

  async reopen(request: FastifyRequest, id: string, note: string | undefined): Promise<StatementEntryEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.withEntry(tenantId, id, async (tx, entry) => {
      if (!entry.closedAt) throw new DomainError('entry_state_invalid', 'This statement entry is not closed.');
      const before = { closed: true, reason: entry.closedReason, note: entry.closedNote };
      await this.review.reopenStatementEntry(tx, entry);
      await this.audit.record(tx, request, { tenantId, action: 'statement_entry.reopened', targetType: 'statement_entry', targetId: id, before, after: { closed: false, note: note ?? null } });
    });
  }

  /** Finds the entry (404 across tenants), enters its reconciliation through the gate, re-reads it under the lock. */
  private async withEntry(tenantId: string, id: string, work: (tx: Tx, entry: StatementEntryEntity) => Promise<void>): Promise<StatementEntryEntity> {
    const found = await this.review.findStatementEntry(tenantId, id);
    if (!found) throw notFound();
    return this.database.transaction(async (tx) => {
      await this.gate.enter(tx, tenantId, found.reconciliationId);
      const entry = await this.review.findStatementEntry(tenantId, id, tx);
      if (!entry) throw notFound();
      await work(tx, entry);
      await refreshSummary(tx, entry.reconciliationId);
      return entry;
    });
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No statement entry with this id.');
}
