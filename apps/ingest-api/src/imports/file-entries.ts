import { v7 as uuidv7 } from 'uuid';
import { DomainError, type FieldError, LEDGER_ENTRY_KINDS } from '@concilia/domain';
import type { ImportedStatementRow, LedgerEntryRow } from '@concilia/persistence';
import type { ParsedEntry, ParsedStatement, RowProblem } from '@concilia/statement-files';
import { ENTRY_LIMITS } from '../entries/entry-schemas';

export const MAX_REPORTED_PROBLEMS = 100;
const MAX_LISTED_STATEMENTS = 100;
const ELLIPSIS = '…';

/**
 * What reading one file found: its bad rows (the first 100), skipped rows and statements. A file
 * with any bad row is refused whole, so once a problem is seen no more rows are written.
 */
export class FileTally {
  readonly problems: RowProblem[] = [];
  readonly statements: ParsedStatement[] = [];
  entries = 0;
  skipped = 0;
  private problemCount = 0;

  get clean(): boolean {
    return this.problemCount === 0;
  }

  /** Enough problems to answer: reading further would only cost time. */
  get full(): boolean {
    return this.problemCount >= MAX_REPORTED_PROBLEMS;
  }

  addProblem(problem: RowProblem): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push(problem);
  }

  addStatement(statement: ParsedStatement): void {
    if (this.statements.length < MAX_LISTED_STATEMENTS) this.statements.push(statement);
  }

  /**
   * The answer for a file with bad rows: balance_mismatch (422) or ledger_entry_locked (409) when
   * that is all that is wrong, as the JSON API answers; import_rows_invalid (422) otherwise.
   */
  throwIfProblems(): void {
    if (this.clean) return;
    const errors: FieldError[] = this.problems.map(({ line, field, code, message }) => ({ line, field, code, message }));
    const counted = this.problemCount > this.problems.length ? ` (the first ${this.problems.length} are listed)` : '';
    const only = (code: string) => this.problems.every((problem) => problem.code === code);
    if (only('balance_mismatch')) {
      throw new DomainError('balance_mismatch', `The statement balances do not add up: opening balance plus entries differs from the closing balance${counted}. Nothing was imported.`, errors);
    }
    if (only('ledger_entry_locked')) {
      throw new DomainError('ledger_entry_locked', `${this.problemCount} row(s) would change the amount of entries in accepted matches${counted}; unmatch them first. Nothing was imported.`, errors);
    }
    throw new DomainError('import_rows_invalid', `${this.problemCount} bad row(s) in the file${counted}; nothing was imported. Fix them and upload the whole file again.`, errors);
  }
}

/**
 * An entry read from a statement file, ready to stage, or null when it breaks a rule (recorded in
 * the tally). Long free text (a bank's remittance lines) is shortened, never refused: the file is
 * the bank's, not the user's to fix. Identities (externalId) are never shortened.
 */
export function toImportedStatementRow(entry: ParsedEntry, tally: FileTally): ImportedStatementRow | null {
  if (!checkIdentity(entry, tally)) return null;
  const shortened: string[] = [];
  const row: ImportedStatementRow = {
    id: uuidv7(),
    externalId: entry.externalId,
    importRowKey: null,
    amount: entry.amount,
    currency: entry.currency,
    entryDate: entry.date,
    valueDate: entry.valueDate,
    releaseType: shorten(entry.releaseType, ENTRY_LIMITS.kindOrType, 'releaseType', shortened),
    refs: references(entry.references, shortened),
    description: shorten(entry.description, ENTRY_LIMITS.description, 'description', shortened),
    status: shorten(entry.status, ENTRY_LIMITS.kindOrType, 'status', shortened),
    counterparty: shorten(entry.counterparty, ENTRY_LIMITS.counterparty, 'counterparty', shortened),
    metadata: entry.metadata,
  };
  if (shortened.length > 0) row.metadata = { ...(row.metadata ?? {}), shortened };
  return row;
}

/** A ledger row read from an ERP's CSV: externalId and kind are required, as in the JSON API. */
export function toLedgerRow(entry: ParsedEntry, tally: FileTally): LedgerEntryRow | null {
  if (!checkIdentity(entry, tally)) return null;
  if (entry.externalId === null) {
    tally.addProblem({ line: entry.line, field: 'externalId', code: 'required', message: 'ledger entries need an externalId' });
    return null;
  }
  const kind = entry.kind ?? null;
  if (kind === null || !(LEDGER_ENTRY_KINDS as readonly string[]).includes(kind)) {
    tally.addProblem({ line: entry.line, field: 'kind', code: 'kind_invalid', message: `must be one of ${LEDGER_ENTRY_KINDS.join(', ')}` });
    return null;
  }
  const shortened: string[] = [];
  const metadata = entry.metadata;
  const row: LedgerEntryRow = {
    id: uuidv7(),
    externalId: entry.externalId,
    kind,
    amount: entry.amount,
    currency: entry.currency,
    entryDate: entry.date,
    expectedSettlementDate: entry.expectedSettlementDate ?? null,
    status: shorten(entry.status, ENTRY_LIMITS.kindOrType, 'status', shortened),
    refs: references(entry.references, shortened),
    description: shorten(entry.description, ENTRY_LIMITS.description, 'description', shortened),
    counterparty: shorten(entry.counterparty, ENTRY_LIMITS.counterparty, 'counterparty', shortened),
    metadata: shortened.length > 0 ? { ...(metadata ?? {}), shortened } : metadata,
  };
  return row;
}

function checkIdentity(entry: ParsedEntry, tally: FileTally): boolean {
  if (entry.externalId !== null && entry.externalId.length > ENTRY_LIMITS.externalId) {
    tally.addProblem({ line: entry.line, field: 'externalId', code: 'too_long', message: `must be at most ${ENTRY_LIMITS.externalId} characters` });
    return false;
  }
  const withNul = (['externalId', 'description', 'counterparty', 'releaseType', 'status'] as const).find((field) => entry[field]?.includes('\u0000'));
  if (withNul || entry.references.some((reference) => reference.includes('\u0000'))) {
    tally.addProblem({ line: entry.line, field: withNul ?? 'references', code: 'nul_character', message: 'must not contain NUL characters' });
    return false;
  }
  return true;
}

function shorten(value: string | null, max: number, field: string, shortened: string[]): string | null {
  if (value === null || value.length <= max) return value;
  shortened.push(field);
  return value.slice(0, max - 1) + ELLIPSIS;
}

function references(values: readonly string[], shortened: string[]): string[] {
  const kept = values.filter((value) => value.length <= ENTRY_LIMITS.reference).slice(0, ENTRY_LIMITS.references);
  if (kept.length < values.length) shortened.push('references');
  return kept;
}
