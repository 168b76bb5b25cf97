import fc from 'fast-check';
import { LEDGER_ENTRY_KINDS, MAX_MINOR_UNITS, MIN_MINOR_UNITS } from '@concilia/domain';
import type { ParsedEntry, StatementFileEvent } from '../statement-file.types';
import { csvChunks, type CsvWriterEntry, type CsvWriterOptions, encodeCsv, writeCsv } from '../testing/csv-writer';
import { type CsvField, type CsvProfile, validateCsvProfile } from './csv-profile';
import { type CsvReadOptions, readCsv } from './csv-reader';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield Buffer.from(bytes.subarray(offset, offset + size));
}

async function collect(events: AsyncIterable<StatementFileEvent>): Promise<StatementFileEvent[]> {
  const out: StatementFileEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Characters every profile must carry through: delimiters, both quotes, newlines, formulas, accents. */
const WINDOWS_1252_CHARS = ['a', 'Z', '7', ' ', ',', ';', '|', '\t', '"', "'", '\n', '\r\n', '\r', '=', '+', '-', '@', 'ç', 'ã', 'É', 'ü', 'ß', '€', '–', '“', '\u00a0'];
const UNICODE_CHARS = [...WINDOWS_1252_CHARS, '😀', '中', 'ع', '\u2028', 'ℌ'];

function text(chars: string[], exclude = ''): fc.Arbitrary<string | null> {
  const pool = chars.filter((char) => !exclude.includes(char));
  return fc.array(fc.constantFrom(...pool), { maxLength: 10 }).map((parts) => parts.join('').trim() || null);
}

interface RoundTripCase {
  name: string;
  profile: CsvProfile | 'default';
  writer: CsvWriterOptions;
  read: CsvReadOptions;
  currencies: string[];
  chars: string[];
  years: [number, number];
}

function entries(spec: RoundTripCase): fc.Arbitrary<CsvWriterEntry[]> {
  const date = fc
    .date({ min: new Date(Date.UTC(spec.years[0], 0, 1)), max: new Date(Date.UTC(spec.years[1], 11, 31)), noInvalidDate: true })
    .map((value) => value.toISOString().slice(0, 10));
  const separator = spec.profile === 'default' ? '|' : spec.profile.referenceSeparator;
  const reference = text(spec.chars, separator).filter((value): value is string => value !== null);
  const ledger = spec.read.side === 'ledger';
  const entry = fc.record({
    amount: fc.oneof(fc.bigInt({ min: -1_000_000n, max: 1_000_000n }), fc.bigInt({ min: MIN_MINOR_UNITS, max: MAX_MINOR_UNITS })),
    currency: fc.constantFrom(...spec.currencies),
    date,
    externalId: ledger ? text(spec.chars).filter((value) => value !== null) : text(spec.chars),
    valueDate: fc.option(date, { nil: null }),
    releaseType: text(spec.chars),
    references: fc.array(reference, { maxLength: 3 }),
    description: text(spec.chars),
    status: text(spec.chars),
    counterparty: text(spec.chars),
    kind: ledger ? fc.constantFrom(...LEDGER_ENTRY_KINDS) : fc.constant(null),
    expectedSettlementDate: ledger ? fc.option(date, { nil: null }) : fc.constant(null),
  });
  return fc.array(entry, { minLength: 1, maxLength: 12 });
}

/** What reading gives back: only mapped fields survive, and a file without currencies reads in the fallback. */
function expected(written: CsvWriterEntry[], spec: RoundTripCase, firstLine: number): ParsedEntry[] {
  const profile = spec.profile === 'default' ? null : spec.profile;
  const mapped = (field: CsvField) => profile === null || profile.columns[field] !== undefined;
  const fallback = profile?.defaultCurrency ?? spec.read.currency;
  let line = firstLine;
  return written.map((entry) => {
    const parsed: ParsedEntry = {
      line,
      externalId: mapped('externalId') ? (entry.externalId ?? null) : null,
      amount: entry.amount,
      currency: mapped('currency') ? entry.currency : fallback,
      date: entry.date,
      valueDate: mapped('valueDate') ? (entry.valueDate ?? null) : null,
      releaseType: mapped('releaseType') ? (entry.releaseType ?? null) : null,
      references: mapped('references') ? [...(entry.references ?? [])] : [],
      description: mapped('description') ? (entry.description ?? null) : null,
      status: mapped('status') ? (entry.status ?? null) : null,
      counterparty: mapped('counterparty') ? (entry.counterparty ?? null) : null,
      metadata: null,
      ...(spec.read.side === 'ledger' ? { kind: entry.kind ?? null, expectedSettlementDate: entry.expectedSettlementDate ?? null } : {}),
    };
    line += 1 + lineBreaks(parsed);
    return parsed;
  });
}

function lineBreaks(entry: ParsedEntry): number {
  const texts = [entry.externalId, entry.releaseType, entry.description, entry.status, entry.counterparty, ...entry.references];
  return texts.reduce((sum, value) => sum + (value?.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
}

const cases: RoundTripCase[] = [
  {
    name: 'the default profile (canonical names, comma, mixed exponents)',
    profile: 'default',
    writer: { newline: '\n' },
    read: { side: 'statement', currency: 'EUR' },
    currencies: ['BRL', 'JPY', 'KWD', 'USD'],
    chars: UNICODE_CHARS,
    years: [1900, 9999],
  },
  {
    name: 'a Brazilian bank (Windows-1252, split credit/debit, preamble)',
    profile: validateCsvProfile({
      delimiter: ';',
      encoding: 'windows-1252',
      skipRows: 2,
      decimalSeparator: ',',
      thousandsSeparator: '.',
      dateFormat: 'dd/MM/yyyy',
      columns: { date: 'Data', description: 'Histórico', references: 'Documento', counterparty: 'Favorecido' },
      sign: { mode: 'split', credit: 'Crédito (R$)', debit: 'Débito (R$)' },
      defaultCurrency: 'BRL',
    }),
    writer: { preamble: ['Extrato de conta corrente', 'Agência: 0123; Conta: 45678-9'], signedDebits: true },
    read: { side: 'statement', currency: 'USD' },
    currencies: ['BRL'],
    chars: WINDOWS_1252_CHARS,
    years: [1990, 2099],
  },
  {
    name: 'a German bank (UTF-8 BOM, everything quoted, trailing minus, preamble)',
    profile: validateCsvProfile({
      delimiter: ';',
      skipRows: 3,
      decimalSeparator: ',',
      thousandsSeparator: '.',
      dateFormat: 'dd.MM.yyyy',
      columns: { date: 'Buchungstag', valueDate: 'Valutadatum', counterparty: 'Empfänger/Zahlungspflichtiger', description: 'Verwendungszweck', amount: 'Umsatz', currency: 'Währung' },
    }),
    writer: { bom: true, quoteAll: true, negativeStyle: 'trailing-minus', preamble: ['"Umsätze";"Girokonto"', '"Zeitraum:";"01.03.2026 - 31.03.2026"', ''] },
    read: { side: 'statement', currency: 'BRL' },
    currencies: ['EUR', 'KWD', 'JPY'],
    chars: UNICODE_CHARS,
    years: [1900, 2200],
  },
  {
    name: "tabs, ' quotes, a D/C column, yyyyMMdd, space thousands, two reference columns, KWD",
    profile: validateCsvProfile({
      delimiter: '\t',
      quote: "'",
      decimalSeparator: ',',
      thousandsSeparator: ' ',
      dateFormat: 'yyyyMMdd',
      columns: { date: 'Date', amount: 'Montant', externalId: 'Id', references: ['Ref 1', 'Ref 2'], releaseType: 'Type', status: 'Statut' },
      sign: { mode: 'direction', column: 'Sens', credit: ['CRÉDIT'], debit: ['DÉBIT'] },
      referenceSeparator: ' / ',
      defaultCurrency: 'KWD',
    }),
    writer: {},
    read: { side: 'statement', currency: 'BRL' },
    currencies: ['KWD'],
    chars: UNICODE_CHARS,
    years: [1900, 9999],
  },
  {
    name: 'ledger side, pipes, no header, positions, yy years, parentheses, JPY and BRL',
    profile: validateCsvProfile({
      delimiter: '|',
      headerRow: false,
      thousandsSeparator: ',',
      dateFormat: 'd/M/yy',
      columns: { externalId: 3, kind: 1, amount: 2, currency: 7, date: 4, expectedSettlementDate: 5, references: 6, counterparty: 9 },
      referenceSeparator: ';',
    }),
    writer: { side: 'ledger', negativeStyle: 'parentheses', newline: '\n' },
    read: { side: 'ledger', currency: 'USD' },
    currencies: ['JPY', 'BRL'],
    chars: UNICODE_CHARS,
    years: [2000, 2099],
  },
];

describe('CSV round trip: what the writer writes, the reader reads back exactly', () => {
  it.each(cases.map((spec) => [spec.name, spec] as const))('%s', async (_name, spec) => {
    const encoding = spec.profile === 'default' ? 'utf-8' : spec.profile.encoding;
    const firstLine = (spec.profile === 'default' ? 0 : spec.profile.skipRows) + (spec.profile === 'default' || spec.profile.headerRow ? 2 : 1);
    await fc.assert(
      fc.asyncProperty(entries(spec), fc.integer({ min: 1, max: 40 }), async (written, chunkSize) => {
        const bytes = encodeCsv(writeCsv(written, spec.profile, spec.writer), encoding);
        const events = await collect(readCsv(chunked(bytes, chunkSize), spec.profile, spec.read));
        expect(events.filter((event) => event.type !== 'entry')).toEqual([]);
        expect(events.map((event) => (event.type === 'entry' ? event.entry : null))).toStrictEqual(expected(written, spec, firstLine));
      }),
      { numRuns: 60 },
    );
  });

  it('the chunk generator writes the same text as writeCsv, in chunks of about 64 KiB', () => {
    const many: CsvWriterEntry[] = Array.from({ length: 5000 }, (_, i) => ({ amount: BigInt(i * 1001 - 2_000_000), currency: 'BRL', date: '2026-03-02', description: `Venda ${i}, "ok"` }));
    const chunks = [...csvChunks(many, 'default')];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).every((chunk) => chunk.length >= 65_536 && chunk.length < 66_000)).toBe(true);
    expect(chunks.join('')).toBe(writeCsv(many, 'default'));
  });
});
