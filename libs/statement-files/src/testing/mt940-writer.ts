import { formatAmount } from '@concilia/domain';

/**
 * Test helper: writes SWIFT MT940 files (what `readMt940` reads), with balances computed from
 * the entries. `mt940Chunks` streams (entries may be a generator of a million rows);
 * `writeMt940` returns the whole text.
 */

/** The `:86:` of an entry: German DFÜ/ZKA `?NN` subfields, SWIFT `/CODE/value`, or free text. */
export interface Mt940WriterInformation {
  style: 'zka' | 'swift' | 'free';
  /** ZKA business transaction code; default `166`. */
  gvc?: string;
  /** ZKA `?00`. */
  bookingText?: string | null;
  /** EREF. */
  endToEndReference?: string | null;
  /** KREF. */
  customerReference?: string | null;
  /** MREF. */
  mandateReference?: string | null;
  /** ZKA `SVWZ+`, SWIFT `/REMI/`, or the free text. */
  description?: string | null;
  /** ZKA `?32`/`?33`, SWIFT `/ORDP/` (money in) or `/BENM/` (money out). */
  counterparty?: string | null;
  /** ZKA `?30` (bank code or BIC) and `?31` (account or IBAN). */
  counterpartyBank?: string | null;
  counterpartyAccount?: string | null;
}

export interface Mt940WriterEntry {
  /** Signed minor units: + is money in. */
  amount: bigint;
  /** YYYY-MM-DD. */
  valueDate: string;
  /** YYYY-MM-DD, written as MMDD after the value date; omitted when null. */
  entryDate?: string | null;
  /** Writes RC (a reversed credit: money out) or RD (a reversed debit: money in). */
  reversal?: boolean;
  /** Default `NTRF`. */
  transactionType?: string;
  /** Up to 16 characters; `NONREF` when null. */
  customerReference?: string | null;
  /** Up to 16 characters, after `//`. */
  bankReference?: string | null;
  /** The `:61:` second line (34 characters). */
  supplementary?: string | null;
  information?: Mt940WriterInformation | null;
}

export interface Mt940WriterStatement {
  /** `:20:`. */
  reference: string;
  /** `:25:`. */
  accountId: string;
  /** `:28C:`, e.g. `00012/001`. */
  sequence?: string | null;
  currency: string;
  openingBalance: bigint;
  /** YYYY-MM-DD of the opening balance; the closing balance's date defaults to it. */
  openingDate: string;
  closingDate?: string;
  /** `:60M:` instead of `:60F:` (a statement continued from a previous page). */
  intermediateOpening?: boolean;
  /** `:62M:` instead of `:62F:` (a statement continued on a next page). */
  intermediateClosing?: boolean;
  entries: Iterable<Mt940WriterEntry>;
  /** Replaces the computed closing balance (to write a file whose balances do not add up). */
  closingBalance?: bigint;
}

export interface Mt940WriteOptions {
  /** Default CRLF, what banks send. */
  lineEnding?: '\n' | '\r\n';
  /** Wraps each message in SWIFT envelope blocks `{1:}{2:}{3:}{4:` ... `-}{5:}`. */
  envelope?: boolean;
}

/** SWIFT lines are 65 characters; ZKA subfields 27. */
const LINE_WIDTH = 65;
const ZKA_WIDTH = 27;
const ZKA_PURPOSE_TAGS = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'];
const ZKA_NAME_TAGS = ['32', '33'];
const CHUNK_SIZE = 65_536;

export function writeMt940(statements: Iterable<Mt940WriterStatement>, options: Mt940WriteOptions = {}): string {
  let text = '';
  for (const chunk of mt940Chunks(statements, options)) text += chunk;
  return text;
}

/** The file as text chunks of about 64 KB, never holding more than one chunk. */
export function* mt940Chunks(statements: Iterable<Mt940WriterStatement>, options: Mt940WriteOptions = {}): Generator<string> {
  let chunk = '';
  for (const lines of messageLines(statements, options.envelope ?? false)) {
    chunk += lines.join(options.lineEnding ?? '\r\n') + (options.lineEnding ?? '\r\n');
    if (chunk.length >= CHUNK_SIZE) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Each group of lines the file is made of: a statement's header, one per entry, its closing. */
function* messageLines(statements: Iterable<Mt940WriterStatement>, envelope: boolean): Generator<string[]> {
  for (const statement of statements) {
    yield headerLines(statement, envelope);
    let closing = statement.openingBalance;
    for (const entry of statement.entries) {
      closing += entry.amount;
      yield entryLines(entry, statement.currency);
    }
    yield closingLines(statement, statement.closingBalance ?? closing, envelope);
  }
}

function headerLines(statement: Mt940WriterStatement, envelope: boolean): string[] {
  const lines = envelope ? [envelopeHeader(statement)] : [];
  lines.push(`:20:${statement.reference}`, `:25:${statement.accountId}`);
  if (statement.sequence) lines.push(`:28C:${statement.sequence}`);
  const tag = statement.intermediateOpening ? '60M' : '60F';
  lines.push(`:${tag}:${balance(statement.openingBalance, statement.openingDate, statement.currency)}`);
  return lines;
}

function closingLines(statement: Mt940WriterStatement, closing: bigint, envelope: boolean): string[] {
  const tag = statement.intermediateClosing ? '62M' : '62F';
  const date = statement.closingDate ?? statement.openingDate;
  return [`:${tag}:${balance(closing, date, statement.currency)}`, envelope ? '-}{5:{CHK:1A2B3C4D5E6F}}' : '-'];
}

function envelopeHeader(statement: Mt940WriterStatement): string {
  const date = swiftDate(statement.openingDate);
  return `{1:F01DEUTDEFFAXXX0000000000}{2:O9401200${date}DEUTDEFFAXXX00000000002601311200N}{3:{108:${statement.reference.slice(0, 16)}}}{4:`;
}

function entryLines(entry: Mt940WriterEntry, currency: string): string[] {
  const lines = [statementLine(entry, currency)];
  if (entry.supplementary) lines.push(entry.supplementary);
  const information = entry.information ? informationText(entry.information, entry.amount) : null;
  if (information !== null) {
    const [first, ...rest] = information;
    lines.push(`:86:${first}`, ...rest);
  }
  return lines;
}

function statementLine(entry: Mt940WriterEntry, currency: string): string {
  const entryDate = entry.entryDate ? entry.entryDate.slice(5, 7) + entry.entryDate.slice(8, 10) : '';
  const mark = entry.reversal ? (entry.amount < 0n ? 'RC' : 'RD') : entry.amount < 0n ? 'D' : 'C';
  const bank = entry.bankReference ? `//${entry.bankReference}` : '';
  const type = entry.transactionType ?? 'NTRF';
  return `:61:${swiftDate(entry.valueDate)}${entryDate}${mark}${swiftAmount(entry.amount, currency)}${type}${entry.customerReference ?? 'NONREF'}${bank}`;
}

function balance(amount: bigint, date: string, currency: string): string {
  return `${amount < 0n ? 'D' : 'C'}${swiftDate(date)}${currency}${swiftAmount(amount, currency)}`;
}

/** `1234,56`, `100,` (JPY): unsigned, with a decimal comma that is always there. */
function swiftAmount(amount: bigint, currency: string): string {
  const decimal = formatAmount(amount < 0n ? -amount : amount, currency);
  return decimal.includes('.') ? decimal.replace('.', ',') : `${decimal},`;
}

function swiftDate(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** The `:86:` content as physical lines, or null when there is nothing to write. */
function informationText(information: Mt940WriterInformation, amount: bigint): string[] | null {
  if (information.style === 'free') return information.description ? wordWrap(information.description) : null;
  const text = information.style === 'zka' ? zkaText(information) : swiftCodesText(information, amount);
  return text.length === 0 ? null : hardWrap(text);
}

/** SEPA keys each start a purpose subfield and run on over the next ones, 27 characters each. */
function zkaText(information: Mt940WriterInformation): string {
  const purposes: string[] = [];
  for (const [key, value] of [
    ['EREF', information.endToEndReference],
    ['KREF', information.customerReference],
    ['MREF', information.mandateReference],
    ['SVWZ', information.description],
  ] as const) {
    if (value) purposes.push(...cut(`${key}+${value}`, ZKA_WIDTH));
  }
  const names = information.counterparty ? cut(information.counterparty, ZKA_WIDTH) : [];
  let text = `${information.gvc ?? '166'}?00${information.bookingText ?? ''}`;
  text += subfields(ZKA_PURPOSE_TAGS, purposes, 'purpose');
  if (information.counterpartyBank) text += `?30${information.counterpartyBank}`;
  if (information.counterpartyAccount) text += `?31${information.counterpartyAccount}`;
  return text + subfields(ZKA_NAME_TAGS, names, 'counterparty name');
}

function subfields(tags: readonly string[], values: readonly string[], what: string): string {
  if (values.length > tags.length) throw new Error(`the ${what} needs ${values.length} ZKA subfields; ${tags.length} exist`);
  return values.map((value, index) => `?${tags[index]}${value}`).join('');
}

function swiftCodesText(information: Mt940WriterInformation, amount: bigint): string {
  const codes: [string, string | null | undefined][] = [
    ['EREF', information.endToEndReference],
    ['KREF', information.customerReference],
    ['MREF', information.mandateReference],
    ['REMI', information.description],
    [amount < 0n ? 'BENM' : 'ORDP', information.counterparty],
  ];
  return codes.map(([code, value]) => (value ? `/${code}/${value}` : '')).join('');
}

function cut(text: string, width: number): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += width) parts.push(text.slice(start, start + width));
  return parts;
}

/**
 * Cuts structured text every 65 characters, as banks do (inside words and `?NN` tags), moving a
 * cut back where the next line would otherwise read as a new field (`:`), a message end (`-`),
 * an envelope (`{`) or an empty line.
 */
function hardWrap(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (text.length - start > LINE_WIDTH) {
    let end = start + LINE_WIDTH;
    while (end > start + 1 && !startsLineSafely(text, end)) end -= 1;
    lines.push(text.slice(start, end));
    start = end;
  }
  lines.push(text.slice(start));
  return lines;
}

function startsLineSafely(text: string, index: number): boolean {
  const char = text.charCodeAt(index);
  if (char === 0x3a || char === 0x2d || char === 0x7b) return false;
  if (char >= 0xdc00 && char <= 0xdfff) return false; // never split a surrogate pair
  return text.slice(index, index + LINE_WIDTH).trim().length > 0;
}

/** Free text is lines of words: a word that would start a line with `:`, `-` or `{` stays on the line before. */
function wordWrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const fits = line.length + 1 + word.length <= LINE_WIDTH || line.length === 0;
    if (fits || /^[:{-]/.test(word)) line = line.length === 0 ? word : `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}
