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
  for await (const chunk of text) {
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const char = chunk.charCodeAt(i);
      if (afterCr) {
        afterCr = false;
        if (char === 10) {
          start = i + 1; // the LF of a CRLF, possibly in the next chunk
          continue;
        }
      }
      if (char === 10 || char === 13) {
        line += 1;
        yield { line, text: pending + chunk.slice(start, i) };
        pending = '';
        start = i + 1;
        afterCr = char === 13;
      }
    }
    pending += chunk.slice(start);
    if (pending.length > maxLineLength) {
      throw DomainError.field(code, `line ${line + 1}`, `line ${line + 1} is longer than ${maxLineLength} characters`);
    }
  }
  if (pending.length > 0) yield { line: line + 1, text: pending };
}
