import { CSV_DELIMITERS, type CsvDelimiter } from './csv-profile';

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Enough of the first line to see its delimiters; a longer header fails later in csv-parse. */
const MAX_HEADER_SCAN = 1_048_576;

/**
 * Drops the first `count` physical lines (LF, CRLF or lone CR, as readLines counts them)
 * before csv-parse sees the text, so a preamble with stray quotes cannot derail parsing.
 */
export async function* skipLeadingLines(text: AsyncIterable<string>, count: number): AsyncGenerator<string> {
  let remaining = count;
  let afterCr = false;
  for await (const chunk of text) {
    // The LF of a CRLF whose CR ended the previous chunk.
    const start: number = afterCr && chunk.charCodeAt(0) === LF ? 1 : 0;
    afterCr = false;
    if (remaining === 0) {
      if (start < chunk.length) yield start === 0 ? chunk : chunk.slice(start);
      continue;
    }
    let next = start;
    for (let i: number = start; i < chunk.length && remaining > 0; i += 1) {
      const char = chunk.charCodeAt(i);
      if (char !== LF && char !== CR) continue;
      remaining -= 1;
      afterCr = char === CR && i === chunk.length - 1;
      if (char === CR && chunk.charCodeAt(i + 1) === LF) i += 1;
      next = i + 1;
    }
    if (remaining === 0 && next < chunk.length) yield chunk.slice(next);
  }
}

/**
 * The default profile's delimiter: the most frequent of , ; TAB | outside double quotes on
 * the first non-empty line (ties go to the earlier of that list; none at all means ',').
 * Returns the text again, from its start.
 */
export async function detectDelimiter(text: AsyncIterable<string>): Promise<{ delimiter: CsvDelimiter; text: AsyncGenerator<string> }> {
  const iterator = text[Symbol.asyncIterator]();
  const seen: string[] = [];
  const scan = new HeaderScan();
  while (!scan.done) {
    const next = await iterator.next();
    if (next.done === true) break;
    seen.push(next.value);
    scan.feed(next.value);
  }
  return { delimiter: scan.delimiter(), text: replay(seen, iterator) };
}

async function* replay(seen: string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    yield* seen.splice(0);
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

class HeaderScan {
  done = false;
  private readonly counts = new Map<number, number>(CSV_DELIMITERS.map((delimiter) => [delimiter.charCodeAt(0), 0]));
  private quoted = false;
  private content = false;
  private scanned = 0;

  feed(chunk: string): void {
    for (let i = 0; i < chunk.length && !this.done; i += 1) this.char(chunk.charCodeAt(i));
    this.scanned += chunk.length;
    if (this.scanned > MAX_HEADER_SCAN) this.done = true;
  }

  delimiter(): CsvDelimiter {
    let best: CsvDelimiter = CSV_DELIMITERS[0];
    for (const delimiter of CSV_DELIMITERS) {
      if ((this.counts.get(delimiter.charCodeAt(0)) ?? 0) > (this.counts.get(best.charCodeAt(0)) ?? 0)) best = delimiter;
    }
    return best;
  }

  private char(char: number): void {
    if (char === QUOTE) this.quoted = !this.quoted;
    if (this.quoted) return;
    if (char === LF || char === CR) {
      this.done = this.content;
      return;
    }
    this.content = true;
    const count = this.counts.get(char);
    if (count !== undefined) this.counts.set(char, count + 1);
  }
}

/** Cell or header text quoted in a message, cut short so a message never carries a huge cell. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
