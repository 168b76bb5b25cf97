import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { assertValidPeriod, DomainError, isCalendarDate } from '@concilia/domain';
import {
  Database,
  MatchReviewRepository,
  pgConstraint,
  pgErrorCode,
  PG_ERRORS,
  ReconciliationRepository,
  StatementEntryRepository,
  type OutboxMessage,
  type Page,
  type PageRequest,
  type ReconciliationEntity,
  type ReconciliationFilters,
  type StatementEntryEntity,
  type StatementEntryRow,
  type InsertedStatementEntries,
  type AccountEntity,
  type Tx,
} from '@concilia/persistence';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { MAX_ENTRIES_PER_REQUEST, validateStatementBatch, validateStatementEntries } from '../entries/entry-schemas';
import { checkBatch, schemaError, type StatementEntryInput, toStatementRows } from '../entries/entry-validation';
import { apiKeyCaller } from '../http/request-context';
import { EventRecorder, OutboxPublisher } from '@concilia/platform';
import type { CreateReconciliationDto } from './dto/create-reconciliation.dto';
import type { ListStatementEntriesQueryDto } from './dto/list-statement-entries-query.dto';
import { closed, MatchingRequestService } from './matching-request.service';
import { presentSummary } from './reconciliation.presenter';

export interface StatementEntriesResult {
  created: number;
  duplicates: number;
  reconciliation: ReconciliationEntity;
}

@Injectable()
export class ReconciliationsService {
  constructor(
    private readonly database: Database,
    private readonly reconciliations: ReconciliationRepository,
    private readonly statementEntries: StatementEntryRepository,
    private readonly accounts: AccountsService,
    private readonly matching: MatchingRequestService,
    private readonly publisher: OutboxPublisher,
    private readonly audit: AuditService,
    private readonly review: MatchReviewRepository,
    private readonly events: EventRecorder,
  ) {}

  async create(request: FastifyRequest, body: CreateReconciliationDto): Promise<ReconciliationEntity> {
    const { tenantId } = apiKeyCaller(request);
    const inline = this.inlineEntries(body.statementEntries);
    const { reconciliation, messages } = await this.database
      .transaction(async (tx) => {
        const messages: OutboxMessage[] = [];
        const account = await this.accounts.writableAccount(tx, tenantId, body.accountId);
        await this.reconciliations.lockPeriods(tx, account.id);
        // An impossible date ('2026-02-30') passes the DTO's pattern: name the field it is in.
        for (const field of ['periodStart', 'periodEnd'] as const) {
          if (!isCalendarDate(body[field])) throw DomainError.field('period_invalid', field, 'must be a calendar date (YYYY-MM-DD)');
        }
        assertValidPeriod({ start: body.periodStart, end: body.periodEnd }, account.maxPeriodDays);
        const created = await this.reconciliations.insert(tx, {
          id: uuidv7(),
          tenantId,
          accountId: account.id,
          currency: account.currency,
          periodStart: body.periodStart,
          periodEnd: body.periodEnd,
          mode: body.mode,
          expectedEntryCount: body.expectedEntryCount ?? null,
          note: body.note ?? null,
        });
        await this.audit.record(tx, request, {
          tenantId,
          action: 'reconciliation.created',
          targetType: 'reconciliation',
          targetId: created.id,
          after: { accountId: created.accountId, periodStart: created.periodStart, periodEnd: created.periodEnd, mode: created.mode },
        });
        if (inline.length > 0) {
          await this.insertEntries(tx, created, inline);
          // Inline entries in AUTOMATIC mode are the whole statement: matching starts at once.
          if (created.mode === 'AUTOMATIC') messages.push(...(await this.startIfPossible(tx, created, request)));
        }
        return { reconciliation: created, messages };
      })
      .catch((error: unknown) => {
        if (pgErrorCode(error) === PG_ERRORS.exclusionViolation && pgConstraint(error) === 'ex_reconciliations_period') {
          throw new DomainError('period_overlaps', 'This period overlaps another reconciliation of the account.', [
            { field: 'periodStart', code: 'period_overlaps', message: 'overlaps an existing reconciliation' },
          ]);
        }
        throw error;
      });
    this.publisher.publishAfterCommit(messages);
    return this.get(tenantId, reconciliation.id);
  }

  async get(tenantId: string, id: string): Promise<ReconciliationEntity> {
    const reconciliation = await this.reconciliations.findById(tenantId, id);
    if (!reconciliation) throw notFound();
    return reconciliation;
  }

  list(tenantId: string, filters: ReconciliationFilters, page: PageRequest): Promise<Page<ReconciliationEntity>> {
    for (const field of ['periodFrom', 'periodTo'] as const) {
      const value = filters[field];
      if (value !== undefined && !isCalendarDate(value)) throw DomainError.field('invalid_query', field, 'must be a calendar date');
    }
    return this.reconciliations.list(tenantId, filters, page);
  }

  async updateNote(request: FastifyRequest, id: string, note: string | null | undefined): Promise<ReconciliationEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      if (reconciliation.status === 'CLOSED') throw closed();
      if (note === undefined) return reconciliation;
      const before = reconciliation.note;
      await this.reconciliations.update(tx, reconciliation, { note });
      await this.audit.record(tx, request, { tenantId, action: 'reconciliation.note_updated', targetType: 'reconciliation', targetId: id, before: { note: before }, after: { note } });
      return reconciliation;
    });
  }

  /**
   * Deletes the reconciliation with its statement entries and results. Closed or running ones
   * stay, and so do those holding an accepted match or a settlement the ERP acted on.
   */
  async delete(request: FastifyRequest, id: string): Promise<void> {
    const { tenantId } = apiKeyCaller(request);
    await this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      if (reconciliation.status === 'CLOSED') throw closed();
      if (reconciliation.status === 'PROCESSING') {
        throw new DomainError('reconciliation_not_deletable', `A ${reconciliation.status} reconciliation cannot be deleted.`);
      }
      if (await this.reconciliations.hasSettledResults(tx, reconciliation.id)) {
        throw new DomainError(
          'reconciliation_not_deletable',
          'The reconciliation holds accepted matches or settlements the ERP acted on; it cannot be deleted.',
        );
      }
      await this.reconciliations.delete(tx, reconciliation);
      await this.audit.record(tx, request, {
        tenantId,
        action: 'reconciliation.deleted',
        targetType: 'reconciliation',
        targetId: id,
        before: { accountId: reconciliation.accountId, periodStart: reconciliation.periodStart, periodEnd: reconciliation.periodEnd, statementEntryCount: reconciliation.statementEntryCount },
      });
    });
  }

  /** Adds statement entries from a JSON body (see entriesAdded for what follows). CLOSED refuses (409). */
  async addStatementEntries(request: FastifyRequest, id: string, body: unknown): Promise<StatementEntriesResult> {
    const { tenantId } = apiKeyCaller(request);
    const rows = toStatementRows(checkBatch<StatementEntryInput>(body, validateStatementBatch));
    const messages: OutboxMessage[] = [];
    const result = await this.database.transaction(async (tx) => {
      const { reconciliation } = await this.lockForEntries(tx, tenantId, id);
      const { id: reconciliationId, accountId, currency } = reconciliation;
      const added = await this.statementEntries.insert(tx, { tenantId, reconciliationId, accountId, currency }, rows);
      messages.push(...(await this.entriesAdded(tx, reconciliation, added, request)));
      return { created: added.created, duplicates: rows.length - added.created, reconciliation };
    });
    this.publisher.publishAfterCommit(messages);
    return result;
  }

  /** The reconciliation locked for adding entries: 404 if absent, 423 if its account is blocked, 409 if closed. */
  async lockForEntries(tx: Tx, tenantId: string, id: string): Promise<{ reconciliation: ReconciliationEntity; account: AccountEntity }> {
    const reconciliation = await this.locked(tx, tenantId, id);
    const account = await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
    if (reconciliation.status === 'CLOSED') throw closed();
    return { reconciliation, account };
  }

  /**
   * Bookkeeping after entries were stored, from JSON or a file: counters; PENDING stays PENDING;
   * COMPLETED, PARTIALLY_MATCHED and FAILED return to PENDING (results kept until the next pass);
   * PROCESSING flags a follow-up pass; in AUTOMATIC mode, reaching expectedEntryCount starts
   * matching. Returns the outbox messages to publish after commit.
   */
  async entriesAdded(tx: Tx, reconciliation: ReconciliationEntity, added: InsertedStatementEntries, request: FastifyRequest): Promise<OutboxMessage[]> {
    await this.reconciliations.addStatementEntries(tx, reconciliation, added);
    if (added.created > 0 && reconciliation.status === 'PROCESSING') {
      await this.reconciliations.update(tx, reconciliation, { rematchRequested: true });
    } else if (added.created > 0 && reconciliation.status !== 'PENDING') {
      await this.reconciliations.update(tx, reconciliation, { status: 'PENDING', previousStatus: reconciliation.status });
    }
    return this.expectedCountReached(reconciliation) ? this.startIfPossible(tx, reconciliation, request) : [];
  }

  async listStatementEntries(tenantId: string, id: string, query: ListStatementEntriesQueryDto, page: PageRequest): Promise<Page<StatementEntryEntity>> {
    await this.get(tenantId, id);
    return this.review.listStatementEntries(tenantId, id, { matchStatus: query.matchStatus, releaseType: query.releaseType, externalId: query.externalId }, page);
  }

  /** CLOSED: nothing in it changes until it is reopened. Notifies `reconciliation.closed`. */
  async finalize(request: FastifyRequest, id: string): Promise<ReconciliationEntity> {
    const { tenantId, keyId } = apiKeyCaller(request);
    const messages: OutboxMessage[] = [];
    const reconciliation = await this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      if (reconciliation.status === 'CLOSED') throw closed();
      if (reconciliation.status === 'PROCESSING') throw new DomainError('reconciliation_state_invalid', 'A matching pass is running; finalize when it has finished.');
      const before = { status: reconciliation.status };
      await this.review.finalize(tx, reconciliation, keyId);
      const after = { status: reconciliation.status, finalizedAt: reconciliation.finalizedAt?.toISOString(), finalizedBy: keyId };
      await this.audit.record(tx, request, { tenantId, action: 'reconciliation.finalized', targetType: 'reconciliation', targetId: id, before, after });
      messages.push(
        await this.events.record(tx, {
          tenantId,
          type: 'reconciliation.closed',
          correlationId: String(request.id),
          data: { reconciliationId: id, accountId: reconciliation.accountId, previousStatus: before.status, ...after, summary: presentSummary(reconciliation) },
        }),
      );
      return reconciliation;
    });
    this.publisher.publishAfterCommit(messages);
    return reconciliation;
  }

  /** Back to the status it had before finalize (recorded in the audit trail). */
  async reopen(request: FastifyRequest, id: string): Promise<ReconciliationEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      if (reconciliation.status !== 'CLOSED') throw new DomainError('reconciliation_state_invalid', `Only a CLOSED reconciliation can be reopened; this one is ${reconciliation.status}.`);
      const before = { status: reconciliation.status, finalizedAt: reconciliation.finalizedAt?.toISOString() ?? null, finalizedBy: reconciliation.finalizedBy };
      await this.review.reopen(tx, reconciliation);
      await this.audit.record(tx, request, { tenantId, action: 'reconciliation.reopened', targetType: 'reconciliation', targetId: id, before, after: { status: reconciliation.status } });
      return reconciliation;
    });
  }

  /** Declares the statement complete. In AUTOMATIC mode this starts matching. */
  async submit(request: FastifyRequest, id: string): Promise<ReconciliationEntity> {
    const { tenantId } = apiKeyCaller(request);
    const messages: OutboxMessage[] = [];
    const reconciliation = await this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      if (reconciliation.status === 'CLOSED') throw closed();
      if (!reconciliation.submittedAt) await this.reconciliations.update(tx, reconciliation, { submittedAt: new Date() });
      if (reconciliation.mode === 'AUTOMATIC') messages.push(...(await this.startIfPossible(tx, reconciliation, request)));
      await this.audit.record(tx, request, { tenantId, action: 'reconciliation.submitted', targetType: 'reconciliation', targetId: id });
      return reconciliation;
    });
    this.publisher.publishAfterCommit(messages);
    return this.get(tenantId, reconciliation.id);
  }

  /** Starts a pass, or joins the one running: asking twice never queues two passes. */
  async autoMatch(request: FastifyRequest, id: string): Promise<ReconciliationEntity> {
    const { tenantId } = apiKeyCaller(request);
    const messages: OutboxMessage[] = [];
    await this.database.transaction(async (tx) => {
      const reconciliation = await this.locked(tx, tenantId, id);
      await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
      const outcome = await this.matching.start(tx, reconciliation, request);
      if (outcome.started) {
        messages.push(outcome.message);
        await this.audit.record(tx, request, { tenantId, action: 'reconciliation.auto_match_requested', targetType: 'reconciliation', targetId: id, after: { runVersion: reconciliation.runVersion } });
      }
    });
    this.publisher.publishAfterCommit(messages);
    return this.get(tenantId, id);
  }

  private async startIfPossible(tx: Tx, reconciliation: ReconciliationEntity, request: FastifyRequest): Promise<OutboxMessage[]> {
    if (reconciliation.status === 'PROCESSING') return [];
    const outcome = await this.matching.start(tx, reconciliation, request);
    return outcome.started ? [outcome.message] : [];
  }

  private expectedCountReached(reconciliation: ReconciliationEntity): boolean {
    return (
      reconciliation.mode === 'AUTOMATIC' &&
      reconciliation.status === 'PENDING' &&
      reconciliation.expectedEntryCount !== null &&
      reconciliation.statementEntryCount >= reconciliation.expectedEntryCount
    );
  }

  private async insertEntries(tx: Tx, reconciliation: ReconciliationEntity, rows: StatementEntryRow[]): Promise<number> {
    const { tenantId, id: reconciliationId, accountId, currency } = reconciliation;
    const added = await this.statementEntries.insert(tx, { tenantId, reconciliationId, accountId, currency }, rows);
    await this.reconciliations.addStatementEntries(tx, reconciliation, added);
    return added.created;
  }

  private inlineEntries(entries: unknown[] | undefined): StatementEntryRow[] {
    if (entries === undefined) return [];
    if (entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw DomainError.field('batch_too_large', 'statementEntries', `at most ${MAX_ENTRIES_PER_REQUEST} inline entries; add more with POST .../statement-entries`);
    }
    if (!validateStatementEntries(entries)) throw schemaError(validateStatementEntries.errors ?? [], 'statementEntries');
    return toStatementRows(entries as StatementEntryInput[], 'statementEntries');
  }

  private async locked(tx: Tx, tenantId: string, id: string): Promise<ReconciliationEntity> {
    const reconciliation = await this.reconciliations.lockById(tx, tenantId, id);
    if (!reconciliation) throw notFound();
    return reconciliation;
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No reconciliation with this id.');
}
