import { DomainError } from '@concilia/domain';

const CAMT053_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$/;
const ISO20022_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.\d{3}\.\d{2}$/;
const STATEMENT_ELEMENT = 'BkToCstmrStmt';

/** ISO 20022 messages a bank export is mistaken for most often, by message and by root element. */
const KNOWN_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['camt.052', 'camt.052 (account report)'],
  ['camt.053', 'camt.053 (bank statement)'],
  ['camt.054', 'camt.054 (debit/credit notification)'],
  ['pain.001', 'pain.001 (credit transfer initiation)'],
  ['pain.008', 'pain.008 (direct debit initiation)'],
]);
const MESSAGE_ELEMENTS: ReadonlyMap<string, string> = new Map([
  ['BkToCstmrAcctRpt', 'camt.052'],
  ['BkToCstmrDbtCdtNtfctn', 'camt.054'],
  ['CstmrCdtTrfInitn', 'pain.001'],
  ['CstmrDrctDbtInitn', 'pain.008'],
]);

function unsupported(line: number, what: string): DomainError {
  return DomainError.field(
    'unsupported_message_type',
    'Document',
    `line ${line}: the file is ${what}; only camt.053 bank statements (Document/BkToCstmrStmt, version 001.02 or later) are read`,
  );
}

function describeNamespace(uri: string): string {
  const iso = ISO20022_NAMESPACE.exec(uri);
  if (iso) return `${KNOWN_MESSAGES.get(iso[1]) ?? 'another ISO 20022 message'}: ${uri}`;
  return `an XML document in namespace '${uri.slice(0, 100)}'`;
}

/** The root must be `Document` in a camt.053.001.02+ namespace, or in none (some banks omit it). */
export function checkDocumentElement(local: string, uri: string, line: number): void {
  if (local !== 'Document') throw unsupported(line, `an XML document with root element <${local.slice(0, 100)}>`);
  if (uri === '') return;
  const camt053 = CAMT053_NAMESPACE.exec(uri);
  if (camt053 && Number(camt053[1]) >= 2) return;
  throw unsupported(line, camt053 ? `camt.053.001.${camt053[1]}, a version older than 001.02` : describeNamespace(uri));
}

/** The message element inside `Document`. */
export function checkMessageElement(local: string, line: number): void {
  if (local === STATEMENT_ELEMENT) return;
  const message = MESSAGE_ELEMENTS.get(local);
  throw unsupported(line, message ? (KNOWN_MESSAGES.get(message) ?? message) : `a Document holding <${local.slice(0, 100)}>`);
}
