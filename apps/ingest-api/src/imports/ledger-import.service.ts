import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@concilia/domain';
import { LedgerEntryRepository, MatchReviewRepository, advanceLedgerVersion, type AccountEntity, type LedgerEntryRow, type Tx, type UpsertCounts } from '@concilia/persistence';
import type { StatementFileEvent } from '@concilia/statement-files';
import { AccountsService } from '../accounts/accounts.service';
import { apiKeyCaller } from '../http/request-context';
import { FileTally, toLedgerRow } from './file-entries';
import { resolveFormat } from './file-format';
import { readUploadedFile } from './file-readers';
import { ImportProfilesService } from './import-profiles.service';
import { type FilePlan, ImportRunner, type ImportOutcome, type ImportResult } from './import-runner.service';
import type { SpooledUpload } from './upload-spool.guard';

const UPSERT_BATCH = 5_000;

/**
 * An ERP's export of orders, invoices or GL lines (CSV) upserted into an account's ledger by
 * externalId, with the JSON API's rules: a row may not change the amount of an entry in an
 * accepted match, and an externalId appears once per file. All rows or none.
 */
@Injectable()
export class LedgerImportService {
  constructor(
    private readonly runner: ImportRunner,
    private readonly accounts: AccountsService,
    private readonly ledgerEntries: LedgerEntryRepository,
    private readonly review: MatchReviewRepository,
    private readonly profiles: ImportProfilesService,
  ) {}

  async import(request: FastifyRequest, accountId: string, upload: SpooledUpload): Promise<ImportResult> {
    const { tenantId } = apiKeyCaller(request);
    await this.accounts.get(tenantId, accountId);
    const target = { tenantId, accountId, reconciliationId: null, side: 'LEDGER' as const };
    return this.runner.run(request, target, upload, {
      plan: async (): Promise<FilePlan> => {
        const format = resolveFormat(upload, upload.fields['format']);
        if (format !== 'csv') throw DomainError.field('validation_failed', 'format', 'ledger files are CSV (orders, invoices or GL lines exported by an ERP)');
        const profile = await this.profiles.forUpload(tenantId, format, upload.fields['profileId']);
        return { format, profileId: profile.id, profile: profile.settings };
      },
      lock: async (tx) => {
        const account = await this.accounts.writableAccount(tx, tenantId, accountId);
        await this.ledgerEntries.lockLedger(tx, accountId);
        return account;
      },
      write: (tx, _importId, plan, account) => this.write(tx, account, upload, plan),
    });
  }

  private async write(tx: Tx, account: AccountEntity, upload: SpooledUpload, plan: FilePlan): Promise<ImportOutcome> {
    const tally = new FileTally();
    const counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    const events = readUploadedFile(upload, plan.format, { profile: plan.profile, side: 'ledger', account });
    for await (const batch of ledgerBatches(events, tally)) {
      const result = await this.upsert(tx, account, batch, tally);
      counts.created += result.created;
      counts.updated += result.updated;
      counts.unchanged += result.unchanged;
    }
    tally.throwIfProblems();
    await advanceLedgerVersion(tx, account.id);
    return { imported: counts.created + counts.updated, duplicates: counts.unchanged, skipped: tally.skipped, details: { ...counts }, messages: [] };
  }

  private async upsert(tx: Tx, account: AccountEntity, batch: LedgerBatch, tally: FileTally): Promise<UpsertCounts> {
    const locked = await this.review.lockedAmountChanges(tx, account.id, batch.rows);
    for (const externalId of locked) {
      tally.addProblem({ line: batch.lines.get(externalId) ?? 0, field: 'amount', code: 'ledger_entry_locked', message: `${externalId} is in an accepted match and cannot change amount; unmatch first` });
    }
    if (!tally.clean) return { created: 0, updated: 0, unchanged: 0 };
    return this.ledgerEntries.upsert(tx, account.tenantId, account.id, batch.rows);
  }
}

interface LedgerBatch {
  rows: LedgerEntryRow[];
  /** externalId → line, to point at a row the database refused. */
  lines: Map<string, number>;
}

/** Valid rows in batches; an externalId seen earlier in the file is a problem, not a silent overwrite. */
async function* ledgerBatches(events: AsyncIterable<StatementFileEvent>, tally: FileTally): AsyncGenerator<LedgerBatch> {
  const seen = new Map<string, number>();
  let batch: LedgerBatch = { rows: [], lines: new Map() };
  for await (const event of events) {
    if (event.type === 'problem') tally.addProblem(event.problem);
    else if (event.type === 'skipped') tally.skipped += 1;
    else if (event.type === 'entry') {
      tally.entries += 1;
      const row = toLedgerRow(event.entry, tally);
      const first = row ? seen.get(row.externalId) : undefined;
      if (row && first !== undefined) {
        tally.addProblem({ line: event.entry.line, field: 'externalId', code: 'duplicate_external_id', message: `repeats the externalId of line ${first}` });
      } else if (row) {
        seen.set(row.externalId, event.entry.line);
        batch.rows.push(row);
        batch.lines.set(row.externalId, event.entry.line);
      }
    }
    if (tally.full) return;
    if (batch.rows.length >= UPSERT_BATCH && tally.clean) {
      yield batch;
      batch = { rows: [], lines: new Map() };
    }
  }
  if (batch.rows.length > 0 && tally.clean) yield batch;
}
