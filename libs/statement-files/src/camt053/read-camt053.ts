import type { DomainError } from '@concilia/domain';
import type { ByteSource, StatementFileEvent } from '../statement-file.types';
import { Camt053Collector } from './camt053-collector';
import { decodeXml } from './xml-declaration';
import { xmlDtdForbidden, xmlMalformed } from './xml-errors';
import { doctypeStartLength, findDoctype, MarkupSizeGuard } from './xml-guards';

export interface Camt053ReadOptions {
  /** Also read entries whose status is not BOOK (PDNG, INFO, FUTR); their status is in `metadata.entryStatus`. */
  includeNotBooked?: boolean;
}

/** Text is handed to the parser in pieces of this size, so that the events of one write stay few. */
const PIECE_LENGTH = 65_536;
/** The longest run of text or single markup construct (tag, comment, CDATA) the parser may buffer. */
const MAX_CONSTRUCT_LENGTH = 1_048_576;

function* pieces(text: string): Generator<string> {
  if (text.length <= PIECE_LENGTH) {
    yield text;
    return;
  }
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + PIECE_LENGTH, text.length);
    // Never split a surrogate pair between two pieces.
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
    yield text.slice(start, end);
    start = end;
  }
}

/** Where the parser must stop reading `text`, and the error to throw there. */
interface Refusal {
  at: number;
  error: (line: number) => DomainError;
}

function refusalIn(text: string, sizes: MarkupSizeGuard): Refusal | null {
  const doctype = findDoctype(text);
  const oversized = sizes.check(doctype < 0 ? text : text.slice(0, doctype));
  if (oversized !== null) {
    return { at: oversized, error: (line) => xmlMalformed(line, `a text or markup is longer than ${MAX_CONSTRUCT_LENGTH} characters`) };
  }
  return doctype < 0 ? null : { at: doctype, error: xmlDtdForbidden };
}

/**
 * Hands `text` to the parser up to anything refused, yielding the events of what came
 * before an error first, so that the output is the same however the file is chunked.
 */
function* parse(collector: Camt053Collector, text: string, sizes: MarkupSizeGuard): Generator<StatementFileEvent> {
  const refusal = refusalIn(text, sizes);
  try {
    collector.write(refusal === null ? text : text.slice(0, refusal.at));
  } finally {
    yield* collector.takeEvents();
  }
  if (refusal !== null) throw refusal.error(collector.line);
}

function* finish(collector: Camt053Collector): Generator<StatementFileEvent> {
  try {
    collector.close();
  } finally {
    yield* collector.takeEvents();
  }
}

/**
 * Reads an ISO 20022 camt.053 bank statement (001.02 and later) as a stream: a `statement`
 * event per `Stmt`, then an `entry` per booked `Ntry` (one per `TxDtls` of a batch whose
 * details carry their own amounts), a `skipped` per entry not booked, and a `problem` per bad
 * entry. The file as a whole is refused with a DomainError: `encoding_invalid`,
 * `xml_dtd_forbidden` (any `<!DOCTYPE`, before the parser sees it), `xml_malformed` (syntax,
 * undefined entities, truncation, nesting over 64, text or markup over 1 MB),
 * `unsupported_message_type` (camt.052, camt.054, pain.001, ...), `statement_repeated`.
 */
export async function* readCamt053(source: ByteSource, options: Camt053ReadOptions = {}): AsyncGenerator<StatementFileEvent> {
  const collector = new Camt053Collector({ includeNotBooked: options.includeNotBooked === true });
  const sizes = new MarkupSizeGuard(MAX_CONSTRUCT_LENGTH);
  // The end of a piece that may begin a `<!DOCTYPE` waits for the next piece.
  let held = '';
  for await (const text of decodeXml(source)) {
    for (const piece of pieces(text)) {
      const chunk = held.length > 0 ? held + piece : piece;
      const ready = chunk.length - doctypeStartLength(chunk);
      held = chunk.slice(ready);
      yield* parse(collector, ready === chunk.length ? chunk : chunk.slice(0, ready), sizes);
    }
  }
  if (held.length > 0) yield* parse(collector, held, sizes);
  yield* finish(collector);
}
