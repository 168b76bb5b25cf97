import { DomainError } from '@concilia/domain';
import type { ByteSource } from '../statement-file.types';
import { decodeText, type TextEncoding } from '../text-decoding';

const ENCODING_NAMES: ReadonlyMap<string, TextEncoding> = new Map([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  // ASCII is a subset of UTF-8; strict UTF-8 decoding still refuses bytes ASCII lacks.
  ['us-ascii', 'utf-8'],
  ['ascii', 'utf-8'],
  ['iso-8859-1', 'iso-8859-1'],
  ['iso8859-1', 'iso-8859-1'],
  ['iso_8859-1', 'iso-8859-1'],
  ['latin1', 'iso-8859-1'],
  ['latin-1', 'iso-8859-1'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
]);

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DECLARATION_START = Buffer.from('<?xml', 'latin1');
const DECLARATION_END = Buffer.from('?>', 'latin1');
/** A declaration is a few dozen bytes; more without `?>` is not one. */
const MAX_DECLARATION_BYTES = 1024;
const ENCODING_ATTRIBUTE = /\sencoding\s*=\s*(["'])([^"']*)\1/;

type HeadReading = { encoding: TextEncoding } | 'need-more';

function encodingInvalid(message: string): DomainError {
  return DomainError.field('encoding_invalid', 'file', message);
}

/** The encoding the first bytes declare, or that more bytes are needed to know. */
function readHead(head: Buffer, ended: boolean): HeadReading {
  if (!ended && head.length < UTF8_BOM.length + DECLARATION_START.length) return 'need-more';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw encodingInvalid('line 1: the file is UTF-16; save it as UTF-8, ISO-8859-1 or Windows-1252');
  }
  const hasBom = head.subarray(0, 3).equals(UTF8_BOM);
  const body = hasBom ? head.subarray(3) : head;
  const start = body.subarray(0, DECLARATION_START.length);
  if (!DECLARATION_START.subarray(0, start.length).equals(start)) return { encoding: 'utf-8' };
  const end = body.indexOf(DECLARATION_END);
  if (end < 0) {
    if (ended) return { encoding: 'utf-8' }; // the parser reports the broken declaration
    if (body.length > MAX_DECLARATION_BYTES) {
      throw DomainError.field('xml_malformed', 'line 1', 'line 1: the XML declaration (<?xml ... ?>) is not closed');
    }
    return 'need-more';
  }
  const encoding = declaredEncoding(body.subarray(0, end).toString('latin1'));
  if (hasBom && encoding !== 'utf-8') {
    throw encodingInvalid(`line 1: the file starts with a UTF-8 byte order mark but declares ${encoding.toUpperCase()}`);
  }
  return { encoding };
}

function declaredEncoding(declaration: string): TextEncoding {
  const name = ENCODING_ATTRIBUTE.exec(declaration)?.[2];
  if (name === undefined) return 'utf-8';
  const encoding = ENCODING_NAMES.get(name.toLowerCase());
  if (encoding === undefined) {
    throw encodingInvalid(`line 1: the file declares encoding '${name.slice(0, 40)}'; only UTF-8, ISO-8859-1 and Windows-1252 are read`);
  }
  return encoding;
}

async function* replay(head: Buffer, rest: AsyncIterator<Buffer | Uint8Array>): AsyncGenerator<Buffer | Uint8Array> {
  try {
    if (head.length > 0) yield head;
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

/**
 * The document as text, decoded as its XML declaration says (UTF-8 without one). Only the
 * first bytes, up to the declaration's `?>`, are held back to choose the decoder.
 */
export async function* decodeXml(source: ByteSource): AsyncGenerator<string> {
  const bytes = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let reading: HeadReading = 'need-more';
  try {
    while (reading === 'need-more') {
      const next = await bytes.next();
      if (next.done !== true) head = Buffer.concat([head, next.value]);
      reading = readHead(head, next.done === true);
    }
  } catch (error) {
    await bytes.return?.();
    throw error;
  }
  yield* decodeText(replay(head, bytes), reading.encoding);
}
