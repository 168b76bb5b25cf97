import type { ByteSource, StatementFileEvent } from '../statement-file.types';
import { decodeText, readLines, type TextEncoding } from '../text-decoding';
import { Mt940StatementAssembler } from './mt940-statements';
import { MAX_LINE_LENGTH, Mt940Tokenizer } from './mt940-tokenizer';

export interface Mt940ReadOptions {
  /** SWIFT is ASCII, but German banks send ISO-8859-1: the caller says so. Default UTF-8. */
  encoding?: TextEncoding;
}

/**
 * Reads a SWIFT MT940 statement file (with or without SWIFT envelope blocks, one or several
 * messages), line by line: memory stays flat whatever the file's size. Bad statement lines and
 * balances are yielded as problems; a file that is not MT940 throws `mt940_malformed`.
 */
export async function* readMt940(source: ByteSource, options: Mt940ReadOptions = {}): AsyncGenerator<StatementFileEvent> {
  const tokenizer = new Mt940Tokenizer();
  const statements = new Mt940StatementAssembler();
  let lastLine = 0;
  for await (const { line, text } of readLines(decodeText(source, options.encoding ?? 'utf-8'), MAX_LINE_LENGTH, 'mt940_malformed')) {
    lastLine = line;
    for (const token of tokenizer.accept(line, text)) {
      for (const event of statements.accept(token)) yield event;
    }
  }
  for (const token of tokenizer.finish(lastLine)) {
    for (const event of statements.accept(token)) yield event;
  }
}
