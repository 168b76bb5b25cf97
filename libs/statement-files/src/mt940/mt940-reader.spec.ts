import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@concilia/domain';
import type { ParsedEntry, ParsedStatement, RowProblem, StatementFileEvent } from '../statement-file.types';
import { readMt940, type Mt940ReadOptions } from './mt940-reader';

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', name));
}

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function read(bytes: Buffer | string, options?: Mt940ReadOptions, chunkSize = Number.MAX_SAFE_INTEGER): Promise<StatementFileEvent[]> {
  const events: StatementFileEvent[] = [];
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  for await (const event of readMt940(inChunks(buffer, chunkSize), options)) events.push(event);
  return events;
}

async function failure(bytes: Buffer | string, options?: Mt940ReadOptions): Promise<DomainError> {
  const error: unknown = await read(bytes, options).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

const entries = (events: StatementFileEvent[]): ParsedEntry[] => events.flatMap((event) => (event.type === 'entry' ? [event.entry] : []));
const statements = (events: StatementFileEvent[]): ParsedStatement[] =>
  events.flatMap((event) => (event.type === 'statement' ? [event.statement] : []));
const problems = (events: StatementFileEvent[]): RowProblem[] => events.flatMap((event) => (event.type === 'problem' ? [event.problem] : []));
const codesAndLines = (events: StatementFileEvent[]): [string, number, string][] => problems(events).map((p) => [p.code, p.line, p.field]);

function entry(fields: Partial<ParsedEntry> & Pick<ParsedEntry, 'line' | 'amount' | 'currency' | 'date'>): ParsedEntry {
  return {
    externalId: null,
    valueDate: fields.date,
    releaseType: null,
    references: [],
    description: null,
    status: null,
    counterparty: null,
    metadata: null,
    ...fields,
  };
}

describe('readMt940: a German savings bank (Sparkasse) file in ISO-8859-1 with CRLF', () => {
  const file = fixture('sparkasse-iso-8859-1.sta');

  it('reads every entry and field, joining multi-line ?NN subfields (even a tag cut by a line break)', async () => {
    const events = await read(file, { encoding: 'iso-8859-1' });
    expect(problems(events)).toEqual([]);
    expect(entries(events)).toEqual([
      entry({
        line: 5,
        amount: 150000n,
        currency: 'EUR',
        date: '2025-12-30',
        references: ['PED-1001'],
        description: 'Rechnung 4711 vom 15.12.2025 Kd-Nr. 8812',
        counterparty: 'Müller Gärtnerei GmbH & Co. KG',
        metadata: { transactionType: 'NTRF', gvc: '166', bookingText: 'GUTSCHR. UEBERWEISUNG', statementReference: 'STARTUMSE' },
      }),
      entry({
        line: 10,
        externalId: '2512310815-0001',
        amount: -8990n,
        currency: 'EUR',
        date: '2025-12-31',
        references: ['INV-2025-12-0042', 'M-000184'],
        description: 'Stadtwerke Köln Abschlag Dezember',
        counterparty: 'Stadtwerke Köln GmbH',
        metadata: { transactionType: 'NDDT', gvc: '105', bookingText: 'FOLGELASTSCHRIFT', statementReference: 'STARTUMSE' },
      }),
      entry({
        line: 15,
        amount: -1250n,
        currency: 'EUR',
        date: '2025-12-31',
        valueDate: '2026-01-02',
        description: 'Abrechnung 31.12.2025 siehe Anlage',
        metadata: { transactionType: 'NMSC', gvc: '805', bookingText: 'ABSCHLUSS', statementReference: 'STARTUMSE' },
      }),
    ]);
  });

  it('yields the statement after its entries, with :20:/:28C:, the account and signed balances', async () => {
    const events = await read(file, { encoding: 'iso-8859-1' });
    expect(events.map((event) => event.type)).toEqual(['entry', 'entry', 'entry', 'statement']);
    expect(statements(events)).toEqual([
      {
        line: 1,
        statementId: 'STARTUMSE/00001/001',
        accountId: '37050198/1234567890',
        currency: 'EUR',
        openingBalance: 1234567n,
        closingBalance: 1374327n,
      },
    ]);
  });

  it('refuses the ISO-8859-1 bytes when read as the default UTF-8', async () => {
    expect((await failure(file)).code).toBe('encoding_invalid');
  });

  it('reads the same with LF line endings as with CRLF', async () => {
    const lf = Buffer.from(file.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect(lf.length).toBeLessThan(file.length);
    expect(await read(lf, { encoding: 'iso-8859-1' })).toEqual(await read(file, { encoding: 'iso-8859-1' }));
  });
});

describe('readMt940: a Dutch ING file with /CODE/ information and the ING file header', () => {
  it('reads EREF, MARF, CNTP and REMI (cut across lines), ignoring ING placeholder references and the statement-level :86:', async () => {
    const events = await read(fixture('ing-nl.sta'));
    expect(problems(events)).toEqual([]);
    const statementReference = 'P260131000000001';
    expect(entries(events)).toEqual([
      entry({
        line: 8,
        externalId: '00000000001005',
        amount: 156n,
        currency: 'EUR',
        date: '2026-01-31',
        references: ['PED-1001'],
        description: 'Factuur 4711 januari',
        counterparty: 'ACME Webshop B.V.',
        metadata: { transactionType: 'NTRF', supplementary: '/TRCD/00100/', statementReference },
      }),
      entry({
        line: 12,
        externalId: '00000000001006',
        amount: -157n,
        currency: 'EUR',
        date: '2026-01-31',
        description: 'Salaris januari 2026',
        metadata: { transactionType: 'NTRF', supplementary: '/TRCD/00200/', statementReference },
      }),
      entry({
        line: 15,
        externalId: '00000000001007',
        amount: -5000n,
        currency: 'EUR',
        date: '2026-01-31',
        references: ['AB-778812', 'MNDT-2024-0042'],
        description: 'Termijnbedrag januari',
        counterparty: 'Energie Noord B.V.',
        metadata: { transactionType: 'NDDT', supplementary: '/TRCD/01016/', statementReference },
      }),
    ]);
    expect(statements(events)).toEqual([
      {
        line: 4,
        statementId: 'P260131000000001/00000',
        accountId: 'NL69INGB0123456789EUR',
        currency: 'EUR',
        openingBalance: 66223n,
        closingBalance: 61222n,
      },
    ]);
  });

  it('reads the same with CRLF line endings as with LF', async () => {
    const lf = fixture('ing-nl.sta');
    const crlf = Buffer.from(lf.toString('utf8').replace(/\n/g, '\r\n'), 'utf8');
    expect(await read(crlf)).toEqual(await read(lf));
  });
});

describe('readMt940: Deutsche Bank messages in SWIFT envelopes, :60M:/:62M: pages, reversals', () => {
  it('reads three messages, a page each, with RC as money out and RD as money in', async () => {
    const events = await read(fixture('deutsche-bank-envelope.sta'));
    expect(problems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(['entry', 'entry', 'statement', 'entry', 'entry', 'statement', 'entry', 'statement']);
    expect(entries(events)).toEqual([
      entry({
        line: 6,
        externalId: 'DB2602050001',
        amount: 250000n,
        currency: 'EUR',
        date: '2026-02-05',
        references: ['PED-1002'],
        description: 'Order PED-1002',
        counterparty: 'ACME Retail GmbH',
        metadata: { transactionType: 'NTRF', gvc: '166', bookingText: 'SEPA-GUTSCHRIFT', statementReference: 'DB260205001' },
      }),
      entry({
        line: 9,
        externalId: 'DB2602050002',
        amount: -250000n,
        currency: 'EUR',
        date: '2026-02-05',
        references: ['PED-1002'],
        description: 'Rueckbuchung: IBAN ungueltig',
        counterparty: 'ACME Retail GmbH',
        metadata: {
          transactionType: 'NTRF',
          gvc: '159',
          bookingText: 'RUECKUEBERWEISUNG',
          supplementary: '/OCMT/EUR2500,00/',
          statementReference: 'DB260205001',
          reversal: true,
        },
      }),
      entry({
        line: 20,
        externalId: 'DB2602050003',
        amount: 12000n,
        currency: 'EUR',
        date: '2026-02-05',
        description: 'Storno Lastschrift 2026-0117 Leasing Mobil GmbH Vertrag 55-1234',
        metadata: { transactionType: 'NMSC', statementReference: 'DB260205001', reversal: true },
      }),
      entry({
        line: 23,
        amount: -3500n,
        currency: 'EUR',
        date: '2026-02-05',
        description: 'Kontofuehrung Februar 2026',
        metadata: { transactionType: 'FCHG', gvc: '808', bookingText: 'Entgelt Kontofuehrung', statementReference: 'DB260205001' },
      }),
      entry({
        line: 32,
        externalId: 'DB2602050101',
        amount: 120050n,
        currency: 'USD',
        date: '2026-02-05',
        references: ['INV-88123'],
        description: 'Settlement of invoice INV-88123',
        counterparty: 'Globex Corp.',
        metadata: { transactionType: 'NTRF', statementReference: 'DB260205002' },
      }),
    ]);
    expect(statements(events)).toEqual([
      {
        line: 2,
        statementId: 'DB260205001/00034/001',
        accountId: 'DEUTDEFF/0123456700',
        currency: 'EUR',
        openingBalance: 5000000n,
        closingBalance: 5000000n,
      },
      {
        line: 16,
        statementId: 'DB260205001/00034/002',
        accountId: 'DEUTDEFF/0123456700',
        currency: 'EUR',
        openingBalance: 5000000n,
        closingBalance: 5008500n,
      },
      { line: 28, statementId: 'DB260205002/00012/001', accountId: 'DE89370400440532013000', currency: 'USD', openingBalance: -120050n, closingBalance: 0n },
    ]);
  });

  it('reads messages whose envelopes share a line (-}{5:..}{1:..}{2:..}{4::20:...)', async () => {
    const text = [
      '{1:F01DEUTDEFFAXXX0000000000}{2:O9401630260205DEUTDEFFAXXX00000000002602051630N}{4:',
      ':20:A',
      ':60F:C260205EUR10,00',
      ':61:260205C5,00NTRFNONREF',
      ':62F:C260205EUR15,00',
      '-}{5:{CHK:1}}{1:F01DEUTDEFFAXXX0000000000}{2:I940DEUTDEFFXXXXN}{3:{108:X}}{4::20:B',
      ':60F:C260205EUR15,00',
      ':62F:C260205EUR15,00',
      '-}',
    ].join('\r\n');
    const events = await read(text);
    expect(problems(events)).toEqual([]);
    expect(statements(events).map((statement) => [statement.statementId, statement.line, statement.closingBalance])).toEqual([
      ['A', 2, 1500n],
      ['B', 6, 1500n],
    ]);
  });
});

describe('readMt940: message boundaries', () => {
  it('starts a new message at :20: even without a - line, with CR-only line ends and blank lines, ignoring :NS: and :64:', async () => {
    const text = [
      ':20:A',
      ':60F:C260205EUR10,00',
      ':NS:22Kontoinhaber',
      '',
      ':61:260205D4,00NTRFNONREF',
      ':62F:C260205EUR6,00',
      ':64:C260205EUR6,00',
      ':20:B',
      ':60F:C260205EUR6,00',
      ':62F:C260205EUR6,00',
    ].join('\r');
    const events = await read(text);
    expect(problems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(['entry', 'statement', 'statement']);
    expect(statements(events).map((statement) => [statement.statementId, statement.line])).toEqual([
      ['A', 1],
      ['B', 8],
    ]);
  });

  it('reads an MT950 (the same statement fields) in a SWIFT envelope', async () => {
    const text = '{1:F01X}{2:O9501200260205DEUTDEFFAXXX}{4:\n:20:A\n:60F:C260205EUR1,00\n:62F:C260205EUR1,00\n-}';
    expect(statements(await read(text))).toHaveLength(1);
  });
});

describe('readMt940: KWD (3 decimals) and JPY (0 decimals)', () => {
  it('reads exact minor units, including JPY amounts written with a trailing comma', async () => {
    const events = await read(fixture('kwd-jpy.sta'));
    expect(problems(events)).toEqual([]);
    expect(entries(events)).toEqual([
      entry({
        line: 5,
        externalId: 'NBK0201-778',
        amount: 250375n,
        currency: 'KWD',
        date: '2026-02-01',
        description: 'Invoice 2026-114',
        counterparty: 'Al Noor Trading Co.',
        metadata: { transactionType: 'NTRF', statementReference: 'NBK2602010001' },
      }),
      entry({
        line: 7,
        amount: -5n,
        currency: 'KWD',
        date: '2026-02-01',
        description: 'Bank charge',
        metadata: { transactionType: 'FCHG', statementReference: 'NBK2602010001' },
      }),
      entry({
        line: 15,
        externalId: 'MUFG00001',
        amount: -250000n,
        currency: 'JPY',
        date: '2026-02-01',
        description: 'Rent February',
        counterparty: 'Tokyo Realty K.K.',
        metadata: { transactionType: 'NTRF', statementReference: 'MUFG26020100001' },
      }),
      entry({
        line: 17,
        amount: 98765n,
        currency: 'JPY',
        date: '2026-02-01',
        references: ['PED-2001'],
        metadata: { transactionType: 'NTRF', statementReference: 'MUFG26020100001' },
      }),
    ]);
    expect(statements(events)).toEqual([
      {
        line: 1,
        statementId: 'NBK2602010001/1/1',
        accountId: 'KW81CBKU0000000000001234560101',
        currency: 'KWD',
        openingBalance: 10500125n,
        closingBalance: 10750495n,
      },
      { line: 11, statementId: 'MUFG26020100001/00005/001', accountId: '0005-1234567', currency: 'JPY', openingBalance: 1500000n, closingBalance: 1348765n },
    ]);
  });

  it('reports more decimals than the currency has, on the :61: and on a balance', async () => {
    const text = [':20:X', ':60F:C260201JPY100,5', ':61:260201C1,50NTRFNONREF', ':62F:C260201JPY100,', '-'].join('\n');
    const events = await read(text);
    expect(codesAndLines(events)).toEqual([
      ['amount_precision_exceeded', 2, ':60F:'],
      ['amount_precision_exceeded', 3, 'amount'],
    ]);
    expect(problems(events)[1].message).toBe('line 3: :61: JPY has 0 decimal places; got 2');
  });
});

describe('readMt940: bad statement lines and balances (row problems, reading goes on)', () => {
  it('reports every broken :61: with its line, keeps the good entries, and skips the balance check of that statement', async () => {
    const events = await read(fixture('broken-statement-lines.sta'));
    expect(codesAndLines(events)).toEqual([
      ['mt940_line_invalid', 5, ':61:'],
      ['mt940_line_invalid', 9, ':61:'],
      ['date_invalid', 10, 'valueDate'],
      ['date_invalid', 11, 'date'],
      ['amount_precision_exceeded', 12, 'amount'],
      ['mt940_line_invalid', 19, ':61:'],
    ]);
    expect(problems(events)[0].message).toMatch(/^line 5: cannot read the :61: statement line/);
    expect(problems(events)[5].message).toBe(
      'line 19: :61: cannot be read: no readable opening balance (:60F:/:60M:) precedes it, so its currency is unknown',
    );
    expect(entries(events).map((parsed) => [parsed.line, parsed.amount, parsed.references])).toEqual([[7, 25000n, ['PED-3001']]]);
    expect(statements(events).map((statement) => statement.statementId)).toEqual(['STARTUMSE/00002/001', 'STARTUMSE/00003/001']);
  });

  it('reports a closing balance that is not opening + movements, with the amounts and the difference', async () => {
    const events = await read(fixture('balance-mismatch.sta'));
    expect(problems(events)).toEqual([
      {
        line: 9,
        field: ':62F:',
        code: 'balance_mismatch',
        message: 'line 9: opening balance 1000.00 EUR + movements 150.00 EUR = 1150.00 EUR, but the closing balance is 1150.01 EUR (difference 0.01 EUR)',
      },
    ]);
    expect(entries(events)).toHaveLength(2);
    expect(statements(events)[0]).toMatchObject({ openingBalance: 100000n, closingBalance: 115001n });
  });

  it('checks each :60M: ... :62M: page on its own', async () => {
    const text = [
      ':20:P',
      ':28C:1/1',
      ':60F:C260201EUR100,00',
      ':61:260201D30,00NTRFNONREF',
      ':62M:C260201EUR70,00',
      '-',
      ':20:P',
      ':28C:1/2',
      ':60M:C260201EUR70,00',
      ':61:260201D80,00NTRFNONREF',
      ':62F:C260201EUR10,00',
      '-',
    ].join('\n');
    const events = await read(text);
    expect(codesAndLines(events)).toEqual([['balance_mismatch', 11, ':62F:']]);
    expect(problems(events)[0].message).toContain('= -10.00 EUR, but the closing balance is 10.00 EUR (difference 20.00 EUR)');
    expect(statements(events).map((statement) => [statement.openingBalance, statement.closingBalance])).toEqual([
      [10000n, 7000n],
      [7000n, 1000n],
    ]);
  });

  it('reports a cut file: a statement without its closing balance', async () => {
    const text = [':20:CUT', ':25:DE02120300000000202051', ':60F:C260201EUR100,00', ':61:260201C30,00NTRFNONREF', ':86:Zahlung'].join('\n');
    const events = await read(text);
    expect(codesAndLines(events)).toEqual([['mt940_balance_missing', 5, ':62F:']]);
    expect(entries(events).map((parsed) => parsed.description)).toEqual(['Zahlung']);
    expect(statements(events)).toEqual([
      { line: 1, statementId: 'CUT', accountId: 'DE02120300000000202051', currency: 'EUR', openingBalance: 10000n, closingBalance: null },
    ]);
  });

  it('reports unreadable balances, unknown currencies, impossible balance dates and a currency change', async () => {
    const text = [
      ':20:A',
      ':60F:C260201EUR100.00',
      ':61:260201C1,00NTRFNONREF',
      ':62F:C260201EUR101,00',
      '-',
      ':20:B',
      ':60F:C260231XXQ1,00',
      ':62F:C260201USD1,00',
      '-',
      ':20:C',
      ':60F:C260201EUR1,00',
      ':62F:C260201USD1,00',
      '-',
    ].join('\n');
    expect(codesAndLines(await read(text))).toEqual([
      ['mt940_line_invalid', 2, ':60F:'],
      ['mt940_line_invalid', 3, ':61:'],
      ['date_invalid', 7, ':60F:'],
      ['currency_unknown', 7, ':60F:'],
      ['mt940_line_invalid', 8, ':62F:'],
      ['mt940_line_invalid', 12, ':62F:'],
    ]);
  });

  it('reports one-line fields followed by stray text, and a message without balances', async () => {
    const text = [':20:A', 'stray text', ':25:DE02', 'more', '-'].join('\n');
    expect(codesAndLines(await read(text))).toEqual([
      ['mt940_line_invalid', 1, ':20:'],
      ['mt940_line_invalid', 3, ':25:'],
      ['mt940_balance_missing', 1, ':60F:'],
    ]);
  });
});

describe('readMt940: files that are not MT940 (thrown, with the line)', () => {
  it('refuses CSV text as mt940_malformed at line 1', async () => {
    const error = await failure(fixture('not-mt940.txt'));
    expect(error.code).toBe('mt940_malformed');
    expect(error.message).toBe('line 1: not an MT940 statement: expected a :20: field');
    expect(error.errors).toEqual([{ field: 'line 1', code: 'mt940_malformed', message: error.message }]);
  });

  it('refuses a file that does not start with :20:, and an empty file', async () => {
    expect((await failure('\n:25:DE02\n:20:X\n')).message).toBe('line 2: an MT940 statement starts with :20:, not :25:');
    expect((await failure('')).code).toBe('mt940_malformed');
    expect((await failure('\r\n  \r\n')).message).toBe('line 2: the file contains no MT940 statement (no :20: field)');
  });

  it('refuses text after the end of a message that does not start a new one', async () => {
    const error = await failure(':20:A\n:60F:C260201EUR1,00\n:62F:C260201EUR1,00\n-\ntrailing garbage\n');
    expect(error.message).toBe('line 5: not an MT940 statement: expected a :20: field');
  });

  it('refuses binary junk (a PNG) read as ISO-8859-1', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0x00]);
    expect((await failure(png, { encoding: 'iso-8859-1' })).code).toBe('mt940_malformed');
    expect((await failure(png)).code).toBe('encoding_invalid');
  });

  it('refuses other SWIFT message types (MT942, MT101) as unsupported_message_type', async () => {
    const mt942 = '{1:F01DEUTDEFFAXXX0000000000}{2:O9421200260131DEUTDEFFAXXX00000000002601311200N}{4:\n:20:X\n-}';
    const error = await failure(mt942);
    expect(error.code).toBe('unsupported_message_type');
    expect(error.message).toBe('line 1: the SWIFT message is an MT942, not an MT940 statement');
    expect((await failure('{1:F01X}{2:I101DEUTDEFFXXXXN}{4:\n:20:X\n-}')).code).toBe('unsupported_message_type');
  });

  it('refuses an envelope block that is not closed, or text after the blocks', async () => {
    expect((await failure('{1:F01DEUTDEFF{{{{\n:20:X\n')).message).toBe('line 1: SWIFT block {1: is not closed on its line');
    expect((await failure('{1:F01}{2:O940}junk\n:20:X\n')).message).toBe('line 1: unexpected text after the SWIFT envelope blocks');
  });
});

describe('readMt940: hostile input ends in an error, never a crash or unbounded memory', () => {
  it('refuses a line over 64 KB, whether it arrives in one chunk or many', async () => {
    const text = `:20:X\n:86:${'A'.repeat(70_000)}\n`;
    expect((await failure(text)).message).toBe('line 2: the line is longer than 65536 characters');
    const chunked: StatementFileEvent[] = [];
    const reading = (async () => {
      for await (const event of readMt940(inChunks(Buffer.from(text), 4096))) chunked.push(event);
    })();
    await expect(reading).rejects.toMatchObject({ code: 'mt940_malformed' });
  });

  it('refuses a field that grows past 64 KB over many continuation lines', async () => {
    const text = `:20:X\n:60F:C260201EUR1,00\n:61:260201C1,00NTRFNONREF\n:86:${'x\n'.repeat(70_000)}`;
    expect((await failure(text)).message).toBe('line 65540: the :86: field starting at line 4 is longer than 65536 characters');
  });

  it('reads long runs of separators in :86: without slowing down', async () => {
    const slashes = '/'.repeat(30_000);
    const questions = '?'.repeat(60_000);
    const text = [':20:X', ':60F:C260201EUR0,00', ':61:260201C1,00NTRFNONREF', `:86:/REMI/${slashes}x${slashes}`, ':61:260201C1,00NTRFNONREF', `:86:166?00${questions}`, ':62F:C260201EUR2,00', '-'].join('\n');
    const started = Date.now();
    const events = await read(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problems(events)).toEqual([]);
    expect(entries(events)).toHaveLength(2);
  });

  it('reads deep envelope nesting and {4: repeated on one line without recursion', async () => {
    const deep = `{1:${'{'.repeat(30_000)}${'}'.repeat(30_001)}{4:\n:20:X\n-}`;
    expect(codesAndLines(await read(deep))).toEqual([['mt940_balance_missing', 2, ':60F:']]);
    const repeated = `${'{4:'.repeat(20_000)}:20:X\n-}`;
    expect(codesAndLines(await read(repeated))).toEqual([['mt940_balance_missing', 1, ':60F:']]);
  });
});

describe('readMt940: chunking', () => {
  const cases: [string, Mt940ReadOptions][] = [
    ['sparkasse-iso-8859-1.sta', { encoding: 'iso-8859-1' }],
    ['ing-nl.sta', {}],
    ['deutsche-bank-envelope.sta', {}],
    ['kwd-jpy.sta', {}],
    ['broken-statement-lines.sta', {}],
    ['balance-mismatch.sta', {}],
  ];

  it.each(cases)('reads %s the same in 1-byte and 7-byte chunks as in one', async (name, options) => {
    const file = fixture(name);
    const whole = await read(file, options);
    expect(whole.length).toBeGreaterThan(2);
    expect(await read(file, options, 1)).toEqual(whole);
    expect(await read(file, options, 7)).toEqual(whole);
  });

  it('reads UTF-8 characters split across chunks', async () => {
    const text = [':20:X', ':60F:C260201EUR0,00', ':61:260201C1,00NTRFNONREF', ':86:Überweisung Gärtnerei €', ':62F:C260201EUR1,00', '-'].join('\r\n');
    const events = await read(text, {}, 1);
    expect(entries(events)[0].description).toBe('Überweisung Gärtnerei €');
  });
});
