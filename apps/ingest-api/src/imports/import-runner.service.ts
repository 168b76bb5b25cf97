import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type ErrorCode } from '@concilia/domain';
import {
  Database,
  ImportRepository,
  pgConstraint,
  pgErrorCode,
  PG_ERRORS,
  type ImportEntity,
  type ImportOwner,
  type ImportSide,
  type OutboxMessage,
  type Tx,
} from '@concilia/persistence';
import { EventRecorder, OutboxPublisher } from '@concilia/platform';
import type { CsvProfile, StatementFormat } from '@concilia/statement-files';
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

export interface ImportResult {
  entity: ImportEntity;
  /** True when this very file had been imported before: the original import is answered. */
  replayed: boolean;
}

/** Problems with the file's content: the attempt is kept as a FAILED import and `import.failed` is sent. */
const FILE_FAILURE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'file_not_text',
  'format_unrecognized',
  'encoding_invalid',
  'csv_malformed',
  'csv_header_invalid',
  'xml_dtd_forbidden',
  'xml_malformed',
  'unsupported_message_type',
  'mt940_malformed',
  'balance_mismatch',
  'statement_account_mismatch',
  'statement_repeated',
  'import_rows_invalid',
  'ledger_entry_locked',
]);

const SHA_CONSTRAINTS = new Set(['ux_imports_reconciliation_sha256', 'ux_imports_account_sha256']);
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
  ) {}

  async run<P extends ImportPlan>(
    request: FastifyRequest,
    target: ImportTarget,
    upload: SpooledUpload,
    plan: () => Promise<P>,
    write: (tx: Tx, entity: ImportEntity, plan: P) => Promise<ImportOutcome>,
  ): Promise<ImportResult> {
    const original = await this.imports.findCompleted(ownerOf(target), upload.sha256);
    if (original) return { entity: original, replayed: true };
    let decided: P | null = null;
    try {
      decided = await plan();
      const entity = await this.complete(request, target, upload, decided, write);
      return { entity, replayed: false };
    } catch (error) {
      if (pgErrorCode(error) === PG_ERRORS.uniqueViolation && SHA_CONSTRAINTS.has(pgConstraint(error) ?? '')) {
        // The same file, uploaded twice at once: the other upload won.
        const winner = await this.imports.findCompleted(ownerOf(target), upload.sha256);
        if (winner) return { entity: winner, replayed: true };
      }
      if (error instanceof DomainError && FILE_FAILURE_CODES.has(error.code)) {
        const failed = await this.fail(request, target, upload, decided, error);
        throw new DomainError(error.code, error.message, error.errors, { ...error.details, importId: failed.id });
      }
      throw error;
    }
  }

  private async complete<P extends ImportPlan>(
    request: FastifyRequest,
    target: ImportTarget,
    upload: SpooledUpload,
    plan: P,
    write: (tx: Tx, entity: ImportEntity, plan: P) => Promise<ImportOutcome>,
  ): Promise<ImportEntity> {
    const messages: OutboxMessage[] = [];
    const entity = await this.database.transaction(async (tx) => {
      const entity = await this.imports.insert(tx, this.newImport(request, target, upload, plan, 'COMPLETED'));
      const outcome = await write(tx, entity, plan);
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
      return entity;
    });
    this.publisher.publishAfterCommit(messages);
    return entity;
  }

  private async fail(request: FastifyRequest, target: ImportTarget, upload: SpooledUpload, plan: ImportPlan | null, error: DomainError): Promise<ImportEntity> {
    const messages: OutboxMessage[] = [];
    const failed = await this.database.transaction(async (tx) => {
      const values = this.newImport(request, target, upload, plan ?? { format: upload.fields['format'] ?? 'unknown', profileId: null }, 'FAILED');
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
