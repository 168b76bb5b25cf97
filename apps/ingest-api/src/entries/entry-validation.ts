import type { ErrorObject, ValidateFunction } from 'ajv';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type FieldError, isCalendarDate, parseAmount } from '@concilia/domain';
import type { LedgerEntryRow, StatementEntryRow } from '@concilia/persistence';
import { MAX_ENTRIES_PER_REQUEST } from './entry-schemas';

const MAX_REPORTED_ERRORS = 100;
const MAX_METADATA_BYTES = 4096;
const MAX_METADATA_DEPTH = 5;

export interface LedgerEntryInput {
  externalId: string;
  kind: string;
  amount: string | number;
  currency: string;
  date: string;
  expectedSettlementDate?: string;
  status?: string;
  references?: string[];
  description?: string;
  counterparty?: string;
  metadata?: Record<string, unknown>;
}

export interface StatementEntryInput {
  externalId?: string;
  amount: string | number;
  currency: string;
  date: string;
  valueDate?: string;
  releaseType?: string;
  references?: string[];
  description?: string;
  status?: string;
  counterparty?: string;
  metadata?: Record<string, unknown>;
}

/** Checks a `{ entries: [...] }` body: size, schema, then money, dates and metadata of each entry. */
export function checkBatch<T>(body: unknown, validate: ValidateFunction): T[] {
  const entries = (body as { entries?: unknown } | null)?.entries;
  if (Array.isArray(entries) && entries.length > MAX_ENTRIES_PER_REQUEST) {
    throw DomainError.field('batch_too_large', 'entries', `at most ${MAX_ENTRIES_PER_REQUEST} entries per request; got ${entries.length}`);
  }
  if (!validate(body)) throw schemaError(validate.errors ?? []);
  return entries as T[];
}

/** Turns ajv errors into one DomainError: any unknown field makes it 400 unknown_field, otherwise 422. */
export function schemaError(errors: ErrorObject[], path = ''): DomainError {
  const fields: FieldError[] = errors.slice(0, MAX_REPORTED_ERRORS).map((error) => toFieldError(error, path));
  const unknown = fields.filter((field) => field.code === 'unknown_field');
  if (unknown.length > 0) return new DomainError('unknown_field', `Unknown field: ${unknown.map((f) => f.field).join(', ')}`, unknown);
  return new DomainError('validation_failed', `${fields.length} problem(s) in the body; see errors`, fields);
}

function toFieldError(error: ErrorObject, path: string): FieldError {
  const base = jsonPointerToField(error.instancePath, path);
  if (error.keyword === 'additionalProperties') {
    const field = `${base ? `${base}.` : ''}${String(error.params['additionalProperty'])}`;
    return { field, code: 'unknown_field', message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    return { field: `${base ? `${base}.` : ''}${String(error.params['missingProperty'])}`, code: 'required', message: 'is required' };
  }
  if (error.keyword === 'pattern' && error.params['pattern'] === '^[^\\u0000]*$') {
    return { field: base, code: 'nul_character', message: 'must not contain NUL characters' };
  }
  return { field: base, code: error.keyword, message: error.message ?? 'is invalid' };
}

/** "/entries/3/amount" → "entries[3].amount", under an optional prefix. */
function jsonPointerToField(pointer: string, prefix: string): string {
  return pointer
    .split('/')
    .slice(1)
    .reduce((field, segment) => (/^\d+$/.test(segment) ? `${field}[${segment}]` : field === '' ? segment : `${field}.${segment}`), prefix);
}

/** Collects per-entry problems and throws them together (the first 100), so a client fixes a batch in one go. */
class ProblemCollector {
  readonly errors: FieldError[] = [];

  add(field: string, code: string, message: string): void {
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ field, code, message });
  }

  /** An unknown currency is reported on the currency field, every other problem on the amount. */
  amount(input: unknown, currency: string, field: string, currencyField: string): bigint {
    const parsed = parseAmount(input, currency);
    if (parsed.ok) return parsed.minor;
    this.add(parsed.problem === 'currency_unknown' ? currencyField : field, parsed.problem, parsed.message);
    return 0n;
  }

  date(input: string | undefined, field: string): string | null {
    if (input === undefined) return null;
    if (!isCalendarDate(input)) this.add(field, 'date_invalid', 'must be a calendar date (YYYY-MM-DD)');
    return input;
  }

  metadata(input: Record<string, unknown> | undefined, field: string): Record<string, unknown> | null {
    if (input === undefined) return null;
    if (depth(input) > MAX_METADATA_DEPTH) this.add(field, 'too_deep', `must nest at most ${MAX_METADATA_DEPTH} levels`);
    else if (Buffer.byteLength(JSON.stringify(input)) > MAX_METADATA_BYTES) this.add(field, 'too_large', `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
    return input;
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const code = this.errors.every((e) => e.code === this.errors[0].code) && isTopLevelCode(this.errors[0].code) ? this.errors[0].code : 'validation_failed';
    throw new DomainError(code, `${this.errors.length} problem(s) in the entries; see errors`, this.errors);
  }
}

const TOP_LEVEL_CODES = ['amount_invalid', 'amount_precision_exceeded', 'amount_out_of_range', 'currency_unknown', 'date_invalid', 'duplicate_external_id'] as const;

function isTopLevelCode(code: string): code is (typeof TOP_LEVEL_CODES)[number] {
  return (TOP_LEVEL_CODES as readonly string[]).includes(code);
}

/** Nesting depth without recursion, so hostile input cannot exhaust the stack. */
function depth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, level] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    max = Math.max(max, level);
    if (max > MAX_METADATA_DEPTH) return max;
    for (const child of Object.values(current)) stack.push([child, level + 1]);
  }
  return max;
}

export function toLedgerRows(entries: LedgerEntryInput[]): LedgerEntryRow[] {
  const problems = new ProblemCollector();
  const seen = new Map<string, number>();
  const rows = entries.map((entry, index) => {
    const at = `entries[${index}]`;
    const first = seen.get(entry.externalId);
    if (first !== undefined) problems.add(`${at}.externalId`, 'duplicate_external_id', `repeats entries[${first}].externalId`);
    else seen.set(entry.externalId, index);
    return {
      id: uuidv7(),
      externalId: entry.externalId,
      kind: entry.kind,
      amount: problems.amount(entry.amount, entry.currency, `${at}.amount`, `${at}.currency`),
      currency: entry.currency,
      entryDate: problems.date(entry.date, `${at}.date`) ?? entry.date,
      expectedSettlementDate: problems.date(entry.expectedSettlementDate, `${at}.expectedSettlementDate`),
      status: entry.status ?? null,
      refs: entry.references ?? [],
      description: entry.description ?? null,
      counterparty: entry.counterparty ?? null,
      metadata: problems.metadata(entry.metadata, `${at}.metadata`),
    };
  });
  problems.throwIfAny();
  return rows;
}

export function toStatementRows(entries: StatementEntryInput[], path = 'entries'): StatementEntryRow[] {
  const problems = new ProblemCollector();
  const rows = entries.map((entry, index) => {
    const at = `${path}[${index}]`;
    return {
      id: uuidv7(),
      externalId: entry.externalId ?? null,
      amount: problems.amount(entry.amount, entry.currency, `${at}.amount`, `${at}.currency`),
      currency: entry.currency,
      entryDate: problems.date(entry.date, `${at}.date`) ?? entry.date,
      valueDate: problems.date(entry.valueDate, `${at}.valueDate`),
      releaseType: entry.releaseType ?? null,
      refs: entry.references ?? [],
      description: entry.description ?? null,
      status: entry.status ?? null,
      counterparty: entry.counterparty ?? null,
      metadata: problems.metadata(entry.metadata, `${at}.metadata`),
    };
  });
  problems.throwIfAny();
  return rows;
}
