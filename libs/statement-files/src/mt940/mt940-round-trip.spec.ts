import fc from 'fast-check';
import type { ParsedEntry, ParsedStatement, StatementFileEvent } from '../statement-file.types';
import type { TextEncoding } from '../text-decoding';
import {
  mt940Chunks,
  writeMt940,
  type Mt940WriteOptions,
  type Mt940WriterEntry,
  type Mt940WriterInformation,
  type Mt940WriterStatement,
} from '../testing/mt940-writer';
import { readMt940 } from './mt940-reader';

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function readAll(bytes: Buffer, encoding: TextEncoding, chunkSize: number): Promise<StatementFileEvent[]> {
  const events: StatementFileEvent[] = [];
  for await (const event of readMt940(inChunks(bytes, chunkSize), { encoding })) events.push(event);
  return events;
}

// ---- what the writer is given -------------------------------------------------------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789äöüÄÖÜßéñçøÅ';
const PUNCTUATION = `.,:'+()&"-;`;
/** SEPA keys inside a ZKA purpose text would be read as keys. */
const SEPA_KEY = /(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+/;
const NOT_REFERENCES = new Set(['NONREF', 'NOTPROVIDED', 'EREF', 'KREF', 'MREF', 'MARF', 'PREF', 'IREF']);

const char = (chars: string) => fc.constantFrom(...chars.split(''));
/** `?` separates ZKA subfields and `/` SWIFT codes: each style's text leaves its own separator out. */
const word = (extra: string) =>
  fc.tuple(char(LETTERS), fc.string({ unit: char(LETTERS + PUNCTUATION + extra), maxLength: 11 })).map(([first, rest]) => first + rest);
const words = (extra: string, maxWords: number) =>
  fc.array(word(extra), { minLength: 1, maxLength: maxWords }).map((parts) => parts.join(' '));
const zkaText = (maxWords: number) => words('/', maxWords).filter((text) => !SEPA_KEY.test(text));
const reference = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$/)
  .filter((text) => !NOT_REFERENCES.has(text) && !SEPA_KEY.test(`${text}+`));

const zkaInformation: fc.Arbitrary<Mt940WriterInformation> = fc.record({
  style: fc.constant('zka' as const),
  gvc: fc.constantFrom('166', '105', '177', '805'),
  bookingText: fc.option(zkaText(2), { nil: null }),
  endToEndReference: fc.option(reference, { nil: null }),
  customerReference: fc.option(reference, { nil: null }),
  mandateReference: fc.option(reference, { nil: null }),
  description: fc.option(zkaText(12), { nil: null }),
  counterparty: fc.option(zkaText(3).filter((name) => name.length <= 54), { nil: null }),
  counterpartyBank: fc.option(fc.constantFrom('BYLADEM1001', '37050198'), { nil: null }),
  counterpartyAccount: fc.option(fc.constantFrom('DE02120300000000202051', '1234567890'), { nil: null }),
});

const swiftInformation: fc.Arbitrary<Mt940WriterInformation> = fc.record({
  style: fc.constant('swift' as const),
  endToEndReference: fc.option(reference, { nil: null }),
  customerReference: fc.option(reference, { nil: null }),
  mandateReference: fc.option(reference, { nil: null }),
  description: fc.option(words('?', 20), { nil: null }),
  counterparty: fc.option(words('?', 5), { nil: null }),
});

const freeInformation: fc.Arbitrary<Mt940WriterInformation> = fc.record({
  style: fc.constant('free' as const),
  description: fc.option(words('/?', 30), { nil: null }),
});

/** Days since 2000-01-01, up to 2099-12-31. */
const dayNumber = fc.integer({ min: 0, max: 36_524 });
const isoDay = (day: number): string => new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(0, 10);

const CURRENCIES = ['EUR', 'USD', 'KWD', 'JPY', 'BHD'] as const;
/** 14 digits: SWIFT amounts are at most 15 characters with the comma. */
const amount = fc.bigInt({ min: -99_999_999_999_999n, max: 99_999_999_999_999n });

const writerEntry: fc.Arbitrary<Mt940WriterEntry> = fc
  .record({
    amount,
    valueDay: dayNumber,
    entryOffset: fc.option(fc.integer({ min: -40, max: 40 }), { nil: null }),
    reversal: fc.boolean(),
    transactionType: fc.constantFrom('NTRF', 'NMSC', 'FCHG', 'NDDT', 'S202', 'N051'),
    customerReference: fc.option(reference, { nil: null }),
    bankReference: fc.option(fc.stringMatching(/^[A-Z0-9-]{1,16}$/), { nil: null }),
    supplementary: fc.option(words('/', 4).filter((text) => text.length <= 34), { nil: null }),
    information: fc.option(fc.oneof(zkaInformation, swiftInformation, freeInformation), { nil: null }),
  })
  .map(({ valueDay, entryOffset, ...rest }) => ({
    ...rest,
    valueDate: isoDay(valueDay),
    entryDate: entryOffset === null ? null : isoDay(valueDay + entryOffset),
  }));

const writerStatement: fc.Arbitrary<Mt940WriterStatement> = fc.record({
  reference: fc.stringMatching(/^[A-Z0-9]{1,16}$/),
  accountId: fc.oneof(fc.stringMatching(/^[A-Z]{2}\d{2}[A-Z0-9]{10,26}$/), fc.stringMatching(/^\d{8}\/\d{10}$/)),
  sequence: fc.option(fc.stringMatching(/^\d{5}\/\d{3}$/), { nil: null }),
  currency: fc.constantFrom(...CURRENCIES),
  openingBalance: amount,
  openingDate: dayNumber.map(isoDay),
  intermediateOpening: fc.boolean(),
  intermediateClosing: fc.boolean(),
  entries: fc.array(writerEntry, { maxLength: 8 }),
});

// ---- what the reader must give back --------------------------------------------------------

function expectedEntry(entry: Mt940WriterEntry, statement: Mt940WriterStatement): Omit<ParsedEntry, 'line'> {
  const information = entry.information ?? null;
  const structured = information !== null && information.style !== 'free';
  const references: string[] = [];
  for (const value of [entry.customerReference, information?.endToEndReference, information?.customerReference, information?.mandateReference]) {
    if (value && !references.includes(value)) references.push(value);
  }
  const metadata: Record<string, unknown> = { transactionType: entry.transactionType ?? 'NTRF' };
  if (information?.style === 'zka') metadata['gvc'] = information.gvc ?? '166';
  if (information?.style === 'zka' && information.bookingText) metadata['bookingText'] = information.bookingText;
  if (entry.supplementary) metadata['supplementary'] = entry.supplementary;
  metadata['statementReference'] = statement.reference;
  if (entry.reversal) metadata['reversal'] = true;
  return {
    externalId: entry.bankReference ?? null,
    amount: entry.amount,
    currency: statement.currency,
    date: entry.entryDate ?? entry.valueDate,
    valueDate: entry.valueDate,
    releaseType: null,
    references,
    description: information?.description ?? null,
    status: null,
    counterparty: structured ? (information.counterparty ?? null) : null,
    metadata,
  };
}

function expectedStatement(statement: Mt940WriterStatement): Omit<ParsedStatement, 'line'> {
  const entries = [...statement.entries];
  return {
    statementId: statement.sequence ? `${statement.reference}/${statement.sequence}` : statement.reference,
    accountId: statement.accountId,
    currency: statement.currency,
    openingBalance: statement.openingBalance,
    closingBalance: entries.reduce((sum, entry) => sum + entry.amount, statement.openingBalance),
  };
}

const withoutLine = <T extends { line: number }>({ line: _line, ...rest }: T): Omit<T, 'line'> => rest;

describe('MT940 round trip: writeMt940 → readMt940', () => {
  it('reads back exactly what was written: amounts, dates, references, texts, balances', async () => {
    const options = fc.record({
      lineEnding: fc.constantFrom<Mt940WriteOptions['lineEnding']>('\n', '\r\n'),
      envelope: fc.boolean(),
      latin1: fc.boolean(),
      chunkSize: fc.integer({ min: 1, max: 97 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(writerStatement, { minLength: 1, maxLength: 3 }), options, async (statements, { latin1, chunkSize, ...writeOptions }) => {
        const text = writeMt940(statements, writeOptions);
        const bytes = Buffer.from(text, latin1 ? 'latin1' : 'utf8');
        const events = await readAll(bytes, latin1 ? 'iso-8859-1' : 'utf-8', chunkSize);

        expect(events.filter((event) => event.type === 'problem')).toEqual([]);
        const lines = text.split(writeOptions.lineEnding ?? '\r\n');
        const entries = events.flatMap((event) => (event.type === 'entry' ? [event.entry] : []));
        expect(entries.map(withoutLine)).toEqual(statements.flatMap((statement) => [...statement.entries].map((entry) => expectedEntry(entry, statement))));
        for (const entry of entries) expect(lines[entry.line - 1]).toMatch(/^:61:\d{6}/);

        const parsed = events.flatMap((event) => (event.type === 'statement' ? [event.statement] : []));
        expect(parsed.map(withoutLine)).toEqual(statements.map(expectedStatement));
        parsed.forEach((statement, index) => expect(lines[statement.line - 1]).toBe(`:20:${statements[index].reference}`));
      }),
      { numRuns: 150 },
    );
  });
});

describe('mt940Chunks', () => {
  function* manyEntries(count: number): Generator<Mt940WriterEntry> {
    for (let i = 0; i < count; i += 1) {
      yield {
        amount: BigInt(i % 2 === 0 ? 1 + i : -i),
        valueDate: '2026-01-31',
        customerReference: `PED-${i}`,
        information: { style: 'zka', endToEndReference: `E-${i}`, description: `Rechnung ${i}`, counterparty: 'Müller GmbH' },
      };
    }
  }

  it('streams a large statement in chunks of about 64 KB whose balances add up when read', async () => {
    const statement = { reference: 'BIG', accountId: 'DE02120300000000202051', currency: 'EUR', openingBalance: 5n, openingDate: '2026-01-30' };
    const chunks = [...mt940Chunks([{ ...statement, entries: manyEntries(20_000) }], { lineEnding: '\n' })];
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(65_536);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(66_000);
    expect(chunks.join('')).toBe(writeMt940([{ ...statement, entries: manyEntries(20_000) }], { lineEnding: '\n' }));

    let count = 0;
    let closing: bigint | null = null;
    const source = (async function* () {
      for (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
    })();
    for await (const event of readMt940(source)) {
      if (event.type === 'problem') throw new Error(event.problem.message);
      if (event.type === 'entry') count += 1;
      if (event.type === 'statement') closing = event.statement.closingBalance;
    }
    expect(count).toBe(20_000);
    expect(closing).toBe(5n); // each pair, +(2k+1) then -(2k+1), cancels out
  });

  it('writes a wrong closing balance when asked, which the reader reports', async () => {
    const text = writeMt940(
      [
        {
          reference: 'X',
          accountId: 'DE02',
          currency: 'KWD',
          openingBalance: -1n,
          openingDate: '2026-01-30',
          entries: [{ amount: 1500n, valueDate: '2026-01-31', entryDate: '2026-01-31', reversal: true }],
          closingBalance: 1500n,
        },
      ],
      { envelope: true },
    );
    expect(text).toContain(':60F:D260130KWD0,001\r\n:61:2601310131RD1,500NTRFNONREF\r\n:62F:C260130KWD1,500\r\n-}{5:');
    const events = await readAll(Buffer.from(text), 'utf-8', 1024);
    expect(events.filter((event) => event.type === 'problem').map((event) => event.type === 'problem' && event.problem.code)).toEqual(['balance_mismatch']);
  });
});
