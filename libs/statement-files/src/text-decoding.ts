import { DomainError } from '@concilia/domain';
import type { ByteSource } from './statement-file.types';

/** The encodings a file may be declared in. ISO-8859-1 is read as Windows-1252, its superset (as browsers do). */
export const TEXT_ENCODINGS = ['utf-8', 'iso-8859-1', 'windows-1252'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/**
 * Decodes a byte stream into text chunks without ever holding the whole file. UTF-8 is strict
 * (an invalid byte is `encoding_invalid`, never a silent U+FFFD) and a leading BOM is dropped.
 */
export async function* decodeText(source: ByteSource, encoding: TextEncoding = 'utf-8'): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: false });
  try {
    for await (const chunk of source) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw DomainError.field('encoding_invalid', 'file', `the file is not valid ${encoding.toUpperCase()}; declare its encoding (e.g. windows-1252)`);
    }
    throw error;
  }
}

/**
 * Splits decoded text into lines (LF, CRLF or lone CR), numbering them from 1. Lines longer
 * than `maxLineLength` are refused with `code` so one runaway line cannot exhaust memory.
 */
export async function* readLines(
  text: AsyncIterable<string>,
  maxLineLength = 1_048_576,
  code: 'mt940_malformed' | 'csv_malformed' = 'mt940_malformed',
): AsyncGenerator<{ line: number; text: string }> {
  let pending = '';
  let line = 0;
  let afterCr = false;
  const tooLong = (at: number) => DomainError.field(code, `line ${at}`, `line ${at}: the line is longer than ${maxLineLength} characters`);
  for await (const chunk of text) {
    let start = 0;
    if (afterCr && chunk.charCodeAt(0) === 10) start = 1; // the LF of a CRLF split across chunks
    afterCr = false;
    const breaks = new LineBreaks(chunk);
    for (let end = breaks.next(start); end !== -1; end = breaks.next(start)) {
      const lineText = pending + chunk.slice(start, end);
      line += 1;
      if (lineText.length > maxLineLength) throw tooLong(line);
      yield { line, text: lineText };
      pending = '';
      const crlf = chunk.charCodeAt(end) === 13 && chunk.charCodeAt(end + 1) === 10;
      if (chunk.charCodeAt(end) === 13 && end + 1 === chunk.length) afterCr = true;
      start = end + (crlf ? 2 : 1);
    }
    pending += chunk.slice(start);
    if (pending.length > maxLineLength) throw tooLong(line + 1);
  }
  if (pending.length > 0) yield { line: line + 1, text: pending };
}

/** Finds line breaks (LF or CR) left to right with native scans, each character looked at once. */
class LineBreaks {
  private lf = -2;
  private cr = -2;

  constructor(private readonly text: string) {}

  next(from: number): number {
    if (this.lf !== -1 && this.lf < from) this.lf = this.text.indexOf('\n', from);
    if (this.cr !== -1 && this.cr < from) this.cr = this.text.indexOf('\r', from);
    if (this.lf === -1) return this.cr;
    if (this.cr === -1) return this.lf;
    return Math.min(this.lf, this.cr);
  }
}
