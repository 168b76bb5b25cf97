import { currencyExponent } from '@concilia/domain';
import { type DateFormatPart, formatDate, parseDateFormat } from '../csv/csv-date';
import { type ColumnRef, CSV_FIELDS, type CsvField, type CsvProfile, DEFAULT_CSV_PROFILE } from '../csv/csv-profile';
import type { TextEncoding } from '../text-decoding';

/** What the writer needs of an entry; a ParsedEntry is one. */
export interface CsvWriterEntry {
  amount: bigint;
  currency: string;
  date: string;
  externalId?: string | null;
  valueDate?: string | null;
  releaseType?: string | null;
  references?: readonly string[];
  description?: string | null;
  status?: string | null;
  counterparty?: string | null;
  kind?: string | null;
  expectedSettlementDate?: string | null;
}

export interface CsvWriterOptions {
  /** Which columns to write: a statement file has no kind nor expectedSettlementDate. Default 'statement'. */
  side?: 'statement' | 'ledger';
  /** Default CRLF, as spreadsheets write. */
  newline?: '\n' | '\r\n';
  /** Lines written before the header; give as many as the profile's skipRows. */
  preamble?: readonly string[];
  /** How a negative amount looks in sign mode 'amount'. Default 'minus'. */
  negativeStyle?: 'minus' | 'trailing-minus' | 'parentheses';
  /** Split mode: write debits as "-45,90" instead of "45,90". */
  signedDebits?: boolean;
  /** Group thousands when the profile has a separator. Default true. */
  groupThousands?: boolean;
  quoteAll?: boolean;
  /** A leading U+FEFF (encode as UTF-8 to get the EF BB BF bytes). */
  bom?: boolean;
}

/** About this many characters per yielded chunk. */
const CHUNK_CHARS = 65_536;

interface Column {
  header: string;
  cell: (entry: CsvWriterEntry) => string;
}

/** Writes entries as a CSV file in a profile's notation ('default': the canonical names). */
export function writeCsv(entries: Iterable<CsvWriterEntry>, profile: CsvProfile | 'default', options: CsvWriterOptions = {}): string {
  return [...csvChunks(entries, profile, options)].join('');
}

/** The same file as chunks of about 64 KiB, so a benchmark can stream a million rows to disk. */
export function* csvChunks(entries: Iterable<CsvWriterEntry>, profile: CsvProfile | 'default', options: CsvWriterOptions = {}): Generator<string> {
  const active = profile === 'default' ? DEFAULT_CSV_PROFILE : profile;
  const newline = options.newline ?? '\r\n';
  const columns = layoutColumns(active, options);
  const row = (cells: string[]) => cells.map((cell) => quoteCell(cell, active, options.quoteAll === true)).join(active.delimiter) + newline;
  let pending: string[] = [(options.bom === true ? '\ufeff' : '') + (options.preamble ?? []).map((line) => line + newline).join('')];
  if (active.headerRow) pending.push(row(columns.map((column) => column.header)));
  let size = 0;
  for (const entry of entries) {
    const line = row(columns.map((column) => column.cell(entry)));
    pending.push(line);
    size += line.length;
    if (size < CHUNK_CHARS) continue;
    yield pending.join('');
    pending = [];
    size = 0;
  }
  if (pending.length > 0) yield pending.join('');
}

function quoteCell(cell: string, profile: CsvProfile, always: boolean): string {
  const needed = always || cell.includes(profile.delimiter) || cell.includes(profile.quote) || cell.includes('\n') || cell.includes('\r');
  return needed ? profile.quote + cell.split(profile.quote).join(profile.quote + profile.quote) + profile.quote : cell;
}

/** Places every mapped column: positions where the profile says, header names in the gaps, in field order. */
function layoutColumns(profile: CsvProfile, options: CsvWriterOptions): Column[] {
  const wanted = columnsToWrite(profile, options);
  const placed: (Column | undefined)[] = [];
  for (const [ref, column] of wanted) if (typeof ref === 'number') place(placed, ref - 1, column);
  for (const [ref, column] of wanted) if (typeof ref === 'string') place(placed, firstFree(placed), column);
  return Array.from(placed, (column, index) => column ?? { header: `unused ${index + 1}`, cell: () => '' });
}

function place(placed: (Column | undefined)[], index: number, column: Column): void {
  if (placed[index] !== undefined) throw new Error(`csv-writer: two fields share column ${index + 1}`);
  placed[index] = column;
}

function firstFree(placed: (Column | undefined)[]): number {
  const index = placed.findIndex((column) => column === undefined);
  return index === -1 ? placed.length : index;
}

function columnsToWrite(profile: CsvProfile, options: CsvWriterOptions): [ColumnRef, Column][] {
  const dates = parseDateFormat(profile.dateFormat);
  const fields = CSV_FIELDS.filter((field) => options.side === 'ledger' || (field !== 'kind' && field !== 'expectedSettlementDate'));
  const columns: [ColumnRef, Column][] = [];
  for (const field of fields) {
    const ref = profile.columns[field];
    if (field === 'references') columns.push(...referenceColumns(profile));
    else if (ref !== undefined && !Array.isArray(ref)) columns.push([ref, { header: headerOf(ref), cell: fieldCell(field, profile, options, dates) }]);
  }
  return [...columns, ...signColumns(profile, options)];
}

function headerOf(ref: ColumnRef): string {
  return typeof ref === 'string' ? ref : `column ${ref}`;
}

function fieldCell(field: Exclude<CsvField, 'references'>, profile: CsvProfile, options: CsvWriterOptions, dates: DateFormatPart[]): Column['cell'] {
  switch (field) {
    case 'amount':
      return (entry) => signedAmount(entry, profile, options);
    case 'date':
    case 'valueDate':
    case 'expectedSettlementDate':
      return (entry) => (entry[field] ? formatDate(entry[field] as string, dates) : '');
    default:
      return (entry) => entry[field] ?? '';
  }
}

/** One column: all references joined; several: one each, the rest joined into the last. */
function referenceColumns(profile: CsvProfile): [ColumnRef, Column][] {
  const refs = profile.columns.references;
  const list = refs === undefined ? [] : Array.isArray(refs) ? refs : [refs];
  return list.map((ref, index) => {
    const last = index === list.length - 1;
    const cell = (entry: CsvWriterEntry) => (last ? (entry.references ?? []).slice(index).join(profile.referenceSeparator) : (entry.references?.[index] ?? ''));
    return [ref, { header: headerOf(ref), cell }];
  });
}

function signColumns(profile: CsvProfile, options: CsvWriterOptions): [ColumnRef, Column][] {
  const sign = profile.sign;
  if (sign.mode === 'direction') {
    return [[sign.column, { header: headerOf(sign.column), cell: (entry) => (entry.amount < 0n ? sign.debit[0] : sign.credit[0]) }]];
  }
  if (sign.mode === 'split') {
    const debit = (entry: CsvWriterEntry) => (entry.amount < 0n ? (options.signedDebits === true ? '-' : '') + magnitude(entry, profile, options) : '');
    return [
      [sign.credit, { header: headerOf(sign.credit), cell: (entry) => (entry.amount >= 0n ? magnitude(entry, profile, options) : '') }],
      [sign.debit, { header: headerOf(sign.debit), cell: debit }],
    ];
  }
  return [];
}

function signedAmount(entry: CsvWriterEntry, profile: CsvProfile, options: CsvWriterOptions): string {
  const text = magnitude(entry, profile, options);
  if (profile.sign.mode !== 'amount' || entry.amount >= 0n) return text;
  const style = options.negativeStyle ?? 'minus';
  return style === 'minus' ? `-${text}` : style === 'trailing-minus' ? `${text}-` : `(${text})`;
}

/** |amount| in the profile's notation: 1234567n BRL → "12.345,67" with decimal ',' and thousands '.'. */
function magnitude(entry: CsvWriterEntry, profile: CsvProfile, options: CsvWriterOptions): string {
  const exponent = currencyExponent(entry.currency);
  const digits = (entry.amount < 0n ? -entry.amount : entry.amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const grouped = options.groupThousands === false ? whole : whole.replace(/\B(?=(\d{3})+$)/g, profile.thousandsSeparator);
  return exponent === 0 ? grouped : `${grouped}${profile.decimalSeparator}${digits.slice(digits.length - exponent)}`;
}

/** Windows-1252's characters at 0x80-0x9F (the rest of its range is ISO-8859-1). */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Encodes writer output as a bank would store it; throws for a character the encoding lacks. */
export function encodeCsv(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const high = WINDOWS_1252_HIGH.indexOf(text[i]);
    if (high !== -1 && (code > 0xff || code < 0xa0)) bytes[i] = 0x80 + high;
    else if (code <= 0xff && (code < 0x80 || code >= 0xa0)) bytes[i] = code;
    else throw new Error(`csv-writer: ${JSON.stringify(text[i])} has no ${encoding} byte`);
  }
  return bytes;
}
