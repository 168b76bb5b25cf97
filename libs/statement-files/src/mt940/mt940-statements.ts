import { formatAmount } from '@concilia/domain';
import type { ParsedEntry, ParsedStatement, RowProblem, StatementFileEvent } from '../statement-file.types';
import { parseBalance } from './balance-field';
import { parseInformation, type Mt940Information } from './information-field';
import type { Mt940Field, Mt940Token } from './mt940-tokenizer';
import { parseStatementLine, type Mt940StatementLine } from './statement-line';

/*
 * Row problem codes of this format, besides parseAmount's and `date_invalid`:
 * - `mt940_line_invalid`: a field that cannot be read (`:61:`, a balance, a one-line field with
 *   extra lines), a `:61:` whose currency is unknown (no readable `:60F:`/`:60M:` before it), or a
 *   closing balance in another currency than the opening one;
 * - `mt940_balance_missing`: a statement without its opening or closing balance (a cut file);
 * - `balance_mismatch`: opening balance + movements ≠ closing balance.
 */

/** A `:20:` ... `-` message. */
interface Message {
  line: number;
  reference: string | null;
  sequence: string | null;
  accountId: string | null;
  pages: number;
}

/** A `:60x:` ... `:62x:` page of a message: the movements between two balances. */
interface Page {
  currency: string | null;
  opening: bigint | null;
  movements: bigint;
  /** False once a `:61:` of the page was a row problem: the balance check is then moot. */
  movementsComplete: boolean;
}

interface PendingEntry {
  line: number;
  currency: string;
  statementLine: Mt940StatementLine;
}

const NO_EVENTS: readonly StatementFileEvent[] = [];

/** Turns the tokens of an MT940 file into statements, entries and row problems. */
export class Mt940StatementAssembler {
  private message: Message | null = null;
  private page: Page | null = null;
  private pageClosed = false;
  private pending: PendingEntry | null = null;

  accept(token: Mt940Token): readonly StatementFileEvent[] {
    if (token.kind === 'end') return this.endMessage(token.line);
    if (token.tag === '86') return this.readInformation(token);
    const events = this.flushPending();
    if (token.tag === '20') {
      events.push(...this.endMessage(token.line));
      this.message = { line: token.line, reference: textOrNull(token.lines[0]), sequence: null, accountId: null, pages: 0 };
      checkSingleLine(token, events);
    } else if (this.message !== null) {
      this.readField(this.message, token, events);
    }
    return events;
  }

  private readField(message: Message, field: Mt940Field, events: StatementFileEvent[]): void {
    switch (field.tag) {
      case '25':
        message.accountId = textOrNull(field.lines[0]);
        return checkSingleLine(field, events);
      case '28':
      case '28C':
        message.sequence = textOrNull(field.lines[0]);
        return checkSingleLine(field, events);
      case '60F':
      case '60M':
        return this.openPage(message, field, events);
      case '61':
        return this.readStatementLine(field, events);
      case '62F':
      case '62M':
        return this.closePage(message, field, events);
      default: // :21:, :64:, :65:, :NS: and others carry nothing an entry needs
    }
  }

  private openPage(message: Message, field: Mt940Field, events: StatementFileEvent[]): void {
    if (this.page !== null) this.closeWithoutBalance(message, field.line, events);
    const tag = `:${field.tag}:`;
    const opening = parseBalance(joined(field), field.line, tag);
    pushProblems(events, opening.problems);
    message.pages += 1;
    this.page = { currency: opening.currency, opening: opening.amount, movements: 0n, movementsComplete: true };
    this.pageClosed = false;
  }

  private readStatementLine(field: Mt940Field, events: StatementFileEvent[]): void {
    const page = this.page;
    if (page === null || page.currency === null) {
      const reason = this.pageClosed
        ? 'it follows the closing balance (:62F:/:62M:) of its statement'
        : 'no readable opening balance (:60F:/:60M:) precedes it, so its currency is unknown';
      events.push(problem(field.line, ':61:', 'mt940_line_invalid', `line ${field.line}: :61: cannot be read: ${reason}`));
      if (page !== null) page.movementsComplete = false;
      return;
    }
    const parsed = parseStatementLine(field.lines, field.line, page.currency);
    if (!parsed.ok) {
      pushProblems(events, parsed.problems);
      page.movementsComplete = false;
      return;
    }
    page.movements += parsed.value.amount;
    this.pending = { line: field.line, currency: page.currency, statementLine: parsed.value };
  }

  private readInformation(field: Mt940Field): readonly StatementFileEvent[] {
    const pending = this.pending;
    if (pending === null) return NO_EVENTS; // statement-level information, or that of an unreadable :61:
    this.pending = null;
    return [{ type: 'entry', entry: toEntry(pending, parseInformation(field.lines), this.message?.reference ?? null) }];
  }

  private flushPending(): StatementFileEvent[] {
    const pending = this.pending;
    if (pending === null) return [];
    this.pending = null;
    return [{ type: 'entry', entry: toEntry(pending, null, this.message?.reference ?? null) }];
  }

  private closePage(message: Message, field: Mt940Field, events: StatementFileEvent[]): void {
    const tag = `:${field.tag}:`;
    const closing = parseBalance(joined(field), field.line, tag);
    pushProblems(events, closing.problems);
    const page = this.page;
    if (page === null) {
      const text = `line ${field.line}: ${tag} closing balance without an opening balance (:60F:/:60M:) before it`;
      events.push(problem(field.line, ':60F:', 'mt940_balance_missing', text));
    } else if (closing.currency !== null && page.currency !== null && closing.currency !== page.currency) {
      const text = `line ${field.line}: ${tag} is in ${closing.currency} but the opening balance is in ${page.currency}`;
      events.push(problem(field.line, tag, 'mt940_line_invalid', text));
    } else if (page.movementsComplete && page.currency !== null && page.opening !== null && closing.amount !== null) {
      const balances = { currency: page.currency, opening: page.opening, movements: page.movements, closing: closing.amount };
      checkBalance(balances, field.line, tag, events);
    }
    const currency = page?.currency ?? closing.currency;
    events.push(statementEvent(message, currency, page?.opening ?? null, closing.amount));
    this.page = null;
    this.pageClosed = true;
  }

  /** The end of a message: a page without its closing balance means the file was cut. */
  private endMessage(line: number): StatementFileEvent[] {
    const events = this.flushPending();
    const message = this.message;
    if (message === null) return events;
    if (this.page !== null) this.closeWithoutBalance(message, line, events);
    if (message.pages === 0) {
      const text = `line ${message.line}: the statement has no opening balance (:60F:) nor closing balance (:62F:)`;
      events.push(problem(message.line, ':60F:', 'mt940_balance_missing', text));
    }
    this.message = null;
    this.pageClosed = false;
    return events;
  }

  private closeWithoutBalance(message: Message, line: number, events: StatementFileEvent[]): void {
    const page = this.page;
    if (page === null) return;
    const text = `line ${line}: the statement starting at line ${message.line} ends without its closing balance (:62F:/:62M:)`;
    events.push(problem(line, ':62F:', 'mt940_balance_missing', text));
    events.push(statementEvent(message, page.currency, page.opening, null));
    this.page = null;
  }
}

interface Balances {
  currency: string;
  opening: bigint;
  movements: bigint;
  closing: bigint;
}

function checkBalance({ currency, opening, movements, closing }: Balances, line: number, field: string, events: StatementFileEvent[]): void {
  const expected = opening + movements;
  if (expected === closing) return;
  const amount = (minor: bigint): string => `${formatAmount(minor, currency)} ${currency}`;
  const message =
    `line ${line}: opening balance ${amount(opening)} + movements ${amount(movements)} = ${amount(expected)}, ` +
    `but the closing balance is ${amount(closing)} (difference ${amount(closing - expected)})`;
  events.push(problem(line, field, 'balance_mismatch', message));
}

function statementEvent(message: Message, currency: string | null, opening: bigint | null, closing: bigint | null): StatementFileEvent {
  const statement: ParsedStatement = {
    line: message.line,
    statementId: statementId(message),
    accountId: message.accountId,
    currency,
    openingBalance: opening,
    closingBalance: closing,
  };
  return { type: 'statement', statement };
}

/** `:20:` and `:28C:`: German banks send every statement as `:20:STARTUMSE`, the sequence tells them apart. */
function statementId(message: Message): string | null {
  if (message.sequence === null) return message.reference;
  return message.reference === null ? message.sequence : `${message.reference}/${message.sequence}`;
}

function toEntry(pending: PendingEntry, information: Mt940Information | null, statementReference: string | null): ParsedEntry {
  const line = pending.statementLine;
  return {
    line: pending.line,
    externalId: line.bankReference,
    amount: line.amount,
    currency: pending.currency,
    date: line.date,
    valueDate: line.valueDate,
    releaseType: null,
    references: uniqueReferences(line.customerReference, information),
    description: information?.description ?? null,
    status: null,
    counterparty: information?.counterparty ?? null,
    metadata: entryMetadata(line, information, statementReference),
  };
}

function uniqueReferences(customerReference: string | null, information: Mt940Information | null): string[] {
  const references: string[] = [];
  for (const reference of [customerReference, information?.endToEndReference, information?.customerReference, information?.mandateReference]) {
    if (reference !== null && reference !== undefined && !references.includes(reference)) references.push(reference);
  }
  return references;
}

function entryMetadata(line: Mt940StatementLine, information: Mt940Information | null, statementReference: string | null): Record<string, unknown> {
  const metadata: Record<string, unknown> = { transactionType: line.transactionType };
  if (information?.gvc) metadata['gvc'] = information.gvc;
  if (information?.bookingText) metadata['bookingText'] = information.bookingText;
  if (line.supplementary !== null) metadata['supplementary'] = line.supplementary;
  metadata['statementReference'] = statementReference;
  if (line.reversal) metadata['reversal'] = true;
  return metadata;
}

/** Fields that are one line by the standard; more means the file is not what it claims. */
function checkSingleLine(field: Mt940Field, events: StatementFileEvent[]): void {
  if (field.lines.length === 1) return;
  const message = `line ${field.line}: :${field.tag}: is one line, but text follows it on the next lines`;
  events.push(problem(field.line, `:${field.tag}:`, 'mt940_line_invalid', message));
}

function joined(field: Mt940Field): string {
  return field.lines.length === 1 ? field.lines[0] : field.lines.join('\n');
}

function pushProblems(events: StatementFileEvent[], problems: readonly RowProblem[]): void {
  for (const item of problems) events.push({ type: 'problem', problem: item });
}

function problem(line: number, field: string, code: string, message: string): StatementFileEvent {
  return { type: 'problem', problem: { line, field, code, message } };
}

function textOrNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed.length === 0 ? null : trimmed;
}
