import { DomainError } from '@concilia/domain';
import { type ColumnRef, CSV_FIELDS, type CsvColumns, type CsvField, type CsvProfile, MAX_CSV_COLUMNS } from './csv-profile';
import type { CsvRecord } from './csv-records';
import { clip } from './csv-text';

export type CsvSide = 'statement' | 'ledger';
export type SingleColumnField = Exclude<CsvField, 'references'>;

export type ResolvedSign =
  | { mode: 'amount' }
  | { mode: 'direction'; column: number; credit: ReadonlySet<string>; debit: ReadonlySet<string> }
  | { mode: 'split'; credit: number; debit: number };

/** A profile's columns resolved against one file: 0-based indexes, -1 for a field not mapped. */
export interface CsvLayout {
  columnCount: number;
  /** Header names (or "column N"), to name a column in a row problem. */
  labels: string[];
  columns: Record<SingleColumnField, number>;
  references: number[];
  sign: ResolvedSign;
}

const LEDGER_ONLY_FIELDS: readonly CsvField[] = ['kind', 'expectedSettlementDate'];

/** Columns that matter for a side: a statement has no kind nor expected settlement date. */
export function fieldsForSide(side: CsvSide): readonly CsvField[] {
  return side === 'ledger' ? CSV_FIELDS : CSV_FIELDS.filter((field) => !LEDGER_ONLY_FIELDS.includes(field));
}

interface HeaderLookup {
  line: number;
  columnCount: number;
  /** Trimmed, lower-cased header name → index; null when the file has no header row. */
  names: ReadonlyMap<string, number> | null;
}

/** Reads the header row: names are unique (trimmed, case-insensitive) and every mapped one exists. */
export function layoutFromHeader(header: CsvRecord, profile: CsvProfile, side: CsvSide, canonicalNames: boolean): CsvLayout {
  const names = header.cells.map((cell) => cell.trim());
  checkShape(header, 'csv_header_invalid');
  if (header.nul) throw headerError('header', `line ${header.line}: the header holds a NUL character`);
  const lookup: HeaderLookup = { line: header.line, columnCount: names.length, names: nameIndex(names, header.line) };
  const columns = canonicalNames ? canonicalColumns(names, side, header.line) : profile.columns;
  const labels = names.map((name, index) => clip(name) || `column ${index + 1}`);
  return resolveLayout({ ...profile, columns }, side, lookup, labels);
}

/** Without a header the first row sets the column count, and columns are positions. */
export function layoutFromFirstRow(row: CsvRecord, profile: CsvProfile, side: CsvSide): CsvLayout {
  checkShape(row, 'csv_malformed');
  const lookup: HeaderLookup = { line: row.line, columnCount: row.cells.length, names: null };
  const labels = row.cells.map((_, index) => `column ${index + 1}`);
  return resolveLayout(profile, side, lookup, labels);
}

function checkShape(record: CsvRecord, code: 'csv_header_invalid' | 'csv_malformed'): void {
  if (record.cells.length < MAX_CSV_COLUMNS) return;
  const message = `line ${record.line}: the row has ${MAX_CSV_COLUMNS} or more columns`;
  throw DomainError.field(code, code === 'csv_malformed' ? `line ${record.line}` : 'header', message);
}

function nameIndex(names: string[], line: number): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((name, position) => {
    if (name === '') return;
    const key = name.toLowerCase();
    const first = index.get(key);
    if (first !== undefined) {
      throw headerError('header', `line ${line}: the header names "${clip(name)}" twice (columns ${first + 1} and ${position + 1})`);
    }
    index.set(key, position);
  });
  return index;
}

/** The default profile maps only canonical names, and refuses any other column rather than drop it. */
function canonicalColumns(names: string[], side: CsvSide, line: number): CsvColumns {
  const known = new Map(fieldsForSide(side).map((field) => [field.toLowerCase(), field]));
  const columns: Record<string, ColumnRef> = {};
  names.forEach((name, index) => {
    const field = known.get(name.toLowerCase());
    if (field === undefined) {
      const what = name === '' ? `column ${index + 1} has no name` : `"${clip(name)}" is not a field name`;
      throw headerError('header', `line ${line}: ${what}; the default profile reads only ${[...known.values()].join(', ')}; create an import profile to map other columns`);
    }
    columns[field] = name;
  });
  for (const field of ['amount', 'date'] as const) {
    if (columns[field] === undefined) throw headerError(`columns.${field}`, `line ${line}: the header has no "${field}" column`);
  }
  return columns;
}

function resolveLayout(profile: CsvProfile, side: CsvSide, lookup: HeaderLookup, labels: string[]): CsvLayout {
  const columns = {} as Record<SingleColumnField, number>;
  for (const field of CSV_FIELDS) {
    if (field === 'references') continue;
    const ref = profile.columns[field];
    columns[field] = ref === undefined || !fieldsForSide(side).includes(field) ? -1 : columnIndex(ref, `columns.${field}`, lookup);
  }
  const references = profile.columns.references;
  const referenceRefs = references === undefined ? [] : Array.isArray(references) ? references : [references];
  return {
    columnCount: lookup.columnCount,
    labels,
    columns,
    references: referenceRefs.map((ref) => columnIndex(ref, 'columns.references', lookup)),
    sign: resolveSign(profile.sign, lookup),
  };
}

function resolveSign(sign: CsvProfile['sign'], lookup: HeaderLookup): ResolvedSign {
  if (sign.mode === 'amount') return sign;
  if (sign.mode === 'split') {
    return { mode: 'split', credit: columnIndex(sign.credit, 'sign.credit', lookup), debit: columnIndex(sign.debit, 'sign.debit', lookup) };
  }
  const upper = (values: string[]) => new Set(values.map((value) => value.trim().toUpperCase()));
  return { mode: 'direction', column: columnIndex(sign.column, 'sign.column', lookup), credit: upper(sign.credit), debit: upper(sign.debit) };
}

function columnIndex(ref: ColumnRef, field: string, lookup: HeaderLookup): number {
  if (typeof ref === 'number') {
    if (ref >= 1 && ref <= lookup.columnCount) return ref - 1;
    throw headerError(field, `line ${lookup.line}: ${field} is column ${ref} but the ${lookup.names ? 'header' : 'first row'} has ${lookup.columnCount} columns`);
  }
  if (lookup.names === null) throw headerError(field, `line ${lookup.line}: ${field} names a header column "${clip(ref)}" but the profile has no header row`);
  const index = lookup.names.get(ref.trim().toLowerCase());
  if (index !== undefined) return index;
  throw headerError(field, `line ${lookup.line}: the header has no column "${clip(ref)}" (${field})`);
}

function headerError(field: string, message: string): DomainError {
  return DomainError.field('csv_header_invalid', field, message);
}
