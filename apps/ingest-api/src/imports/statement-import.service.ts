import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, formatAmount, isKnownCurrency } from '@concilia/domain';
import {
  type AccountEntity,
  type ImportedStatementRow,
  ImportRepository,
  pgConstraint,
  pgErrorCode,
  PG_ERRORS,
  type ReconciliationEntity,
  type Tx,
} from '@concilia/persistence';
import type { ParsedStatement, StatementFileEvent } from '@concilia/statement-files';
import { ReconciliationsService } from '../reconciliations/reconciliations.service';
import { apiKeyCaller } from '../http/request-context';
import { FileTally, toImportedStatementRow } from './file-entries';
import { readUploadedFile } from './file-readers';
import { resolveFormat } from './file-format';
import { ImportProfilesService } from './import-profiles.service';
import { type FilePlan, ImportRunner, type ImportOutcome, type ImportResult } from './import-runner.service';
import { checkStatementAccount } from './statement-account';
import { StatementRowKeys } from './statement-row-keys';
import type { SpooledUpload } from './upload-spool.guard';

interface LockedReconciliation {
  reconciliation: ReconciliationEntity;
  account: AccountEntity;
}

/** What the written rows add up to, in the reconciliation's currency (other currencies are counted, not summed). */
interface AddedEntries {
  created: number;
  total: bigint;
}

/** Statement files (CSV, camt.053, MT940) into a reconciliation: streamed through COPY, whole or not at all. */
@Injectable()
export class StatementImportService {
  constructor(
    private readonly runner: ImportRunner,
    private readonly imports: ImportRepository,
    private readonly reconciliations: ReconciliationsService,
    private readonly profiles: ImportProfilesService,
  ) {}

  async import(request: FastifyRequest, reconciliationId: string, upload: SpooledUpload): Promise<ImportResult> {
    const { tenantId } = apiKeyCaller(request);
    const reconciliation = await this.reconciliations.get(tenantId, reconciliationId);
    const target = { tenantId, accountId: reconciliation.accountId, reconciliationId, side: 'STATEMENT' as const };
    return this.runner.run(request, target, upload, {
      plan: async (): Promise<FilePlan> => {
        const format = resolveFormat(upload, upload.fields['format']);
        const profile = await this.profiles.forUpload(tenantId, format, upload.fields['profileId']);
        return { format, profileId: profile.id, profile: profile.settings };
      },
      lock: (tx) => this.reconciliations.lockForEntries(tx, tenantId, reconciliationId),
      write: (tx, importId, plan, locked) => this.write(tx, request, importId, upload, plan, locked),
    });
  }

  private async write(tx: Tx, request: FastifyRequest, importId: string, upload: SpooledUpload, plan: FilePlan, locked: LockedReconciliation): Promise<ImportOutcome> {
    const { reconciliation, account } = locked;
    const tally = new FileTally();
    const keys = new StatementRowKeys(await this.imports.storedStatementKeys(tx, reconciliation.id));
    const added: AddedEntries = { created: 0, total: 0n };
    const events = readUploadedFile(upload, plan.format, { profile: plan.profile, side: 'statement', account });
    const rows = newRows(events, { tally, keys, added, account, currency: reconciliation.currency });
    const { tenantId, id: reconciliationId, accountId } = reconciliation;
    await this.imports.copyStatementEntries(tx, { tenantId, reconciliationId, accountId, importId }, rows).catch((error: unknown) => {
      throw repeatedExternalId(error) ?? error;
    });
    tally.throwIfProblems();
    const messages = await this.reconciliations.entriesAdded(tx, reconciliation, added, request);
    return {
      imported: added.created,
      duplicates: keys.duplicates,
      skipped: tally.skipped,
      details: { statements: tally.statements.map(presentStatement) },
      messages,
    };
  }
}

interface RowContext {
  tally: FileTally;
  keys: StatementRowKeys;
  added: AddedEntries;
  account: AccountEntity;
  currency: string;
}

/**
 * The rows of the file the reconciliation does not hold yet. Statements are checked against the
 * account as they appear; after the first bad row nothing more is written (the file is refused).
 */
async function* newRows(events: AsyncIterable<StatementFileEvent>, context: RowContext): AsyncGenerator<ImportedStatementRow> {
  const { tally, keys, added } = context;
  const statementAccounts = new StatementAccounts(context.account);
  for await (const event of events) {
    if (event.type === 'entry') {
      tally.entries += 1;
      const row = toImportedStatementRow(event.entry, tally);
      if (row && tally.clean && keys.admit(row)) {
        added.created += 1;
        if (row.currency === context.currency) added.total += row.amount;
        yield row;
      }
    } else if (event.type === 'problem') {
      tally.addProblem(event.problem);
    } else if (event.type === 'skipped') {
      tally.skipped += 1;
    } else {
      statementAccounts.check(event.statement);
      tally.addStatement(event.statement);
    }
    if (tally.full) return;
  }
}

/** Every statement of a file must be for the reconciliation's account, in its currency, and for one account only. */
class StatementAccounts {
  private first: ParsedStatement | null = null;

  constructor(private readonly account: AccountEntity) {}

  check(statement: ParsedStatement): void {
    checkStatementAccount(this.account.externalId, statement);
    if (statement.currency !== null && statement.currency !== this.account.currency) {
      throw mismatch(statement, `The file holds a statement in ${statement.currency}, but the account is in ${this.account.currency}. Nothing was imported.`);
    }
    if (this.first === null) this.first = statement;
    else if (this.first.accountId !== null && statement.accountId !== null && this.first.accountId !== statement.accountId) {
      throw mismatch(statement, `The file holds statements of two accounts (${this.first.accountId} and ${statement.accountId}); import each account's statements into its own reconciliation.`);
    }
  }
}

function mismatch(statement: ParsedStatement, detail: string): DomainError {
  return new DomainError('statement_account_mismatch', detail, [{ line: statement.line, field: 'account', code: 'statement_account_mismatch', message: detail }]);
}

/** The unique index caught an externalId the file itself repeats: refused, naming it. */
function repeatedExternalId(error: unknown): DomainError | null {
  if (pgErrorCode(error) !== PG_ERRORS.uniqueViolation || pgConstraint(error) !== 'ux_statement_entries_reconciliation_external_id') return null;
  const detail = (error as { detail?: unknown }).detail;
  const value = typeof detail === 'string' ? /\(reconciliation_id, external_id\)=\([^,]+, (.*)\) already exists/.exec(detail)?.[1] : undefined;
  const message = `externalId ${value === undefined ? '' : `"${value}" `}appears more than once in the file; each line of a statement needs its own id`;
  return new DomainError('import_rows_invalid', `The file repeats an externalId; nothing was imported.`, [{ field: 'externalId', code: 'duplicate_external_id', message }]);
}

function presentStatement(statement: ParsedStatement) {
  const currency = statement.currency !== null && isKnownCurrency(statement.currency) ? statement.currency : null;
  const amount = (value: bigint | null) => (value === null || currency === null ? null : formatAmount(value, currency));
  return {
    statementId: statement.statementId,
    accountId: statement.accountId,
    currency: statement.currency,
    openingBalance: amount(statement.openingBalance),
    closingBalance: amount(statement.closingBalance),
  };
}
