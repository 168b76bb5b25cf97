import { DomainError } from '@concilia/domain';
import { STATEMENT_FORMATS, type StatementFormat } from '@concilia/statement-files';

/** Signatures of files that are certainly not statements (images, archives, documents). */
const BINARY_SIGNATURES: { name: string; bytes: number[] }[] = [
  { name: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'gzip data', bytes: [0x1f, 0x8b] },
  { name: 'a ZIP archive (or an XLSX workbook)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a PDF document', bytes: [0x25, 0x50, 0x44, 0x46] },
  { name: 'a 7-Zip archive', bytes: [0x37, 0x7a, 0xbc, 0xaf] },
  { name: 'bzip2 data', bytes: [0x42, 0x5a, 0x68] },
  { name: 'an OLE document (XLS)', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
];

/**
 * Refuses what is not text before any reader sees it (a PNG named .csv, a gzip bomb: nothing is
 * ever decompressed), then returns the format asked for, or the one the first bytes show.
 */
export function resolveFormat(file: { head: Buffer; hasNul: boolean }, requested: string | undefined): StatementFormat {
  if (requested !== undefined && !(STATEMENT_FORMATS as readonly string[]).includes(requested)) {
    throw DomainError.field('validation_failed', 'format', `must be one of ${STATEMENT_FORMATS.join(', ')}`);
  }
  refuseBinary(file);
  return (requested as StatementFormat | undefined) ?? detectFormat(file.head);
}

function refuseBinary({ head, hasNul }: { head: Buffer; hasNul: boolean }): void {
  if (head.length === 0) throw DomainError.field('file_not_text', 'file', 'the file is empty');
  const signature = BINARY_SIGNATURES.find(({ bytes }) => bytes.every((byte, index) => head[index] === byte));
  if (signature) throw DomainError.field('file_not_text', 'file', `the file is ${signature.name}, not a statement (CSV, camt.053 or MT940 text)`);
  if (hasNul) throw DomainError.field('file_not_text', 'file', 'the file contains NUL bytes: it is binary (or UTF-16), not a statement');
}

/** XML is camt.053 (the reader checks the message type); SWIFT blocks or a `:20:` field are MT940; the rest is CSV. */
export function detectFormat(head: Buffer): StatementFormat {
  const text = head.toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '').trimStart();
  if (text.startsWith('<')) return 'camt.053';
  if (/^(\{1:|:20:)/.test(text) || /^:20:/m.test(text.slice(0, 1024))) return 'mt940';
  return 'csv';
}
