import { DomainError } from '@concilia/domain';

/** One MT940 field: its tag (`20`, `61`, `60F`, ...) and its physical lines, tag removed. */
export interface Mt940Field {
  kind: 'field';
  tag: string;
  line: number;
  lines: string[];
}

/** The end of a message (`-`, `-}`, a new SWIFT envelope, or the end of the file). */
export interface Mt940MessageEnd {
  kind: 'end';
  line: number;
}

export type Mt940Token = Mt940Field | Mt940MessageEnd;

/** No line of an MT940 file comes near this; a longer one is refused before it fills memory. */
export const MAX_LINE_LENGTH = 65_536;
/** A field's lines together (a `:86:` is at most 6 × 65 characters by the standard). */
export const MAX_FIELD_LENGTH = 65_536;

const FIELD_TAG = /^:(\d{2}[A-Z]?|NS):/;
/** ING's file header (`0000 01INGBNL2AXXXX00001`, `940 00`) before the first message. */
const FILE_HEADER = /^(?:0000 [0-9A-Z]+|940 00)$/;
const STATEMENT_MESSAGE_TYPES = new Set(['940', '950']);
const NO_TOKENS: readonly Mt940Token[] = [];

/**
 * Groups numbered lines into fields and messages. Lines starting with `:NN[a]:` open a field,
 * other lines continue it; SWIFT envelope blocks `{1:..}{2:..}{3:..}{4:` and `-}{5:..}` are
 * stepped over. A file that does not start with `:20:` (after any envelope) is not MT940.
 */
export class Mt940Tokenizer {
  private field: Mt940Field | null = null;
  private fieldLength = 0;
  private inMessage = false;
  private messages = 0;
  private tokens: Mt940Token[] = [];

  /** The tokens this line completes (usually none or one). */
  accept(line: number, text: string): readonly Mt940Token[] {
    // readLines bounds the text it holds back, not a line that arrives whole in one chunk.
    if (text.length > MAX_LINE_LENGTH) throw malformed(line, `the line is longer than ${MAX_LINE_LENGTH} characters`);
    this.readLine(line, text);
    return this.take();
  }

  finish(lastLine: number): readonly Mt940Token[] {
    this.endMessage(lastLine);
    if (this.messages === 0) throw malformed(Math.max(lastLine, 1), 'the file contains no MT940 statement (no :20: field)');
    return this.take();
  }

  private take(): readonly Mt940Token[] {
    if (this.tokens.length === 0) return NO_TOKENS;
    const tokens = this.tokens;
    this.tokens = [];
    return tokens;
  }

  private readLine(line: number, text: string): void {
    let rest: string | null = text;
    while (rest !== null) rest = this.readSegment(line, rest);
  }

  /** Reads a line, or what follows `{4:` on it; returns text still to read on the same line. */
  private readSegment(line: number, text: string): string | null {
    if (isBlank(text)) return null;
    const first = text.charCodeAt(0);
    if (first === 0x3a /* : */) {
      const tag = FIELD_TAG.exec(text);
      if (tag !== null) return this.openField(line, tag[1], text.slice(tag[0].length));
    } else if (first === 0x2d /* - */ && isMessageEnd(text)) {
      this.endMessage(line);
      return readEnvelope(line, text, text.indexOf('{'));
    } else if (first === 0x7b /* { */) {
      this.endMessage(line);
      return readEnvelope(line, text, 0);
    }
    return this.continueField(line, text);
  }

  private openField(line: number, tag: string, text: string): null {
    if (!this.inMessage) {
      if (tag !== '20') throw malformed(line, `an MT940 statement starts with :20:, not :${tag}:`);
      this.inMessage = true;
      this.messages += 1;
    }
    this.completeField();
    this.field = { kind: 'field', tag, line, lines: [text] };
    this.fieldLength = text.length;
    return null;
  }

  private continueField(line: number, text: string): null {
    const field = this.field;
    if (!this.inMessage || field === null) {
      if (this.messages === 0 && FILE_HEADER.test(text.trim())) return null;
      throw malformed(line, 'not an MT940 statement: expected a :20: field');
    }
    this.fieldLength += text.length;
    if (this.fieldLength > MAX_FIELD_LENGTH) {
      throw malformed(line, `the :${field.tag}: field starting at line ${field.line} is longer than ${MAX_FIELD_LENGTH} characters`);
    }
    field.lines.push(text);
    return null;
  }

  private completeField(): void {
    if (this.field === null) return;
    this.tokens.push(this.field);
    this.field = null;
  }

  private endMessage(line: number): void {
    this.completeField();
    if (!this.inMessage) return;
    this.inMessage = false;
    this.tokens.push({ kind: 'end', line });
  }
}

/**
 * Steps over `{1:...}{2:...}{3:{108:..}}{4:` or `{5:...}` blocks from `from` (-1: none); returns
 * the text after `{4:`, which is the message's first line when it is on the same line.
 */
function readEnvelope(line: number, text: string, from: number): string | null {
  if (from < 0) return null;
  let position = from;
  while (position < text.length && text.charCodeAt(position) === 0x7b /* { */) {
    const colon = text.indexOf(':', position);
    if (colon < 0) break;
    const block = text.slice(position + 1, colon);
    if (block === '4') return text.slice(colon + 1);
    const end = closingBrace(text, colon);
    if (end < 0) throw malformed(line, `SWIFT block {${block.slice(0, 3)}: is not closed on its line`);
    if (block === '2') checkMessageType(line, text.slice(colon + 1, end));
    position = end + 1;
  }
  const rest = text.slice(position).trim();
  if (rest.length > 0 && rest !== '$') throw malformed(line, 'unexpected text after the SWIFT envelope blocks');
  return null;
}

/** `-` ends a message; `-}` ends its text block (a trailer `{5:...}` may follow). */
function isMessageEnd(text: string): boolean {
  const trimmed = text.trimEnd();
  return trimmed === '-' || trimmed.startsWith('-}');
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  return text.charCodeAt(0) <= 0x20 && text.trim().length === 0;
}

/** The index of the `}` that closes the block whose `{` precedes `from`, counting nested blocks. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 0x7b) depth += 1;
    else if (char === 0x7d) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Block 2 is `I940...` (input) or `O940...` (output): only statement messages are read. */
function checkMessageType(line: number, block: string): void {
  const type = block.slice(1, 4);
  if (STATEMENT_MESSAGE_TYPES.has(type)) return;
  const message = `line ${line}: the SWIFT message is an MT${type.replace(/[^0-9A-Za-z]/g, '?')}, not an MT940 statement`;
  throw DomainError.field('unsupported_message_type', `line ${line}`, message);
}

function malformed(line: number, message: string): DomainError {
  return DomainError.field('mt940_malformed', `line ${line}`, `line ${line}: ${message}`);
}
