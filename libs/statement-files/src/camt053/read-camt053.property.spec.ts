import { MAX_MINOR_UNITS, MIN_MINOR_UNITS } from '@concilia/domain';
import fc from 'fast-check';
import {
  type Camt053WriterDetails,
  type Camt053WriterEntry,
  type Camt053WriterStatement,
  camt053Chunks,
} from '../testing/camt053-writer';
import type { ParsedEntry, ParsedStatement, StatementFileEvent } from '../statement-file.types';
import { readCamt053 } from './read-camt053';

const CURRENCIES = ['EUR', 'JPY', 'KWD', 'USD', 'CHF', 'BHD'] as const;
const BATCH_LIMIT = 10n ** 15n;
/** What XML 1.0 can carry (no CR: parsers turn it into LF). */
const XML_TEXT = /^[\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;

/** Texts the reader gives back unchanged: trimmed, not empty, not the NOTPROVIDED placeholder. */
function isKeptText(value: string): boolean {
  return value === value.trim() && XML_TEXT.test(value) && value.toUpperCase() !== 'NOTPROVIDED';
}

const unicodeText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('&', '<', '>', '"', "'", ']]>', '&amp;', '€', 'ü', '日本', '😀', ' ', '\t')), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => parts.join(''))
  .filter(isKeptText);

/** Characters ISO-8859-1 and Windows-1252 decode alike. */
const latin1Text = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0xff }).filter((code) => code < 0x7f || code >= 0xa0).map((code) => String.fromCharCode(code)),
    minLength: 1,
    maxLength: 12,
  })
  .filter(isKeptText);

const calendarDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

function detailsArbitrary(text: fc.Arbitrary<string>, amount: fc.Arbitrary<bigint | null>): fc.Arbitrary<Camt053WriterDetails> {
  const optional = fc.option(text, { nil: null });
  return fc.record({
    amount,
    accountServicerReference: optional,
    endToEndId: optional,
    transactionId: optional,
    instructionId: optional,
    messageId: optional,
    paymentInformationId: optional,
    creditorReference: optional,
    unstructured: fc.array(text, { maxLength: 3 }),
    additionalInfo: optional,
    debtorName: optional,
    creditorName: optional,
  });
}

function entryHeader(text: fc.Arbitrary<string>) {
  const optional = fc.option(text, { nil: null });
  return fc.record({
    currency: fc.constantFrom(...CURRENCIES),
    bookingDate: calendarDate,
    valueDate: fc.option(calendarDate, { nil: null }),
    dateTimes: fc.boolean(),
    reversal: fc.boolean(),
    entryReference: optional,
    accountServicerReference: optional,
    bankTransactionCode: fc.option(fc.oneof(fc.constantFrom('PMNT/RCDT/ESCT', 'PMNT/ICDT/DMCT', 'ACMT/MDOP/INTR'), text), { nil: null }),
    additionalInfo: optional,
  });
}

/** One entry, its details (none, or several without amounts) merged into it. */
function singleEntry(text: fc.Arbitrary<string>): fc.Arbitrary<Camt053WriterEntry> {
  return fc
    .tuple(entryHeader(text), fc.bigInt({ min: MIN_MINOR_UNITS, max: MAX_MINOR_UNITS }), fc.array(detailsArbitrary(text, fc.constant(null)), { maxLength: 3 }))
    .map(([header, amount, details]) => ({ ...header, amount, details }));
}

/** A batch whose 2-4 details carry amounts adding up to the entry; 001.02 has no per-detail direction. */
function batchEntry(text: fc.Arbitrary<string>, version: number): fc.Arbitrary<Camt053WriterEntry> {
  const magnitude = fc.bigInt({ min: version >= 3 ? -BATCH_LIMIT : 0n, max: BATCH_LIMIT });
  return fc
    .tuple(entryHeader(text), fc.constantFrom(1n, -1n), fc.array(detailsArbitrary(text, magnitude), { minLength: 2, maxLength: 4 }))
    .map(([header, sign, details]) => {
      const signed = details.map((item) => ({ ...item, amount: (item.amount ?? 0n) * (version >= 3 ? 1n : sign) }));
      return { ...header, amount: signed.reduce((total, item) => total + item.amount, 0n), details: signed };
    });
}

function statementArbitrary(text: fc.Arbitrary<string>, version: number, index: number): fc.Arbitrary<Camt053WriterStatement> {
  return fc
    .record({
      id: text,
      iban: fc.option(text, { nil: null }),
      otherAccountId: fc.option(text, { nil: null }),
      currency: fc.constantFrom(...CURRENCIES),
      openingBalance: fc.option(fc.bigInt({ min: MIN_MINOR_UNITS, max: MAX_MINOR_UNITS }), { nil: null }),
      closingBalance: fc.option(fc.bigInt({ min: MIN_MINOR_UNITS, max: MAX_MINOR_UNITS }), { nil: null }),
      entries: fc.array(fc.oneof(singleEntry(text), batchEntry(text, version)), { maxLength: 5 }),
    })
    .map((statement) => ({ ...statement, id: `${statement.id}#${index}` }));
}

function documentArbitrary(text: fc.Arbitrary<string>) {
  return fc.integer({ min: 2, max: 13 }).chain((version) =>
    fc.record({
      version: fc.constant(version),
      prefix: fc.option(fc.constantFrom('ns2', 'c', 'camt'), { nil: null }),
      statements: fc.tuple(...[0, 1, 2].map((index) => statementArbitrary(text, version, index))).chain((all) => fc.subarray(all, { minLength: 1 })),
      chunkSize: fc.integer({ min: 1, max: 300 }),
    }),
  );
}

type EntryWithoutLine = Omit<ParsedEntry, 'line'>;

function referencesOf(details: readonly Camt053WriterDetails[]): string[] {
  const all = details.flatMap((item) => [
    item.endToEndId,
    item.transactionId,
    item.instructionId,
    item.messageId,
    item.paymentInformationId,
    item.creditorReference,
    ...(item.unstructured ?? []),
  ]);
  return [...new Set(all.filter((value): value is string => value !== null && value !== undefined))];
}

function descriptionOf(details: readonly Camt053WriterDetails[], entry: Camt053WriterEntry): string | null {
  const lines = details.flatMap((item) => item.unstructured ?? []);
  if (lines.length > 0) return lines.join(' ');
  return details.find((item) => item.additionalInfo)?.additionalInfo ?? entry.additionalInfo ?? null;
}

function counterpartyOf(details: readonly Camt053WriterDetails[], credit: boolean, reversal: boolean): string | null {
  const names = new Set(details.map((item) => (credit !== reversal ? item.debtorName : item.creditorName)).filter((name) => name));
  return names.size === 1 ? [...names][0] ?? null : null;
}

function metadataOf(entry: Camt053WriterEntry, statementId: string): Record<string, unknown> {
  return {
    statementId,
    ...(entry.bankTransactionCode ? { bankTransactionCode: entry.bankTransactionCode } : {}),
    ...(entry.reversal ? { reversal: true } : {}),
    ...(entry.entryReference ? { entryReference: entry.entryReference } : {}),
  };
}

/** What the mapping promises for one written entry. */
function expectedEntries(entry: Camt053WriterEntry, statementId: string, version: number): EntryWithoutLine[] {
  const details = entry.details ?? [];
  const common = {
    currency: entry.currency,
    date: entry.bookingDate,
    valueDate: entry.valueDate ?? null,
    releaseType: null,
    status: null,
    metadata: metadataOf(entry, statementId),
  };
  const reversal = entry.reversal === true;
  if (details.length < 2 || details.some((item) => item.amount === null || item.amount === undefined)) {
    return [
      {
        ...common,
        externalId: entry.accountServicerReference ?? null,
        amount: entry.amount,
        references: referencesOf(details),
        description: descriptionOf(details, entry),
        counterparty: counterpartyOf(details, entry.amount >= 0n, reversal),
      },
    ];
  }
  return details.map((item, index) => {
    const amount = item.amount ?? 0n;
    const entryReference = entry.accountServicerReference;
    return {
      ...common,
      externalId:
        item.accountServicerReference && item.accountServicerReference !== entryReference ? item.accountServicerReference : entryReference ? `${entryReference}/${index + 1}` : null,
      amount,
      references: referencesOf([item]),
      description: descriptionOf([item], entry),
      counterparty: counterpartyOf([item], version >= 3 ? amount >= 0n : entry.amount >= 0n, reversal),
    };
  });
}

function expectedStatement(statement: Camt053WriterStatement): Omit<ParsedStatement, 'line'> {
  return {
    statementId: statement.id,
    accountId: statement.iban ?? statement.otherAccountId ?? statement.id,
    currency: statement.currency ?? null,
    openingBalance: statement.openingBalance ?? null,
    closingBalance: statement.closingBalance ?? null,
  };
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function readAll(bytes: Buffer, chunkSize: number): Promise<StatementFileEvent[]> {
  const events: StatementFileEvent[] = [];
  for await (const event of readCamt053(chunked(bytes, chunkSize))) events.push(event);
  return events;
}

/** The events without their line numbers, which must only grow through the file. */
function withoutLines(events: StatementFileEvent[]): unknown[] {
  const lines = events.map((event) => (event.type === 'entry' ? event.entry.line : event.type === 'statement' ? event.statement.line : -1));
  expect(lines).toEqual([...lines].sort((a, b) => a - b));
  return events.map((event) => {
    if (event.type === 'entry') return { type: 'entry', entry: { ...event.entry, line: undefined } };
    if (event.type === 'statement') return { type: 'statement', statement: { ...event.statement, line: undefined } };
    return event;
  });
}

function expectedEvents(statements: readonly Camt053WriterStatement[], version: number): unknown[] {
  return statements.flatMap((statement) => [
    { type: 'statement', statement: { ...expectedStatement(statement), line: undefined } },
    ...[...statement.entries].flatMap((entry) =>
      expectedEntries(entry, statement.id, version).map((expected) => ({ type: 'entry', entry: { ...expected, line: undefined } })),
    ),
  ]);
}

describe('readCamt053 round trip (written by camt053Chunks)', () => {
  it('reads back every statement and entry written, in any version, prefix and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(documentArbitrary(unicodeText), async ({ version, prefix, statements, chunkSize }) => {
        const xml = [...camt053Chunks(statements, { version, prefix })].join('');
        const events = await readAll(Buffer.from(xml, 'utf8'), chunkSize);
        expect(withoutLines(events)).toEqual(expectedEvents(statements, version));
      }),
      { numRuns: 150 },
    );
  });

  it('reads back a file written in ISO-8859-1', async () => {
    await fc.assert(
      fc.asyncProperty(documentArbitrary(latin1Text), async ({ version, prefix, statements, chunkSize }) => {
        const xml = [...camt053Chunks(statements, { version, prefix, encoding: 'ISO-8859-1' })].join('');
        const events = await readAll(Buffer.from(xml, 'latin1'), chunkSize);
        expect(withoutLines(events)).toEqual(expectedEvents(statements, version));
      }),
      { numRuns: 50 },
    );
  });
});
