import { formatAmount } from '@concilia/domain';

/**
 * Test helper: writes ISO 20022 camt.053 bank statements (what `readCamt053` reads) in the
 * element order of the schema of the chosen version. `camt053Chunks` streams (a statement's
 * entries may be a generator of a million rows); `writeCamt053` returns the whole text.
 */

/** One `TxDtls` of an entry. */
export interface Camt053WriterDetails {
  /** Signed minor units, written as `TxDtls/Amt` (001.03+) or `AmtDtls/TxAmt/Amt` (001.02); omitted when null. */
  amount?: bigint | null;
  /** Default: the entry's currency. */
  currency?: string;
  /** `Refs/AcctSvcrRef`. */
  accountServicerReference?: string | null;
  endToEndId?: string | null;
  transactionId?: string | null;
  instructionId?: string | null;
  messageId?: string | null;
  paymentInformationId?: string | null;
  /** `RmtInf/Strd/CdtrRefInf/Ref`. */
  creditorReference?: string | null;
  /** `RmtInf/Ustrd` lines. */
  unstructured?: readonly string[];
  /** `AddtlTxInf`. */
  additionalInfo?: string | null;
  /** `RltdPties/Dbtr/Nm` (≤ 001.07) or `RltdPties/Dbtr/Pty/Nm` (001.08+). */
  debtorName?: string | null;
  creditorName?: string | null;
}

export interface Camt053WriterEntry {
  /** Signed minor units: + is money in (CRDT), - money out (DBIT). */
  amount: bigint;
  currency: string;
  /** YYYY-MM-DD. */
  bookingDate: string;
  valueDate?: string | null;
  /** Writes `DtTm` (`<date>T12:00:00+01:00`) instead of `Dt`. */
  dateTimes?: boolean;
  /** Default BOOK. */
  status?: string;
  /** `RvslInd` true. */
  reversal?: boolean;
  /** `NtryRef`. */
  entryReference?: string | null;
  /** `AcctSvcrRef`. */
  accountServicerReference?: string | null;
  /** `PMNT/RCDT/ESCT` is written as `Domn`, anything else as `Prtry/Cd`. */
  bankTransactionCode?: string | null;
  /** `AddtlNtryInf`. */
  additionalInfo?: string | null;
  details?: readonly Camt053WriterDetails[];
}

export interface Camt053WriterStatement {
  id: string;
  iban?: string | null;
  /** `Acct/Id/Othr/Id`, written when there is no IBAN. */
  otherAccountId?: string | null;
  currency?: string | null;
  /** Signed minor units in `currency` (EUR when absent); written as OPBD and CLBD when given. */
  openingBalance?: bigint | null;
  closingBalance?: bigint | null;
  entries: Iterable<Camt053WriterEntry>;
}

export interface Camt053WriteOptions {
  /** The `NN` of camt.053.001.NN, 2 to 13; default 8. */
  version?: number;
  /** Writes every element with this namespace prefix (`ns2:Document`). */
  prefix?: string | null;
  /** The declaration's encoding; the caller encodes the text accordingly. Default UTF-8. */
  encoding?: string;
  messageId?: string;
}

const DOMAIN_CODE = /^([A-Z]{4})\/([A-Z]{4})\/([A-Z]{4})$/;
const INDENT = '  ';
const INDENTS = Array.from({ length: 16 }, (_, depth) => INDENT.repeat(depth));
const ESCAPED = /[&<>"']/g;
const NEEDS_ESCAPE = /[&<>"']/;

function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (char) => `&#${char.charCodeAt(0)};`) : text;
}

const PATHS = new Map<string, readonly string[]>();

function pathNames(path: string): readonly string[] {
  let names = PATHS.get(path);
  if (!names) {
    names = path.split('/');
    PATHS.set(path, names);
  }
  return names;
}

/** Builds indented XML lines for one chunk at a time. */
class XmlLines {
  private text = '';

  constructor(
    private readonly prefix: string,
    private depth = 0,
  ) {}

  open(name: string): this {
    this.text += `${INDENTS[this.depth]}<${this.prefix}${name}>\n`;
    this.depth += 1;
    return this;
  }

  close(name: string): this {
    this.depth -= 1;
    this.text += `${INDENTS[this.depth]}</${this.prefix}${name}>\n`;
    return this;
  }

  /** A text element; nothing when the value is null or undefined. */
  leaf(name: string, value: string | null | undefined, attributes = ''): this {
    if (value === null || value === undefined) return this;
    this.text += `${INDENTS[this.depth]}<${this.prefix}${name}${attributes}>${escapeXml(value)}</${this.prefix}${name}>\n`;
    return this;
  }

  /** `path` like `BookgDt/Dt`: opens each level, writes the leaf, closes again. */
  nested(path: string, value: string | null | undefined, attributes = ''): this {
    if (value === null || value === undefined) return this;
    const names = pathNames(path);
    const last = names.length - 1;
    for (let index = 0; index < last; index += 1) this.open(names[index]);
    this.leaf(names[last], value, attributes);
    for (let index = last - 1; index >= 0; index -= 1) this.close(names[index]);
    return this;
  }

  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

interface WriterContext {
  version: number;
  prefix: string;
}

function amountXml(xml: XmlLines, name: string, amount: bigint, currency: string): void {
  xml.leaf(name, formatAmount(amount < 0n ? -amount : amount, currency), ` Ccy="${escapeXml(currency)}"`);
}

function direction(amount: bigint): string {
  return amount < 0n ? 'DBIT' : 'CRDT';
}

function balanceXml(xml: XmlLines, type: string, amount: bigint, currency: string): void {
  xml.open('Bal').nested('Tp/CdOrPrtry/Cd', type);
  amountXml(xml, 'Amt', amount, currency);
  xml.leaf('CdtDbtInd', direction(amount)).close('Bal');
}

function statementHeader(statement: Camt053WriterStatement, context: WriterContext): string {
  const xml = new XmlLines(context.prefix, 2);
  xml.open('Stmt').leaf('Id', statement.id).leaf('CreDtTm', '2026-02-01T05:00:00+01:00').open('Acct').open('Id');
  if (statement.iban) xml.leaf('IBAN', statement.iban);
  else xml.nested('Othr/Id', statement.otherAccountId ?? statement.id);
  xml.close('Id').leaf('Ccy', statement.currency).close('Acct');
  const currency = statement.currency ?? 'EUR';
  if (statement.openingBalance != null) balanceXml(xml, 'OPBD', statement.openingBalance, currency);
  if (statement.closingBalance != null) balanceXml(xml, 'CLBD', statement.closingBalance, currency);
  return xml.take();
}

function dateXml(xml: XmlLines, name: string, date: string | null | undefined, dateTimes: boolean): void {
  if (date === null || date === undefined) return;
  xml.nested(dateTimes ? `${name}/DtTm` : `${name}/Dt`, dateTimes ? `${date}T12:00:00+01:00` : date);
}

function bankTransactionCodeXml(xml: XmlLines, code: string | null | undefined): void {
  if (code === null || code === undefined) return;
  const domain = DOMAIN_CODE.exec(code);
  xml.open('BkTxCd');
  if (domain) {
    xml.open('Domn').leaf('Cd', domain[1]).open('Fmly').leaf('Cd', domain[2]).leaf('SubFmlyCd', domain[3]).close('Fmly').close('Domn');
  } else {
    xml.nested('Prtry/Cd', code);
  }
  xml.close('BkTxCd');
}

function partyXml(xml: XmlLines, role: 'Dbtr' | 'Cdtr', name: string | null | undefined, context: WriterContext): void {
  xml.nested(context.version >= 8 ? `${role}/Pty/Nm` : `${role}/Nm`, name);
}

function referencesXml(xml: XmlLines, details: Camt053WriterDetails): void {
  const references = [
    ['MsgId', details.messageId],
    ['AcctSvcrRef', details.accountServicerReference],
    ['PmtInfId', details.paymentInformationId],
    ['InstrId', details.instructionId],
    ['EndToEndId', details.endToEndId],
    ['TxId', details.transactionId],
  ] as const;
  if (references.every(([, value]) => value === null || value === undefined)) return;
  xml.open('Refs');
  for (const [name, value] of references) xml.leaf(name, value);
  xml.close('Refs');
}

function detailsAmountXml(xml: XmlLines, details: Camt053WriterDetails, entry: Camt053WriterEntry, context: WriterContext): void {
  if (details.amount === null || details.amount === undefined) return;
  const currency = details.currency ?? entry.currency;
  if (context.version >= 3) {
    amountXml(xml, 'Amt', details.amount, currency);
    xml.leaf('CdtDbtInd', direction(details.amount));
  } else {
    xml.open('AmtDtls').open('TxAmt');
    amountXml(xml, 'Amt', details.amount, currency);
    xml.close('TxAmt').close('AmtDtls');
  }
}

function remittanceXml(xml: XmlLines, details: Camt053WriterDetails): void {
  const lines = details.unstructured ?? [];
  if (lines.length === 0 && !details.creditorReference) return;
  xml.open('RmtInf');
  lines.forEach((line) => xml.leaf('Ustrd', line));
  if (details.creditorReference) xml.open('Strd').nested('CdtrRefInf/Ref', details.creditorReference).close('Strd');
  xml.close('RmtInf');
}

function detailsXml(xml: XmlLines, details: Camt053WriterDetails, entry: Camt053WriterEntry, context: WriterContext): void {
  xml.open('TxDtls');
  referencesXml(xml, details);
  detailsAmountXml(xml, details, entry, context);
  if (details.debtorName || details.creditorName) {
    xml.open('RltdPties');
    partyXml(xml, 'Dbtr', details.debtorName, context);
    partyXml(xml, 'Cdtr', details.creditorName, context);
    xml.close('RltdPties');
  }
  remittanceXml(xml, details);
  xml.leaf('AddtlTxInf', details.additionalInfo).close('TxDtls');
}

function statusXml(xml: XmlLines, status: string, context: WriterContext): void {
  if (context.version >= 8) xml.nested('Sts/Cd', status);
  else xml.leaf('Sts', status);
}

function entryXml(entry: Camt053WriterEntry, context: WriterContext): string {
  const xml = new XmlLines(context.prefix, 3);
  xml.open('Ntry').leaf('NtryRef', entry.entryReference);
  amountXml(xml, 'Amt', entry.amount, entry.currency);
  xml.leaf('CdtDbtInd', direction(entry.amount));
  if (entry.reversal) xml.leaf('RvslInd', 'true');
  statusXml(xml, entry.status ?? 'BOOK', context);
  dateXml(xml, 'BookgDt', entry.bookingDate, entry.dateTimes === true);
  dateXml(xml, 'ValDt', entry.valueDate, entry.dateTimes === true);
  xml.leaf('AcctSvcrRef', entry.accountServicerReference);
  bankTransactionCodeXml(xml, entry.bankTransactionCode);
  const details = entry.details ?? [];
  if (details.length > 0) {
    xml.open('NtryDtls');
    details.forEach((item) => detailsXml(xml, item, entry, context));
    xml.close('NtryDtls');
  }
  return xml.leaf('AddtlNtryInf', entry.additionalInfo).close('Ntry').take();
}

/** The document as chunks of text: the header, then one chunk per statement header and per entry. */
export function* camt053Chunks(statements: Iterable<Camt053WriterStatement>, options: Camt053WriteOptions = {}): Generator<string> {
  const version = options.version ?? 8;
  const prefix = options.prefix ? `${options.prefix}:` : '';
  const namespace = `urn:iso:std:iso:20022:tech:xsd:camt.053.001.${String(version).padStart(2, '0')}`;
  const context: WriterContext = { version, prefix };
  const declaration = `<?xml version="1.0" encoding="${options.encoding ?? 'UTF-8'}"?>`;
  const root = `<${prefix}Document xmlns${options.prefix ? `:${options.prefix}` : ''}="${namespace}">`;
  const groupHeader = new XmlLines(prefix, 1)
    .open('BkToCstmrStmt')
    .open('GrpHdr')
    .leaf('MsgId', options.messageId ?? 'CONCILIA-TEST-0001')
    .leaf('CreDtTm', '2026-02-01T05:00:00+01:00')
    .close('GrpHdr')
    .take();
  yield `${declaration}\n${root}\n${groupHeader}`;
  for (const statement of statements) {
    yield statementHeader(statement, context);
    for (const entry of statement.entries) yield entryXml(entry, context);
    yield new XmlLines(prefix, 3).close('Stmt').take();
  }
  yield `${INDENT}</${prefix}BkToCstmrStmt>\n</${prefix}Document>\n`;
}

export function writeCamt053(statements: Iterable<Camt053WriterStatement>, options: Camt053WriteOptions = {}): string {
  return [...camt053Chunks(statements, options)].join('');
}
