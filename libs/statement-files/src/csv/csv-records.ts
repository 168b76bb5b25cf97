import { DomainError } from '@concilia/domain';
import { type CsvError, type Options, parse, type Parser } from 'csv-parse';
import { type CsvProfile, MAX_CSV_COLUMNS } from './csv-profile';

/** One CSV record: its cells as written (untrimmed) and the physical line where it starts. */
export interface CsvRecord {
  line: number;
  cells: string[];
  /** True when some cell holds a NUL character. */
  nul: boolean;
}

export interface RecordSettings {
  delimiter: CsvProfile['delimiter'];
  quote: CsvProfile['quote'];
  /** The physical line number of the first line of the text. */
  firstLine: number;
}

/** A record (a row, or one quoted field of it) longer than this is refused: no 10 MB field. */
export const MAX_RECORD_SIZE = 1_048_576;
/** csv-parse buffers every record of a chunk it is given, so chunks are cut to this size. */
const MAX_WRITE_CHARS = 65_536;
const BREAK_OR_NUL = /[\0\n\r]/;

/**
 * Parses text into records with csv-parse, batch by batch (the records of one chunk), so the
 * caller iterates rows synchronously. Empty rows and rows of empty cells (';;;;') carry no
 * entry and are dropped. Malformed CSV (unbalanced quote, oversized record) throws
 * `csv_malformed` naming the line where the bad record starts.
 *
 * Line numbers are counted here, not taken from csv-parse's `info`: its `lines` is where a
 * record ends, and it counts a CRLF inside a quoted field twice. Empty lines are therefore
 * read as records (no `skip_empty_lines`) and each record advances the count by one plus the
 * line breaks inside its quoted fields.
 */
export async function* readRecordBatches(text: AsyncIterable<string>, settings: RecordSettings): AsyncGenerator<CsvRecord[]> {
  const parser = createParser(settings);
  const lines = new LineCounter(settings.firstLine);
  try {
    for await (const chunk of text) {
      for (let start = 0; start < chunk.length; ) {
        const end = cutPoint(chunk, start);
        const failure = await write(parser, chunk.slice(start, end));
        yield drain(parser, lines);
        if (failure !== undefined) throw malformed(failure, lines.next);
        start = end;
      }
    }
    const failure = await finish(parser);
    yield drain(parser, lines);
    if (failure !== undefined) throw malformed(failure, lines.next);
  } finally {
    parser.destroy();
  }
}

function createParser(settings: RecordSettings): Parser {
  const options: Options & { readableHighWaterMark: number } = {
    delimiter: settings.delimiter,
    quote: settings.quote,
    escape: settings.quote,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    max_record_size: MAX_RECORD_SIZE,
    // Past this many cells the rest of a row stays in its last cell, which max_record_size
    // bounds: a row of millions of empty cells cannot exhaust memory.
    ignore_last_delimiters: MAX_CSV_COLUMNS,
    // Every record of a chunk stays readable until drained, including those before an error.
    readableHighWaterMark: Number.MAX_SAFE_INTEGER,
  };
  const parser = parse(options);
  // Errors arrive through the write and end callbacks; this keeps them from being unhandled.
  parser.on('error', () => undefined);
  return parser;
}

/** Where to cut a chunk: at most MAX_WRITE_CHARS on, never between the halves of a surrogate pair. */
function cutPoint(chunk: string, start: number): number {
  const end = start + MAX_WRITE_CHARS;
  if (end >= chunk.length) return chunk.length;
  const code = chunk.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

function write(parser: Parser, text: string): Promise<Error | undefined> {
  return new Promise((resolve) => parser.write(text, (error) => resolve(error ?? undefined)));
}

function finish(parser: Parser): Promise<Error | undefined> {
  return new Promise((resolve) => {
    parser.once('error', resolve);
    parser.end(() => resolve(undefined));
  });
}

function drain(parser: Parser, lines: LineCounter): CsvRecord[] {
  const records: CsvRecord[] = [];
  for (let cells = parser.read() as string[] | null; cells !== null; cells = parser.read() as string[] | null) {
    const record = lines.take(cells);
    if (!isBlank(cells)) records.push(record);
  }
  return records;
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) {
    if (cell.length > 0 && cell.trim().length > 0) return false;
  }
  return true;
}

class LineCounter {
  constructor(public next: number) {}

  take(cells: string[]): CsvRecord {
    const record: CsvRecord = { line: this.next, cells, nul: false };
    let breaks = 0;
    for (const cell of cells) {
      if (!BREAK_OR_NUL.test(cell)) continue;
      breaks += countLineBreaks(cell);
      record.nul ||= cell.includes('\0');
    }
    this.next += 1 + breaks;
    return record;
  }
}

/** LF, CRLF and lone CR each end one physical line, as readLines counts them. */
function countLineBreaks(text: string): number {
  let breaks = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 10 || (char === 13 && text.charCodeAt(i + 1) !== 10)) breaks += 1;
  }
  return breaks;
}

const MALFORMED_REASONS: Partial<Record<CsvError['code'], string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (unbalanced quote)',
  CSV_MAX_RECORD_SIZE: `the row is longer than ${MAX_RECORD_SIZE} bytes (an unbalanced quote, or a field that is far too long)`,
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other text instead of a delimiter (unbalanced quote)',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field (quote the whole field and double the quote)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other text instead of a delimiter (unbalanced quote)',
};

/** csv-parse's own messages quote cell contents; the client gets a fixed reason and the line. */
function malformed(error: Error, line: number): DomainError {
  if (error instanceof DomainError) return error;
  const code = (error as Partial<CsvError>).code;
  const reason = (code !== undefined && MALFORMED_REASONS[code]) || 'the file is not valid CSV';
  return DomainError.field('csv_malformed', `line ${line}`, `line ${line}: ${reason}`);
}
