/**
 * The `:86:` information to the account owner, in the three shapes banks send:
 * - German DFÜ/ZKA: `166?00GUTSCHRIFT?20EREF+PED-1001?21SVWZ+Rechnung 4711?32Max Mustermann`,
 *   a GVC code then `?NN` subfields, with SEPA keys (`EREF+`, `SVWZ+`, ...) in the purpose lines;
 * - SWIFT `/CODE/value`: `/EREF/PED-1001/REMI/Invoice 4711/ORDP/ACME GmbH` (ING, ABN AMRO, ...);
 * - anything else is free text.
 */
export interface Mt940Information {
  /** ZKA business transaction code (Geschäftsvorfallcode), e.g. `166`. */
  gvc: string | null;
  /** ZKA `?00`. */
  bookingText: string | null;
  /** EREF: the payer's end-to-end reference. */
  endToEndReference: string | null;
  /** KREF: the customer reference. */
  customerReference: string | null;
  /** MREF (ING: MARF): the SEPA direct-debit mandate. */
  mandateReference: string | null;
  description: string | null;
  counterparty: string | null;
}

const ZKA_START = /^\d{3}\?/;
const SEPA_KEY = /(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+/g;
const SWIFT_CODE =
  /\/(EREF|KREF|MREF|MARF|CRED|CSID|REMI|ORDP|BENM|NAME|IREF|PREF|CNTP|TRCD|TRTP|PURP|RTRN|ULTC|ULTD|ULTB|ISDT|BUSP|IBAN|BIC|ADDR|SVWZ|ACCW|OCMT|CHGS|EXCH)\//g;
const REMITTANCE_PREFIX = /^(?:USTD\/\/|STRD\/CUR\/)/;
/** SEPA's and ING's ways of writing "no reference". */
const NO_REFERENCE = new Set(['NOTPROVIDED', 'NONREF']);

/**
 * Reads a `:86:` from its physical lines. Structured forms are joined WITHOUT a separator
 * (banks cut them at a fixed width, even inside a word or a `?NN` tag); free text lines are
 * lines of text and are joined with a space.
 */
export function parseInformation(lines: readonly string[]): Mt940Information {
  const text = lines.join('');
  if (ZKA_START.test(text)) return parseZka(text);
  const swift = parseSwiftCodes(text.trim());
  if (swift !== null) return swift;
  return information(null, null, null, null, null, joinLines(lines), null);
}

/** Built in one place with one shape: object spreads are slow on a million entries. */
function information(
  gvc: string | null,
  bookingText: string | null,
  endToEndReference: string | null,
  customerReference: string | null,
  mandateReference: string | null,
  description: string | null,
  counterparty: string | null,
): Mt940Information {
  return { gvc, bookingText, endToEndReference, customerReference, mandateReference, description, counterparty };
}

function parseZka(text: string): Mt940Information {
  const purposes: string[] = [];
  let bookingText: string | null = null;
  let name = '';
  let tagAt = nextSubfield(text, 3);
  while (tagAt >= 0) {
    const tag = (text.charCodeAt(tagAt + 1) - 48) * 10 + (text.charCodeAt(tagAt + 2) - 48);
    const nextAt = nextSubfield(text, tagAt + 3);
    const value = text.slice(tagAt + 3, nextAt < 0 ? text.length : nextAt);
    if (tag === 0) bookingText = textOrNull(value);
    else if ((tag >= 20 && tag <= 29) || (tag >= 60 && tag <= 63)) purposes.push(value);
    else if (tag === 32 || tag === 33) name += value;
    tagAt = nextAt;
  }
  const purpose = readPurpose(purposes);
  const { endToEndReference, customerReference, mandateReference, description } = purpose;
  return information(text.slice(0, 3), bookingText, endToEndReference, customerReference, mandateReference, description, textOrNull(name));
}

/** The index of the next `?NN` subfield tag from `from`, or -1. */
function nextSubfield(text: string, from: number): number {
  for (let at = text.indexOf('?', from); at >= 0; at = text.indexOf('?', at + 1)) {
    if (isDigit(text.charCodeAt(at + 1)) && isDigit(text.charCodeAt(at + 2))) return at;
  }
  return -1;
}

function isDigit(char: number): boolean {
  return char >= 48 && char <= 57;
}

/**
 * SEPA purposes run on from one 27-character purpose line to the next, so the lines are joined
 * without a separator before the keys are found. Purposes without SEPA keys are plain lines.
 */
function readPurpose(purposes: readonly string[]): Omit<Mt940Information, 'gvc' | 'bookingText' | 'counterparty'> {
  const text = purposes.join('');
  const keyed = keyedValues(text, SEPA_KEY);
  if (keyed === null) {
    return { endToEndReference: null, customerReference: null, mandateReference: null, description: joinLines(purposes) };
  }
  return {
    endToEndReference: referenceOrNull(keyed.get('EREF')),
    customerReference: referenceOrNull(keyed.get('KREF')),
    mandateReference: referenceOrNull(keyed.get('MREF')),
    description: textOrNull(keyed.get('SVWZ')) ?? textOrNull(keyed.get('')),
  };
}

function parseSwiftCodes(text: string): Mt940Information | null {
  if (!text.startsWith('/')) return null;
  const coded = keyedValues(text, SWIFT_CODE);
  if (coded === null || coded.has('')) return null;
  const value = (code: string): string | null => textOrNull(withoutTrailingSlashes(coded.get(code)));
  return information(
    null,
    null,
    referenceOrNull(value('EREF')),
    referenceOrNull(value('KREF')),
    referenceOrNull(value('MREF') ?? value('MARF')),
    textOrNull(value('REMI')?.replace(REMITTANCE_PREFIX, '')) ?? value('SVWZ'),
    value('ORDP') ?? value('BENM') ?? value('NAME') ?? counterpartyName(value('CNTP')),
  );
}

/** ING's `/CNTP/account/BIC/name/city/`. */
function counterpartyName(value: string | null): string | null {
  return value === null ? null : textOrNull(value.split('/')[2]);
}

/**
 * Splits `text` at each `pattern` match (group 1 is the code) into code → value, the first
 * value of a code winning; text before the first match is under ''. Null when nothing matches.
 */
function keyedValues(text: string, pattern: RegExp): Map<string, string> | null {
  pattern.lastIndex = 0;
  const values = new Map<string, string>();
  let code = '';
  let start = 0;
  let found = false;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (found || match.index > 0) setFirst(values, code, text.slice(start, match.index));
    found = true;
    code = match[1];
    start = pattern.lastIndex;
  }
  if (!found) return null;
  setFirst(values, code, text.slice(start));
  return values;
}

/** ING closes values with `/` (`/EREF/PED-1001//CNTP/...`). A loop, not `/\/+$/`, which is quadratic on long runs of slashes. */
function withoutTrailingSlashes(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}

function setFirst(values: Map<string, string>, code: string, value: string): void {
  if (!values.has(code)) values.set(code, value);
}

function joinLines(lines: readonly string[]): string | null {
  let text = '';
  for (const line of lines) {
    const part = line.trim();
    if (part.length > 0) text = text.length === 0 ? part : `${text} ${part}`;
  }
  return text.length === 0 ? null : text;
}

function textOrNull(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return trimmed.length === 0 ? null : trimmed;
}

function referenceOrNull(text: string | null | undefined): string | null {
  const value = textOrNull(text);
  return value === null || NO_REFERENCE.has(value) ? null : value;
}
