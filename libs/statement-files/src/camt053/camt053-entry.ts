import { formatAmount, sumMinor } from '@concilia/domain';
import type { ParsedEntry, RowProblem, StatementFileEvent } from '../statement-file.types';
import type { CamtField } from './camt053-paths';
import { type AmountSource, type Checked, problem, problemsOf, quoted, readDate, readSignedAmount, type SignedAmount } from './camt053-values';
import type { FieldRecord } from './field-record';

export interface EntryContext {
  statementId: string | null;
  includeNotBooked: boolean;
}

interface EntryDates {
  date: string;
  valueDate: string | null;
}

/** What every entry read from one `Ntry` shares. */
interface EntryBase {
  entry: FieldRecord;
  context: EntryContext;
  status: string;
  amount: SignedAmount;
  dates: EntryDates;
}

/** What differs between the entries of a split batch. */
interface EntryParts {
  line: number;
  externalId: string | null;
  amount: bigint;
  /** Whether the other party is the debtor (the payer of a credit) or the creditor. */
  counterpartyIsDebtor: boolean;
  /** The `TxDtls` this entry takes its references, description and counterparty from. */
  details: readonly FieldRecord[];
  /** Records to take the bank transaction code from, most specific first. */
  codeSources: readonly FieldRecord[];
}

const ENTRY_AMOUNT: AmountSource = { amount: 'amount', currency: 'currency', label: 'Ntry/Amt' };
const DETAILS_AMOUNT: AmountSource = { amount: 'amount', currency: 'currency', label: 'TxDtls/Amt' };
const DETAILS_TRANSACTION_AMOUNT: AmountSource = {
  amount: 'transactionAmount',
  currency: 'transactionCurrency',
  label: 'TxDtls/AmtDtls/TxAmt/Amt',
};
const REFERENCE_FIELDS: readonly CamtField[] = ['endToEndId', 'transactionId', 'instructionId', 'messageId', 'paymentInformationId'];
const NOT_PROVIDED = 'NOTPROVIDED';

/**
 * Maps one closed `Ntry` to events: an entry, one entry per `TxDtls` of a batch, a `skipped`
 * for an entry that is not booked, or the entry's row problems (`required`, `amount_*`,
 * `currency_unknown`, `date_invalid`, and the camt-specific `credit_debit_invalid` and
 * `batch_sum_mismatch`).
 */
export function mapEntry(entry: FieldRecord, context: EntryContext): StatementFileEvent[] {
  const status = entry.get('status');
  if (status === null) return problemEvents([problem(entry.line, 'Ntry/Sts', 'required', 'the entry has no status (Sts)')]);
  if (status !== 'BOOK' && !context.includeNotBooked) {
    return [{ type: 'skipped', line: entry.line, reason: `entry status ${quoted(status)} is not booked (BOOK)` }];
  }
  const amount = readSignedAmount(entry, ENTRY_AMOUNT, entry.get('creditDebit'), 'Ntry/CdtDbtInd');
  const dates = readEntryDates(entry);
  if (!amount.ok || !dates.ok) return problemEvents([...problemsOf(amount), ...problemsOf(dates)]);
  const base: EntryBase = { entry, context, status, amount: amount.value, dates: dates.value };
  const sources = batchAmountSources(entry.children, amount.value.currency);
  return sources ? splitBatch(base, sources) : [entryEvent(singleEntry(base))];
}

function problemEvents(problems: readonly RowProblem[]): StatementFileEvent[] {
  return problems.map((problem) => ({ type: 'problem', problem }));
}

function entryEvent(entry: ParsedEntry): StatementFileEvent {
  return { type: 'entry', entry };
}

function readEntryDates(entry: FieldRecord): Checked<EntryDates> {
  const booking = readDate(entry, 'bookingDate', 'bookingDateTime', 'Ntry/BookgDt');
  const value = readDate(entry, 'valueDate', 'valueDateTime', 'Ntry/ValDt');
  if (!booking.ok || !value.ok) return { ok: false, problems: [...problemsOf(booking), ...problemsOf(value)] };
  const date = booking.value ?? value.value;
  if (date === null) {
    return {
      ok: false,
      problems: [problem(entry.line, 'Ntry/BookgDt', 'required', 'the entry has neither a booking date (BookgDt) nor a value date (ValDt)')],
    };
  }
  return { ok: true, value: { date, valueDate: value.value } };
}

function singleEntry(base: EntryBase): ParsedEntry {
  const { entry } = base;
  return buildEntry(base, {
    line: entry.line,
    externalId: entry.get('servicerReference'),
    amount: base.amount.minor,
    counterpartyIsDebtor: counterpartyIsDebtor(entry.get('creditDebit'), base),
    details: entry.children,
    codeSources: entry.children.length === 1 ? [entry, entry.children[0]] : [entry],
  });
}

/** Each `TxDtls`' own amount, when every one of several has one in the entry's currency. */
function batchAmountSources(details: readonly FieldRecord[], currency: string): AmountSource[] | null {
  if (details.length < 2) return null;
  const sources: AmountSource[] = [];
  for (const record of details) {
    const source = ownAmountSource(record, currency);
    if (source === null) return null;
    sources.push(source);
  }
  return sources;
}

function ownAmountSource(details: FieldRecord, currency: string): AmountSource | null {
  if (details.get('amount') !== null && details.get('currency') === currency) return DETAILS_AMOUNT;
  if (details.get('transactionAmount') !== null && details.get('transactionCurrency') === currency) return DETAILS_TRANSACTION_AMOUNT;
  return null;
}

function splitBatch(base: EntryBase, sources: readonly AmountSource[]): StatementFileEvent[] {
  const { entry } = base;
  const amounts: bigint[] = [];
  const problems: RowProblem[] = [];
  entry.children.forEach((details, index) => {
    const amount = readSignedAmount(details, sources[index], detailsIndicator(entry, details), 'TxDtls/CdtDbtInd');
    if (amount.ok) amounts.push(amount.value.minor);
    else problems.push(...amount.problems);
  });
  if (problems.length > 0) return problemEvents(problems);
  const total = sumMinor(amounts);
  if (total !== base.amount.minor) {
    const currency = base.amount.currency;
    const message = `the ${amounts.length} transaction details add up to ${formatAmount(total, currency)} ${currency} but the entry amount is ${formatAmount(base.amount.minor, currency)} ${currency}`;
    return problemEvents([problem(entry.line, 'Ntry/NtryDtls', 'batch_sum_mismatch', message)]);
  }
  return entry.children.map((details, index) => entryEvent(batchEntry(base, details, index, amounts[index])));
}

function isReversal(entry: FieldRecord): boolean {
  const indicator = entry.get('reversal');
  return indicator === 'true' || indicator === '1';
}

/**
 * The payer of a credit, the payee of a debit. A reversal's related parties are those of the
 * transaction it reverses, which went the other way.
 */
function counterpartyIsDebtor(indicator: string | null, base: EntryBase): boolean {
  return (indicator === 'CRDT') !== isReversal(base.entry);
}

function detailsIndicator(entry: FieldRecord, details: FieldRecord): string | null {
  return details.get('creditDebit') ?? entry.get('creditDebit');
}

/**
 * A transaction of a batch entry is known by its own AcctSvcrRef, or by the entry's with its
 * position (`REF/2`). Some banks copy the entry's reference into every transaction: that copy
 * is no identity of its own, so the position is added to it too.
 */
function batchEntry(base: EntryBase, details: FieldRecord, index: number, amount: bigint): ParsedEntry {
  const entryReference = base.entry.get('servicerReference');
  const ownReference = details.get('servicerReference');
  const positional = entryReference === null ? null : `${entryReference}/${index + 1}`;
  return buildEntry(base, {
    line: details.line,
    externalId: ownReference !== null && ownReference !== entryReference ? ownReference : positional,
    amount,
    counterpartyIsDebtor: counterpartyIsDebtor(detailsIndicator(base.entry, details), base),
    details: [details],
    codeSources: [details, base.entry],
  });
}

function buildEntry(base: EntryBase, parts: EntryParts): ParsedEntry {
  return {
    line: parts.line,
    externalId: parts.externalId,
    amount: parts.amount,
    currency: base.amount.currency,
    date: base.dates.date,
    valueDate: base.dates.valueDate,
    releaseType: null,
    references: referencesOf(parts.details),
    description: descriptionOf(parts.details, base.entry),
    status: null,
    counterparty: counterpartyOf(parts.details, parts.counterpartyIsDebtor),
    metadata: metadataOf(base, parts.codeSources),
  };
}

function referencesOf(details: readonly FieldRecord[]): string[] {
  const references = new Set<string>();
  const keep = (value: string | null): void => {
    if (value !== null && value.toUpperCase() !== NOT_PROVIDED) references.add(value);
  };
  for (const record of details) {
    for (const field of REFERENCE_FIELDS) keep(record.get(field));
    record.getAll('creditorReference').forEach(keep);
    record.getAll('unstructured').forEach(keep);
  }
  return [...references];
}

function descriptionOf(details: readonly FieldRecord[], entry: FieldRecord): string | null {
  const lines: string[] = [];
  for (const record of details) lines.push(...record.getAll('unstructured'));
  if (lines.length > 0) return lines.join(' ');
  const additional = details.find((record) => record.get('additionalInfo') !== null);
  return additional?.get('additionalInfo') ?? entry.get('additionalInfo');
}

/** The party's name, or null when the details name different parties. */
function counterpartyOf(details: readonly FieldRecord[], isDebtor: boolean): string | null {
  const field: CamtField = isDebtor ? 'debtorName' : 'creditorName';
  const names = new Set<string>();
  for (const record of details) {
    const name = record.get(field);
    if (name !== null) names.add(name);
  }
  return names.size === 1 ? [...names][0] : null;
}

function metadataOf(base: EntryBase, codeSources: readonly FieldRecord[]): Record<string, unknown> | null {
  const metadata: Record<string, unknown> = {};
  const code = codeSources.map(bankTransactionCode).find((value) => value !== null);
  if (code) metadata['bankTransactionCode'] = code;
  if (base.context.statementId !== null) metadata['statementId'] = base.context.statementId;
  if (isReversal(base.entry)) metadata['reversal'] = true;
  const entryReference = base.entry.get('entryReference');
  if (entryReference !== null) metadata['entryReference'] = entryReference;
  if (base.status !== 'BOOK') metadata['entryStatus'] = base.status;
  return Object.keys(metadata).length > 0 ? metadata : null;
}

/** `PMNT/RCDT/ESCT` (domain/family/sub-family) or the proprietary code. */
function bankTransactionCode(record: FieldRecord): string | null {
  const domain = record.get('domainCode');
  const family = record.get('familyCode');
  const subFamily = record.get('subFamilyCode');
  if (domain !== null && family !== null && subFamily !== null) return `${domain}/${family}/${subFamily}`;
  return record.get('proprietaryCode');
}
