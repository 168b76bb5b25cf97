import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, isCalendarDate } from '@concilia/domain';
import { Database, LedgerEntryRepository, advanceLedgerVersion, type MatchWithEntries, MatchReviewRepository, type LedgerEntryEntity, type Page, type PageRequest, type UpsertCounts } from '@concilia/persistence';
import { AccountsService } from '../accounts/accounts.service';
import { checkBatch, type LedgerEntryInput, toLedgerRows } from '../entries/entry-validation';
import { validateLedgerBatch } from '../entries/entry-schemas';
import { apiKeyCaller } from '../http/request-context';
import type { ListLedgerEntriesQueryDto } from './dto/list-ledger-entries-query.dto';

@Injectable()
export class LedgerEntriesService {
  constructor(
    private readonly database: Database,
    private readonly ledgerEntries: LedgerEntryRepository,
    private readonly accounts: AccountsService,
    private readonly review: MatchReviewRepository,
  ) {}

  /** Validates the whole batch first, then upserts it in one statement: all of it or none. */
  async upsert(request: FastifyRequest, accountId: string, body: unknown): Promise<UpsertCounts> {
    const { tenantId } = apiKeyCaller(request);
    const rows = toLedgerRows(checkBatch<LedgerEntryInput>(body, validateLedgerBatch));
    return this.database.transaction(async (tx) => {
      await this.accounts.writableAccount(tx, tenantId, accountId);
      await this.ledgerEntries.lockLedger(tx, accountId);
      const locked = await this.review.lockedAmountChanges(tx, accountId, rows);
      if (locked.length > 0) {
        throw new DomainError(
          'ledger_entry_locked',
          `${locked.length} entr${locked.length === 1 ? 'y is' : 'ies are'} in an accepted match and cannot change amount; unmatch first.`,
          locked.map((externalId) => ({ field: `entries[${rows.findIndex((row) => row.externalId === externalId)}].amount`, code: 'ledger_entry_locked', message: `${externalId} is in an accepted match` })),
        );
      }
      const counts = await this.ledgerEntries.upsert(tx, tenantId, accountId, rows);
      await advanceLedgerVersion(tx, accountId);
      return counts;
    });
  }

  /** The entry's matches, newest first. */
  matchesOf(tenantId: string, id: string): Promise<MatchWithEntries[]> {
    return this.review.matchesOfEntry(tenantId, id);
  }

  async list(tenantId: string, accountId: string, query: ListLedgerEntriesQueryDto, page: PageRequest): Promise<Page<LedgerEntryEntity>> {
    await this.accounts.get(tenantId, accountId);
    for (const field of ['dateFrom', 'dateTo'] as const) {
      const value = query[field];
      if (value !== undefined && !isCalendarDate(value)) throw DomainError.field('invalid_query', field, 'must be a calendar date');
    }
    const { dateFrom, dateTo, kind, externalId, matchStatus } = query;
    return this.review.listLedgerEntries(tenantId, accountId, { dateFrom, dateTo, kind, externalId, matchStatus }, page);
  }

  async get(tenantId: string, id: string): Promise<LedgerEntryEntity> {
    const entry = await this.ledgerEntries.findById(tenantId, id);
    if (!entry) throw new DomainError('not_found', 'No ledger entry with this id.');
    return entry;
  }
}
