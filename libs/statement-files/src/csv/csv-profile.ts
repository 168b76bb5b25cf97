import { DomainError, type FieldError, isKnownCurrency, LEDGER_ENTRY_KINDS } from '@concilia/domain';
import { TEXT_ENCODINGS, type TextEncoding } from '../text-decoding';
import { dateFormatProblem } from './csv-date';

export const CSV_FIELDS = [
  'externalId',
  'amount',
  'currency',
  'date',
  'valueDate',
  'releaseType',
  'references',
  'description',
  'status',
  'counterparty',
  'kind',
  'expectedSettlementDate',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** A header name (headerRow: true) or a 1-based column position. */
export type ColumnRef = string | number;

export type CsvSign =
  /** The amount carries its sign. */
  | { mode: 'amount' }
  /** A column says which way the money went: C/D, CREDIT/DEBIT, 'Crédito'/'Débito'. */
  | { mode: 'direction'; column: ColumnRef; credit: string[]; debit: string[] }
  /** Two amount columns, one filled per row (Brazilian bank exports). */
  | { mode: 'split'; credit: ColumnRef; debit: ColumnRef };

export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];
export const CSV_QUOTES = ['"', "'"] as const;
export const DECIMAL_SEPARATORS = ['.', ','] as const;
export const THOUSANDS_SEPARATORS = ['', ',', '.', ' ', "'"] as const;

export type CsvColumns = Partial<Record<CsvField, ColumnRef>> & { references?: ColumnRef | ColumnRef[] };

export interface CsvProfile {
  delimiter: CsvDelimiter;
  quote: (typeof CSV_QUOTES)[number];
  encoding: TextEncoding;
  headerRow: boolean;
  /** Lines to skip before the header (or before the data when there is no header), 0-1000. */
  skipRows: number;
  decimalSeparator: (typeof DECIMAL_SEPARATORS)[number];
  /** Must differ from decimalSeparator; '' = none allowed. */
  thousandsSeparator: (typeof THOUSANDS_SEPARATORS)[number];
  /** Tokens yyyy, yy, MM, M, dd, d and literal separators: 'dd/MM/yyyy', 'yyyyMMdd'. */
  dateFormat: string;
  columns: CsvColumns;
  sign: CsvSign;
  /** Splits one references cell into several. */
  referenceSeparator: string;
  /** Used when no currency column is mapped (or its cell is empty). */
  defaultCurrency: string | null;
  /** Ledger side: used when no kind column is mapped (or its cell is empty). */
  defaultKind: string | null;
}

/** The canonical field names of the API, read as header names by the default profile. */
const CANONICAL_COLUMNS: CsvColumns = Object.fromEntries(CSV_FIELDS.map((field) => [field, field]));

/**
 * The built-in profile: canonical field names as headers (any order, any case, only those
 * present), decimal '.', dates yyyy-MM-dd, UTF-8, signed amounts, references split by '|'.
 * Its delimiter is detected from the header line when it is read as `'default'`.
 */
export const DEFAULT_CSV_PROFILE: CsvProfile = Object.freeze({
  delimiter: ',',
  quote: '"',
  encoding: 'utf-8',
  headerRow: true,
  skipRows: 0,
  decimalSeparator: '.',
  thousandsSeparator: '',
  dateFormat: 'yyyy-MM-dd',
  columns: Object.freeze(CANONICAL_COLUMNS),
  sign: Object.freeze({ mode: 'amount' }),
  referenceSeparator: '|',
  defaultCurrency: null,
  defaultKind: null,
});

/** Beyond this many columns csv-parse stops splitting a row (a guard against rows of only delimiters). */
export const MAX_CSV_COLUMNS = 10_000;
const MAX_SKIP_ROWS = 1000;
const MAX_HEADER_NAME_LENGTH = 200;
const MAX_REFERENCE_SEPARATOR_LENGTH = 10;
const PROFILE_KEYS = Object.keys(DEFAULT_CSV_PROFILE);

/*
 * Field error codes of import_profile_invalid: unknown_field, required, type (wrong JSON type),
 * enum (not one of the allowed values), range (number out of bounds), conflict (clashes with
 * another property), position_required (a header name while headerRow is false),
 * date_format_invalid, currency_unknown, kind_invalid.
 */

/**
 * Checks a user's profile (the JSON body of POST /v1/import-profiles) and fills the defaults.
 * Every property is optional except `columns`, which maps at least `date` and `amount`
 * (`amount` is not mapped in split mode: sign.credit and sign.debit are the amount columns).
 * Throws `import_profile_invalid` naming every bad property.
 */
export function validateCsvProfile(input: unknown): CsvProfile {
  if (!isPlainObject(input)) throw profileError([{ field: 'profile', code: 'type', message: 'must be a JSON object' }]);
  const check = new ProfileCheck(input);
  check.unknownKeys(input, PROFILE_KEYS, '');
  const profile = check.profile();
  if (check.errors.length > 0) throw profileError(check.errors);
  return profile;
}

function profileError(errors: FieldError[]): DomainError {
  return new DomainError('import_profile_invalid', `the import profile is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects every problem of one profile instead of stopping at the first. */
class ProfileCheck {
  readonly errors: FieldError[] = [];

  constructor(private readonly input: Record<string, unknown>) {}

  profile(): CsvProfile {
    const headerRow = this.boolean('headerRow');
    const decimalSeparator = this.oneOf('decimalSeparator', DECIMAL_SEPARATORS);
    const quote = this.oneOf('quote', CSV_QUOTES);
    const sign = this.sign(headerRow);
    return {
      delimiter: this.oneOf('delimiter', CSV_DELIMITERS),
      quote,
      encoding: this.encoding(),
      headerRow,
      skipRows: this.skipRows(),
      decimalSeparator,
      thousandsSeparator: this.thousandsSeparator(decimalSeparator, quote),
      dateFormat: this.dateFormat(),
      columns: this.columns(headerRow, sign.mode),
      sign,
      referenceSeparator: this.referenceSeparator(),
      defaultCurrency: this.defaultCurrency(),
      defaultKind: this.defaultKind(),
    };
  }

  fail(field: string, code: string, message: string): void {
    this.errors.push({ field, code, message });
  }

  unknownKeys(object: Record<string, unknown>, known: readonly string[], prefix: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) this.fail(`${prefix}${key}`, 'unknown_field', 'is not a known property');
    }
  }

  private value<K extends keyof CsvProfile>(key: K): unknown {
    return this.input[key] === undefined ? DEFAULT_CSV_PROFILE[key] : this.input[key];
  }

  private boolean(key: 'headerRow'): boolean {
    const value = this.value(key);
    if (typeof value === 'boolean') return value;
    this.fail(key, 'type', 'must be true or false');
    return DEFAULT_CSV_PROFILE[key];
  }

  private oneOf<K extends keyof CsvProfile, T extends CsvProfile[K]>(key: K, allowed: readonly T[]): T {
    const value = this.value(key);
    if ((allowed as readonly unknown[]).includes(value)) return value as T;
    this.fail(key, 'enum', `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`);
    return allowed[0];
  }

  private encoding(): TextEncoding {
    const value = this.value('encoding');
    const encoding = TEXT_ENCODINGS.find((name) => typeof value === 'string' && name === value.trim().toLowerCase());
    if (encoding !== undefined) return encoding;
    this.fail('encoding', 'enum', `must be one of ${TEXT_ENCODINGS.join(', ')}`);
    return DEFAULT_CSV_PROFILE.encoding;
  }

  private skipRows(): number {
    const value = this.value('skipRows');
    if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_SKIP_ROWS) return value as number;
    this.fail('skipRows', typeof value === 'number' ? 'range' : 'type', `must be a whole number from 0 to ${MAX_SKIP_ROWS}`);
    return 0;
  }

  private thousandsSeparator(decimalSeparator: string, quote: string): CsvProfile['thousandsSeparator'] {
    const separator = this.oneOf('thousandsSeparator', THOUSANDS_SEPARATORS);
    if (separator === decimalSeparator) this.fail('thousandsSeparator', 'conflict', 'must differ from decimalSeparator');
    else if (separator === quote) this.fail('thousandsSeparator', 'conflict', 'must differ from quote: 1\'234 would open a quoted field');
    return separator;
  }

  private dateFormat(): string {
    const value = this.value('dateFormat');
    const problem = typeof value === 'string' ? dateFormatProblem(value) : 'must be a string such as dd/MM/yyyy';
    if (problem === null) return value as string;
    this.fail('dateFormat', typeof value === 'string' ? 'date_format_invalid' : 'type', problem);
    return DEFAULT_CSV_PROFILE.dateFormat;
  }

  private referenceSeparator(): string {
    const value = this.value('referenceSeparator');
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_REFERENCE_SEPARATOR_LENGTH) return value;
    this.fail('referenceSeparator', 'type', `must be a string of 1 to ${MAX_REFERENCE_SEPARATOR_LENGTH} characters`);
    return DEFAULT_CSV_PROFILE.referenceSeparator;
  }

  private defaultCurrency(): string | null {
    const value = this.value('defaultCurrency');
    if (value === null) return null;
    const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
    if (isKnownCurrency(code)) return code;
    this.fail('defaultCurrency', typeof value === 'string' ? 'currency_unknown' : 'type', 'must be an ISO 4217 currency code such as BRL, or null');
    return null;
  }

  private defaultKind(): string | null {
    const value = this.value('defaultKind');
    if (value === null) return null;
    const kind = typeof value === 'string' ? value.trim().toUpperCase() : '';
    if ((LEDGER_ENTRY_KINDS as readonly string[]).includes(kind)) return kind;
    this.fail('defaultKind', typeof value === 'string' ? 'kind_invalid' : 'type', `must be one of ${LEDGER_ENTRY_KINDS.join(', ')}, or null`);
    return null;
  }

  private columns(headerRow: boolean, signMode: CsvSign['mode']): CsvColumns {
    const value = this.input['columns'];
    if (!isPlainObject(value)) {
      this.fail('columns', value === undefined ? 'required' : 'type', 'must map fields to columns, at least amount and date');
      return {};
    }
    this.unknownKeys(value, CSV_FIELDS, 'columns.');
    const columns: CsvColumns = {};
    for (const field of CSV_FIELDS) {
      if (value[field] === undefined) continue;
      const ref = field === 'references' ? this.referenceColumns(value[field], headerRow) : this.columnRef(value[field], `columns.${field}`, headerRow);
      if (ref !== undefined) Object.assign(columns, { [field]: ref });
    }
    this.requiredColumns(value, signMode);
    return columns;
  }

  /** Checked on the input, so a column that is mapped but invalid is reported once. */
  private requiredColumns(columns: Record<string, unknown>, signMode: CsvSign['mode']): void {
    if (columns['date'] === undefined) this.fail('columns.date', 'required', 'must name the booking date column');
    if (signMode === 'split' && columns['amount'] !== undefined) {
      this.fail('columns.amount', 'conflict', 'is not used in split mode: sign.credit and sign.debit name the amount columns');
    } else if (signMode !== 'split' && columns['amount'] === undefined) {
      this.fail('columns.amount', 'required', 'must name the amount column');
    }
  }

  private referenceColumns(value: unknown, headerRow: boolean): ColumnRef | ColumnRef[] | undefined {
    if (!Array.isArray(value)) return this.columnRef(value, 'columns.references', headerRow);
    if (value.length === 0) this.fail('columns.references', 'type', 'must be a column or a non-empty list of columns');
    const refs = value.map((item, index) => this.columnRef(item, `columns.references[${index}]`, headerRow));
    return refs.every((ref) => ref !== undefined) ? (refs as ColumnRef[]) : undefined;
  }

  private columnRef(value: unknown, field: string, headerRow: boolean): ColumnRef | undefined {
    if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= 1 && value < MAX_CSV_COLUMNS) return value;
      this.fail(field, 'range', `must be a column position from 1 to ${MAX_CSV_COLUMNS - 1}`);
      return undefined;
    }
    const name = typeof value === 'string' ? value.trim() : '';
    if (name.length === 0 || name.length > MAX_HEADER_NAME_LENGTH) {
      this.fail(field, 'type', `must be a header name (1 to ${MAX_HEADER_NAME_LENGTH} characters) or a 1-based column position`);
      return undefined;
    }
    if (headerRow) return name;
    this.fail(field, 'position_required', 'must be a 1-based column position because headerRow is false');
    return undefined;
  }

  private sign(headerRow: boolean): CsvSign {
    const value = this.value('sign');
    const mode = isPlainObject(value) ? value['mode'] : undefined;
    if (!isPlainObject(value) || (mode !== 'amount' && mode !== 'direction' && mode !== 'split')) {
      this.fail(isPlainObject(value) ? 'sign.mode' : 'sign', 'enum', "must be { mode: 'amount' | 'direction' | 'split', ... }");
      return { mode: 'amount' };
    }
    if (mode === 'amount') {
      this.unknownKeys(value, ['mode'], 'sign.');
      return { mode };
    }
    if (mode === 'split') {
      this.unknownKeys(value, ['mode', 'credit', 'debit'], 'sign.');
      return { mode, credit: this.signColumn(value['credit'], 'sign.credit', headerRow), debit: this.signColumn(value['debit'], 'sign.debit', headerRow) };
    }
    this.unknownKeys(value, ['mode', 'column', 'credit', 'debit'], 'sign.');
    return this.direction(value, headerRow);
  }

  private direction(value: Record<string, unknown>, headerRow: boolean): CsvSign {
    const credit = this.directionValues(value['credit'], 'sign.credit');
    const debit = this.directionValues(value['debit'], 'sign.debit');
    const creditKeys = new Set(credit.map((item) => item.toUpperCase()));
    if (debit.some((item) => creditKeys.has(item.toUpperCase()))) this.fail('sign.debit', 'conflict', 'shares a value with sign.credit');
    return { mode: 'direction', column: this.signColumn(value['column'], 'sign.column', headerRow), credit, debit };
  }

  private signColumn(value: unknown, field: string, headerRow: boolean): ColumnRef {
    if (value === undefined) {
      this.fail(field, 'required', 'must name a column');
      return 1;
    }
    return this.columnRef(value, field, headerRow) ?? 1;
  }

  private directionValues(value: unknown, field: string): string[] {
    const values = Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.trim() : '')) : [];
    if (values.length === 0 || values.some((item) => item.length === 0 || item.length > MAX_HEADER_NAME_LENGTH)) {
      this.fail(field, value === undefined ? 'required' : 'type', 'must be a non-empty list of non-empty strings, e.g. ["C", "CREDIT"]');
    }
    return values;
  }
}
