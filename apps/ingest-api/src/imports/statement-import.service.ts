import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AccountEntity, ImportRepository, type StagedStatementRow, type Tx } from '@concilia/persistence';
import { formatAmount, isKnownCurrency } from '@concilia/domain';
import type { ParsedStatement, StatementFileEvent } from '@concilia/statement-files';
import { ReconciliationsService } from '../reconciliations/reconciliations.service';
import { apiKeyCaller } from '../http/request-context';
import { FileTally, toStagedStatementRow } from './file-entries';
import { readUploadedFile } from './file-readers';
import { resolveFormat } from './file-format';
import { ImportProfilesService } from './import-profiles.service';
import { type FilePlan, ImportRunner, type ImportOutcome, type ImportResult } from './import-runner.service';
import { checkStatementAccount } from './statement-account';
import type { SpooledUpload } from './upload-spool.guard';

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
    const plan = async (): Promise<FilePlan> => {
      const format = resolveFormat(upload.head, upload.fields['format']);
      const profile = await this.profiles.forUpload(tenantId, format, upload.fields['profileId']);
      return { format, profileId: profile.id, profile: profile.settings };
    };
    return this.runner.run(request, target, upload, plan, (tx, entity, decided) => this.write(tx, request, entity.id, reconciliationId, upload, decided));
  }

  private async write(tx: Tx, request: FastifyRequest, importId: string, reconciliationId: string, upload: SpooledUpload, plan: FilePlan): Promise<ImportOutcome> {
    const { tenantId } = apiKeyCaller(request);
    const { reconciliation, account } = await this.reconciliations.lockForEntries(tx, tenantId, reconciliationId);
    const tally = new FileTally();
    const events = readUploadedFile(upload, plan.format, { profile: plan.profile, side: 'statement', account });
    await this.imports.createStatementStaging(tx);
    await this.imports.stageStatementRows(tx, stagedRows(events, tally, account));
    tally.throwIfProblems();
    const { id, accountId, currency } = reconciliation;
    const added = await this.imports.insertStagedStatementEntries(tx, { tenantId, reconciliationId: id, accountId, currency, importId });
    const messages = await this.reconciliations.entriesAdded(tx, reconciliation, added, request);
    return {
      imported: added.created,
      duplicates: tally.entries - added.created,
      skipped: tally.skipped,
      details: { statements: tally.statements.map(presentStatement) },
      messages,
    };
  }
}

/** The file's entries as staging rows; statements are checked against the account as they appear. */
async function* stagedRows(events: AsyncIterable<StatementFileEvent>, tally: FileTally, account: AccountEntity): AsyncGenerator<StagedStatementRow> {
  for await (const event of events) {
    if (event.type === 'entry') {
      tally.entries += 1;
      const row = toStagedStatementRow(event.entry, tally);
      if (row && tally.clean) yield row;
    } else if (event.type === 'problem') {
      tally.addProblem(event.problem);
    } else if (event.type === 'skipped') {
      tally.skipped += 1;
    } else {
      checkStatementAccount(account.externalId, event.statement);
      tally.addStatement(event.statement);
    }
    if (tally.full) return;
  }
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
