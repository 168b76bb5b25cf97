import { DomainError } from '@concilia/domain';
import type { ByteSource, StatementFileEvent } from '../statement-file.types';
import { decodeText } from '../text-decoding';
import { type CsvSide, layoutFromFirstRow, layoutFromHeader } from './csv-layout';
import { type CsvProfile, DEFAULT_CSV_PROFILE } from './csv-profile';
import { type CsvRecord, readRecordBatches } from './csv-records';
import { CsvRowReader } from './csv-row-reader';
import { detectDelimiter, skipLeadingLines } from './csv-text';

export interface CsvReadOptions {
  side: CsvSide;
  /** The currency of rows that name none, when the profile has no default: the account's. */
  currency: string;
}

/**
 * Reads a CSV statement (or ledger) file with a mapping profile, streaming: one entry or
 * problem event per data row, in file order. `'default'` reads the canonical field names
 * as headers and detects the delimiter. File-level problems throw a DomainError
 * (encoding_invalid, csv_malformed, csv_header_invalid); row problems are yielded and
 * reading goes on.
 */
export async function* readCsv(source: ByteSource, profile: CsvProfile | 'default', options: CsvReadOptions): AsyncGenerator<StatementFileEvent> {
  const canonical = profile === 'default';
  const base = canonical ? DEFAULT_CSV_PROFILE : profile;
  const decoded = decodeText(source, base.encoding);
  const text = base.skipRows > 0 ? skipLeadingLines(decoded, base.skipRows) : decoded;
  const detected = canonical ? await detectDelimiter(text) : { delimiter: base.delimiter, text };
  const active: CsvProfile = { ...base, delimiter: detected.delimiter };
  const settings = { delimiter: active.delimiter, quote: active.quote, firstLine: active.skipRows + 1 };
  let rows: CsvRowReader | null = null;
  for await (const batch of readRecordBatches(detected.text, settings)) {
    for (const record of batch) {
      if (rows === null) {
        rows = startRows(record, active, options, canonical);
        if (active.headerRow) continue;
      }
      const result = rows.read(record);
      if (!Array.isArray(result)) yield { type: 'entry', entry: result };
      else for (const problem of result) yield { type: 'problem', problem };
    }
  }
  if (rows === null && active.headerRow) {
    throw DomainError.field('csv_header_invalid', 'header', `line ${active.skipRows + 1}: the file ends before its header row`);
  }
}

/** readCsv with the built-in profile: canonical field names as headers, delimiter detected. */
export function readCsvWithDefaultProfile(source: ByteSource, options: CsvReadOptions): AsyncGenerator<StatementFileEvent> {
  return readCsv(source, 'default', options);
}

/** The first record is the header (or, without one, the first row): it fixes the layout. */
function startRows(first: CsvRecord, profile: CsvProfile, options: CsvReadOptions, canonical: boolean): CsvRowReader {
  const layout = profile.headerRow ? layoutFromHeader(first, profile, options.side, canonical) : layoutFromFirstRow(first, profile, options.side);
  return new CsvRowReader(layout, profile, { side: options.side, currency: profile.defaultCurrency ?? options.currency });
}
