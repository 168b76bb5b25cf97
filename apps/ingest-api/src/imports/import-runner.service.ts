import { Inject, Injectable } from '@nestjs/common';
import { Settings } from '@concilia/config';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type ErrorCode } from '@concilia/domain';
import {
  Database,
  ImportRepository,
  type ImportEntity,
  type ImportOwner,
  type ImportSide,
  type OutboxMessage,
  type Tx,
} from '@concilia/persistence';
import { EventRecorder, OutboxPublisher } from '@concilia/platform';
import { type CsvProfile, FILE_ERROR_CODES, type StatementFormat } from '@concilia/statement-files';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { presentImportEvent } from './import.presenter';
import type { SpooledUpload } from './upload-spool.guard';

/** Where a file goes: a reconciliation's statement, or an account's ledger. */
export interface ImportTarget {
  tenantId: string;
  accountId: string;
  reconciliationId: string | null;
  side: ImportSide;
}

/** How the file is read, decided from the upload before anything is written. */
export interface ImportPlan {
  format: string;
  profileId: string | null;
}

/** A plan that reads the file with a format and, for CSV, a profile (the built-in one when none is named). */
export interface FilePlan extends ImportPlan {
  format: StatementFormat;
  profile: CsvProfile | 'default';
}

/** What writing the file's rows produced, and the outbox messages of what followed (e.g. matching started). */
export interface ImportOutcome {
  imported: number;
  duplicates: number;
  skipped: number;
  details: Record<string, unknown>;
  messages: OutboxMessage[];
}

/**
 * One kind of import: how the file is read (plan), what it writes into, locked first so that
 * concurrent imports of the same target queue instead of deadlocking (lock), and the writing.
 */
export interface ImportWork<P extends ImportPlan, L> {
  plan(): Promise<P>;
  lock(tx: Tx): Promise<L>;
  write(tx: Tx, importId: string, plan: P, locked: L): Promise<ImportOutcome>;
}

export interface ImportResult {
  entity: ImportEntity;
  /** True when this very file had been imported before: the original import is answered. */
  replayed: boolean;
}

/** Problems with the file's content: the attempt is kept as a FAILED import and `import.failed` is sent. */
const FILE_FAILURE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...FILE_ERROR_CODES,
  'file_not_text',
  'balance_mismatch',
  'statement_account_mismatch',
  'statement_repeated',
  'import_rows_invalid',
  'ledger_entry_locked',
]);

const ERRORS_IN_EVENT = 10;

/**
 * The life of one uploaded file, the same for statement and ledger files: recognised again by
 * its sha256 (answered with the original import), written whole in one transaction with its
 * `import.completed` event, or refused whole and kept as a FAILED import with `import.failed`.
 */
@Injectable()
export class ImportRunner {
  constructor(
    private readonly database: Database,
    private readonly imports: ImportRepository,
    private readonly events: EventRecorder,
    private readonly publisher: OutboxPublisher,
    private readonly audit: AuditService,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  async run<P extends ImportPlan, L>(request: FastifyRequest, target: ImportTarget, upload: SpooledUpload, work: ImportWork<P, L>): Promise<ImportResult> {
    const original = await this.imports.findCompleted(ownerOf(target), upload.sha256);
    if (original) return { entity: original, replayed: true };
    let plan: P | null = null;
    try {
      plan = await work.plan();
      return await this.complete(request, target, upload, plan, work);
    } catch (error) {
      if (error instanceof DomainError && FILE_FAILURE_CODES.has(error.code)) {
        const failed = await this.fail(request, target, upload, plan, error);
        throw new DomainError(error.code, error.message, error.errors, { ...error.details, importId: failed.id });
      }
      throw error;
    }
  }

  private async complete<P extends ImportPlan, L>(request: FastifyRequest, target: ImportTarget, upload: SpooledUpload, plan: P, work: ImportWork<P, L>): Promise<ImportResult> {
    const messages: OutboxMessage[] = [];
    const result = await this.database.transaction(async (tx): Promise<ImportResult> => {
      // The file's rows go in one COPY statement: longer than any request's statement may take.
      await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [String(this.settings.API_IMPORT_TIMEOUT_MS)]);
      const locked = await work.lock(tx);
      // Under the lock, an upload of the same file that finished meanwhile is visible: answer it.
      const original = await this.imports.findCompleted(ownerOf(target), upload.sha256, tx);
      if (original) return { entity: original, replayed: true };
      const entity = await this.imports.insert(tx, this.newImport(request, target, upload, plan, 'COMPLETED'));
      const outcome = await work.write(tx, entity.id, plan, locked);
      await this.imports.update(tx, entity, { imported: outcome.imported, duplicates: outcome.duplicates, skipped: outcome.skipped, details: outcome.details });
      await this.audit.record(tx, request, {
        tenantId: target.tenantId,
        action: 'import.completed',
        targetType: 'import',
        targetId: entity.id,
        after: { format: entity.format, sha256: entity.sha256, imported: entity.imported, duplicates: entity.duplicates },
      });
      const event = await this.events.record(tx, { tenantId: target.tenantId, type: 'import.completed', correlationId: String(request.id), data: presentImportEvent(entity) });
      messages.push(...outcome.messages, event);
      return { entity, replayed: false };
    });
    this.publisher.publishAfterCommit(messages);
    return result;
  }

  private async fail(request: FastifyRequest, target: ImportTarget, upload: SpooledUpload, plan: ImportPlan | null, error: DomainError): Promise<ImportEntity> {
    const messages: OutboxMessage[] = [];
    const failed = await this.database.transaction(async (tx) => {
      // Without a plan the format was never established: the client's field is not stored.
      const values = this.newImport(request, target, upload, plan ?? { format: 'unknown', profileId: null }, 'FAILED');
      const entity = await this.imports.insert(tx, { ...values, failureCode: error.code, errors: error.errors.map((problem) => ({ ...problem })) });
      const data = { ...presentImportEvent(entity), failureCode: error.code, detail: error.message, errors: error.errors.slice(0, ERRORS_IN_EVENT) };
      messages.push(await this.events.record(tx, { tenantId: target.tenantId, type: 'import.failed', correlationId: String(request.id), data }));
      return entity;
    });
    this.publisher.publishAfterCommit(messages);
    return failed;
  }

  private newImport(request: FastifyRequest, target: ImportTarget, upload: SpooledUpload, plan: ImportPlan, status: 'COMPLETED' | 'FAILED') {
    return {
      id: uuidv7(),
      tenantId: target.tenantId,
      accountId: target.accountId,
      reconciliationId: target.reconciliationId,
      side: target.side,
      format: plan.format,
      status,
      fileName: upload.fileName,
      sizeBytes: String(upload.size),
      sha256: upload.sha256,
      profileId: plan.profileId,
      createdBy: apiKeyCaller(request).keyId,
    };
  }
}

function ownerOf(target: ImportTarget): ImportOwner {
  return target.side === 'STATEMENT' ? { side: 'STATEMENT', reconciliationId: target.reconciliationId as string } : { side: 'LEDGER', accountId: target.accountId };
}
