import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@concilia/domain';
import type { ParsedEntry, RowProblem, StatementFileEvent } from '../statement-file.types';
import { type CsvProfile, validateCsvProfile } from './csv-profile';
import { type CsvReadOptions, readCsv, readCsvWithDefaultProfile } from './csv-reader';

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', name));
}

async function* chunked(bytes: Uint8Array, size = Math.max(bytes.length, 1)): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield Buffer.from(bytes.subarray(offset, offset + size));
}

async function collect(events: AsyncIterable<StatementFileEvent>): Promise<StatementFileEvent[]> {
  const out: StatementFileEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function read(bytes: Uint8Array, profile: CsvProfile | 'default', options: CsvReadOptions, chunkSize?: number): Promise<StatementFileEvent[]> {
  return collect(readCsv(chunked(bytes, chunkSize), profile, options));
}

function entriesOf(events: StatementFileEvent[]): ParsedEntry[] {
  return events.flatMap((event) => (event.type === 'entry' ? [event.entry] : []));
}

function problemsOf(events: StatementFileEvent[]): RowProblem[] {
  return events.flatMap((event) => (event.type === 'problem' ? [event.problem] : []));
}

/** A statement entry: every field the test does not name is what a CSV without that column gives. */
function statementEntry(fields: Pick<ParsedEntry, 'line' | 'amount' | 'currency' | 'date'> & Partial<ParsedEntry>): ParsedEntry {
  return { externalId: null, valueDate: null, releaseType: null, references: [], description: null, status: null, counterparty: null, metadata: null, ...fields };
}

async function failure(events: Promise<unknown>): Promise<DomainError> {
  try {
    await events;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const statementBrl: CsvReadOptions = { side: 'statement', currency: 'BRL' };

const brazilSplit = validateCsvProfile({
  delimiter: ';',
  encoding: 'windows-1252',
  skipRows: 2,
  decimalSeparator: ',',
  thousandsSeparator: '.',
  dateFormat: 'dd/MM/yyyy',
  columns: { date: 'Data', description: 'Lançamento', references: 'Documento' },
  sign: { mode: 'split', credit: 'Crédito (R$)', debit: 'Débito (R$)' },
  defaultCurrency: 'BRL',
});

const brazilDirection = validateCsvProfile({
  delimiter: ';',
  encoding: 'iso-8859-1',
  decimalSeparator: ',',
  thousandsSeparator: '.',
  dateFormat: 'dd/MM/yyyy',
  columns: { date: 'data', description: 'Histórico', externalId: 'Docto.', amount: 'Valor' },
  sign: { mode: 'direction', column: 'D/C', credit: ['C', 'Crédito'], debit: ['D', 'Débito'] },
});

const germanBank = validateCsvProfile({
  delimiter: ';',
  skipRows: 3,
  decimalSeparator: ',',
  thousandsSeparator: '.',
  dateFormat: 'dd.MM.yyyy',
  columns: {
    date: 'BUCHUNGSTAG',
    valueDate: 'Valutadatum',
    counterparty: 'Empfänger/Zahlungspflichtiger',
    description: 'Verwendungszweck',
    amount: 'Umsatz',
    currency: 'Währung',
  },
});

const marketplace = validateCsvProfile({
  columns: {
    date: 'RELEASE_DATE',
    externalId: 'SOURCE_ID',
    references: ['ORDER_ID', 'PACK_ID'],
    releaseType: 'RECORD_TYPE',
    description: 'DESCRIPTION',
    amount: 'NET_AMOUNT',
    currency: 'CURRENCY',
    status: 'STATUS',
    counterparty: 'BUYER_NICKNAME',
  },
});

const erpOrders = validateCsvProfile({
  dateFormat: 'MM/dd/yyyy',
  thousandsSeparator: ',',
  referenceSeparator: ';',
  columns: {
    externalId: 'order_number',
    kind: 'document_type',
    counterparty: 'customer',
    date: 'issue_date',
    expectedSettlementDate: 'due_date',
    amount: 'total',
    currency: 'currency',
    references: 'invoice_number',
    status: 'status',
  },
});

const brazilRows = validateCsvProfile({
  delimiter: ';',
  decimalSeparator: ',',
  dateFormat: 'dd/MM/yyyy',
  columns: { date: 'Data', amount: 'Valor', currency: 'Moeda', description: 'Descrição' },
  sign: { mode: 'direction', column: 'Tipo', credit: ['C'], debit: ['D'] },
});

const germanNotation = validateCsvProfile({
  delimiter: ';',
  decimalSeparator: ',',
  thousandsSeparator: '.',
  dateFormat: 'dd.MM.yyyy',
  columns: { date: 'Datum', amount: 'Betrag', description: 'Text' },
});

describe('readCsv: Brazilian bank exports', () => {
  it('reads a Windows-1252 export with separate Crédito/Débito columns after a two-line preamble', async () => {
    const events = await read(fixture('brazil-split-windows-1252.csv'), brazilSplit, { side: 'statement', currency: 'USD' });
    expect(problemsOf(events)).toEqual([]);
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({ line: 4, date: '2026-03-02', amount: 150000n, currency: 'BRL', description: 'PIX RECEBIDO - JOÃO DA SILVA', references: ['E1234567820260302'] }),
      statementEntry({ line: 5, date: '2026-03-03', amount: -4590n, currency: 'BRL', description: 'TARIFA BANCÁRIA - PACOTE SERVIÇOS' }),
      statementEntry({
        line: 6,
        date: '2026-03-05',
        amount: -123456n,
        currency: 'BRL',
        description: 'PAGTO BOLETO – CIA ENERGÉTICA “CONTA 03/2026”',
        references: ['34191.79001'],
      }),
      statementEntry({ line: 7, date: '2026-03-10', amount: 2500000n, currency: 'BRL', description: 'TED RECEBIDA - AÇÕES & CIA LTDA', references: ['000987'] }),
      statementEntry({ line: 8, date: '2026-03-15', amount: -8000n, currency: 'BRL', description: 'DEVOLUÇÃO PIX; PEDIDO 552', references: ['E9876543220260315'] }),
    ]);
  });

  it("reads an ISO-8859-1 export whose D/C column gives the sign (case-insensitively)", async () => {
    const events = await read(fixture('brazil-direction-iso-8859-1.csv'), brazilDirection, statementBrl);
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({ line: 2, date: '2026-04-02', amount: -123456n, currency: 'BRL', externalId: '000123', description: 'Pagamento de boleto - Energisa' }),
      statementEntry({ line: 3, date: '2026-04-02', amount: 35000n, currency: 'BRL', externalId: 'E00000000202604021', description: 'Crédito PIX - Maria Conceição' }),
      statementEntry({ line: 4, date: '2026-04-03', amount: -2990n, currency: 'BRL', description: 'Tarifa mensal' }),
      statementEntry({ line: 5, date: '2026-04-06', amount: 1000000n, currency: 'BRL', externalId: '774411', description: 'Transferência recebida' }),
    ]);
  });

  it('refuses the same bytes read as UTF-8 instead of guessing', async () => {
    const refused = await failure(read(fixture('brazil-direction-iso-8859-1.csv'), { ...brazilDirection, encoding: 'utf-8' }, statementBrl));
    expect(refused.code).toBe('encoding_invalid');
  });
});

describe('readCsv: a German bank export (Umsätze)', () => {
  it('skips the preamble, drops the BOM, and numbers a row whose quoted text spans two lines by its first line', async () => {
    const events = await read(fixture('german-umsaetze-utf8-bom.csv'), germanBank, { side: 'statement', currency: 'BRL' });
    const german = (fields: Pick<ParsedEntry, 'line' | 'amount' | 'date' | 'valueDate' | 'counterparty' | 'description'>) =>
      statementEntry({ currency: 'EUR', ...fields });
    expect(entriesOf(events)).toStrictEqual([
      german({ line: 6, date: '2026-03-02', valueDate: '2026-03-02', amount: -8900n, counterparty: 'Stadtwerke München GmbH', description: 'Abschlag Strom März KD-Nr. 4711' }),
      german({ line: 7, date: '2026-03-03', valueDate: '2026-03-03', amount: 123456n, counterparty: 'Müller & Söhne KG', description: 'Rechnung 2026-0815 vom 27.02.2026' }),
      german({ line: 8, date: '2026-03-05', valueDate: '2026-03-04', amount: -1250000n, counterparty: 'Finanzamt Köln-Süd', description: 'Umsatzsteuer Q4/2025 "Vorauszahlung"' }),
      german({ line: 9, date: '2026-03-09', valueDate: '2026-03-10', amount: -5680n, counterparty: 'Café Größenwahn', description: 'Bewirtung Kunde\r\nProjekt Ärger' }),
      german({ line: 11, date: '2026-03-31', valueDate: '2026-03-31', amount: -495n, counterparty: null, description: 'Kontoführungsgebühr' }),
    ]);
  });

  it('refuses amounts written another way than the profile says: 1,234.56 and 12.34,5 are row problems, never wrong amounts', async () => {
    const events = await read(fixture('bad-amount-notation.csv'), germanNotation, { side: 'statement', currency: 'EUR' });
    expect(entriesOf(events).map((entry) => [entry.line, entry.amount])).toEqual([
      [2, 123456n],
      [5, -750n],
    ]);
    expect(problemsOf(events).map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 3, field: 'amount', code: 'amount_invalid' },
      { line: 4, field: 'amount', code: 'amount_invalid' },
    ]);
  });
});

describe('readCsv: a marketplace releases export', () => {
  it('reads SALE, COMMISSION and SHIPPING rows of one order with both reference columns', async () => {
    const events = await read(fixture('marketplace-releases.csv'), marketplace, { side: 'statement', currency: 'USD' });
    const release = (line: number, externalId: string, releaseType: string, amount: bigint, description: string, references: string[], counterparty: string) =>
      statementEntry({ line, externalId, releaseType, amount, description, references, counterparty, currency: 'BRL', status: 'released', date: line < 5 ? '2026-03-10' : '2026-03-11' });
    expect(entriesOf(events)).toStrictEqual([
      release(2, '71234567890', 'SALE', 19990n, 'Venda: Fone de ouvido Bluetooth, preto', ['2000008812345'], 'COMPRADOR_ANA'),
      release(3, '71234567891', 'COMMISSION', -2799n, 'Tarifa de venda', ['2000008812345'], 'COMPRADOR_ANA'),
      release(4, '71234567892', 'SHIPPING', -2145n, 'Custo de envio Mercado Envios', ['2000008812345'], 'COMPRADOR_ANA'),
      release(5, '71234567893', 'SALE', 5900n, 'Venda: Capa "premium" iPhone 15', ['2000008899999', '4000001111'], '@joao.silva'),
      release(6, '71234567894', 'COMMISSION', -826n, 'Tarifa de venda', ['2000008899999', '4000001111'], '@joao.silva'),
      statementEntry({
        line: 7,
        externalId: '71234567895',
        releaseType: 'REFUND',
        amount: -19990n,
        currency: 'BRL',
        date: '2026-03-12',
        description: 'Devolução ao comprador',
        references: ['2000008800001'],
        status: 'pending',
        counterparty: 'COMPRADOR_ANA',
      }),
    ]);
  });
});

describe('readCsv: the default profile', () => {
  it('reads canonical names in any order and case, JPY and KWD exponents, and falls back to the account currency', async () => {
    const events = await collect(readCsvWithDefaultProfile(chunked(fixture('default-comma.csv')), { side: 'statement', currency: 'EUR' }));
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({
        line: 2,
        externalId: 'PIX-0001',
        date: '2026-03-02',
        amount: 150000n,
        currency: 'BRL',
        description: 'Recebimento PIX, João',
        references: ['ORD-1', 'NF-77'],
        valueDate: '2026-03-02',
        releaseType: 'SALE',
        status: 'settled',
        counterparty: 'João da Silva',
      }),
      statementEntry({ line: 3, externalId: 'FEE-0002', date: '2026-03-03', amount: -4590n, currency: 'BRL', description: 'Tarifa', releaseType: 'FEE' }),
      statementEntry({ line: 4, externalId: 'JPY-0003', date: '2026-03-04', amount: 120000n, currency: 'JPY', description: 'Yen transfer' }),
      statementEntry({ line: 5, externalId: 'KWD-0004', date: '2026-03-05', amount: -1250n, currency: 'KWD', description: 'Dinar fee' }),
      statementEntry({ line: 6, date: '2026-03-06', amount: 1000n, currency: 'EUR', description: 'Falls back to the account currency', references: ['ORD-9'] }),
    ]);
  });

  it('detects a ; delimiter from the header even when the data rows hold more commas', async () => {
    const events = await read(fixture('default-semicolon.csv'), 'default', statementBrl);
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({ line: 2, date: '2026-03-02', amount: 1050n, currency: 'BRL', description: 'Pagamento, parcela 1, contrato 9', references: ['A', 'B'] }),
      statementEntry({ line: 3, date: '2026-03-03', amount: -99n, currency: 'BRL', description: 'Ajuste, centavos' }),
    ]);
  });

  it.each([
    ['a tab', 'date\tamount\n2026-03-02\t5.00\n'],
    ['a pipe', 'date|amount|references\n2026-03-02|5.00|"A|B"\n'],
  ])('detects %s delimiter', async (_name, text) => {
    const [entry] = entriesOf(await read(Buffer.from(text), 'default', statementBrl));
    expect(entry).toMatchObject({ line: 2, date: '2026-03-02', amount: 500n });
  });

  it('refuses a header column that is not a canonical name, so no data is silently dropped', async () => {
    const refused = await failure(read(Buffer.from('date,amount,Valor\n2026-03-02,1.00,2\n'), 'default', statementBrl));
    expect(refused).toMatchObject({ code: 'csv_header_invalid', errors: [{ field: 'header', code: 'csv_header_invalid' }] });
    expect(refused.message).toContain('"Valor" is not a field name');
    expect(refused.message).toContain('line 1');
  });

  it('refuses ledger-only columns on the statement side and a header without amount', async () => {
    expect((await failure(read(Buffer.from('date,amount,kind\n'), 'default', statementBrl))).code).toBe('csv_header_invalid');
    const noAmount = await failure(read(Buffer.from('date,description\n2026-03-02,x\n'), 'default', statementBrl));
    expect(noAmount.errors).toEqual([expect.objectContaining({ field: 'columns.amount', code: 'csv_header_invalid' })]);
  });

  it('reads kind and expectedSettlementDate on the ledger side', async () => {
    const text = 'externalId;kind;amount;date;expectedSettlementDate\nSO-1;invoice;10.00;2026-03-02;2026-04-01\n';
    const events = await read(Buffer.from(text), 'default', { side: 'ledger', currency: 'BRL' });
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({ line: 2, externalId: 'SO-1', kind: 'INVOICE', amount: 1000n, currency: 'BRL', date: '2026-03-02', expectedSettlementDate: '2026-04-01' }),
    ]);
  });
});

describe('readCsv: ledger side (an ERP orders export)', () => {
  it('reads kinds (any case), due dates, MM/dd/yyyy, grouped thousands, parentheses as negative', async () => {
    const events = await read(fixture('ledger-erp-orders.csv'), erpOrders, { side: 'ledger', currency: 'BRL' });
    const order = (fields: Pick<ParsedEntry, 'line' | 'externalId' | 'kind' | 'counterparty' | 'date' | 'expectedSettlementDate' | 'amount' | 'references' | 'status'>) =>
      statementEntry({ currency: 'USD', ...fields });
    expect(entriesOf(events)).toStrictEqual([
      order({ line: 2, externalId: 'SO-10001', kind: 'ORDER', counterparty: 'Acme Corp', date: '2026-03-02', expectedSettlementDate: '2026-04-01', amount: 123450n, references: ['INV-5001'], status: 'open' }),
      order({
        line: 3,
        externalId: 'SO-10002',
        kind: 'INVOICE',
        counterparty: 'Globex, Inc.',
        date: '2026-03-05',
        expectedSettlementDate: '2026-04-04',
        amount: 1200000n,
        references: ['INV-5002', 'INV-5003'],
        status: 'open',
      }),
      order({ line: 4, externalId: 'CM-10003', kind: 'INVOICE', counterparty: 'Initech', date: '2026-03-09', expectedSettlementDate: null, amount: -25000n, references: [], status: 'credit memo' }),
      order({ line: 5, externalId: 'PMT-10004', kind: 'PAYMENT', counterparty: 'Acme Corp', date: '2026-03-15', expectedSettlementDate: '2026-03-15', amount: -123450n, references: ['SO-10001'], status: 'applied' }),
    ]);
  });

  it('requires an externalId and a known kind, and falls back to defaultKind', async () => {
    const profile = validateCsvProfile({ columns: { externalId: 1, kind: 2, amount: 3, date: 4 }, headerRow: false, defaultKind: 'gl' });
    const text = ',ORDER,1.00,2026-03-02\nA-2,REFUND,1.00,2026-03-02\nA-3,,1.00,2026-03-02\n';
    const events = await read(Buffer.from(text), profile, { side: 'ledger', currency: 'BRL' });
    expect(problemsOf(events).map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 1, field: 'externalId', code: 'required' },
      { line: 2, field: 'kind', code: 'kind_invalid' },
    ]);
    expect(entriesOf(events)).toEqual([expect.objectContaining({ line: 3, externalId: 'A-3', kind: 'GL' })]);
    const noDefault = await read(Buffer.from('A-1,,1.00,2026-03-02\n'), { ...profile, defaultKind: null }, { side: 'ledger', currency: 'BRL' });
    expect(problemsOf(noDefault)).toEqual([expect.objectContaining({ line: 1, field: 'kind', code: 'required' })]);
  });

  it('ignores kind and expectedSettlementDate columns on the statement side', async () => {
    const [entry] = entriesOf(await read(fixture('ledger-erp-orders.csv'), erpOrders, statementBrl));
    expect(entry).toStrictEqual(
      statementEntry({ line: 2, externalId: 'SO-10001', counterparty: 'Acme Corp', date: '2026-03-02', amount: 123450n, currency: 'USD', references: ['INV-5001'], status: 'open' }),
    );
  });
});

describe('readCsv: every fixture reads the same in 1-byte and 7-byte chunks', () => {
  const cases: [string, CsvProfile | 'default', CsvReadOptions][] = [
    ['brazil-split-windows-1252.csv', brazilSplit, statementBrl],
    ['brazil-direction-iso-8859-1.csv', brazilDirection, statementBrl],
    ['german-umsaetze-utf8-bom.csv', germanBank, statementBrl],
    ['marketplace-releases.csv', marketplace, statementBrl],
    ['default-comma.csv', 'default', statementBrl],
    ['default-semicolon.csv', 'default', statementBrl],
    ['ledger-erp-orders.csv', erpOrders, { side: 'ledger', currency: 'USD' }],
    ['bad-rows.csv', brazilRows, statementBrl],
    ['bad-amount-notation.csv', germanNotation, statementBrl],
    ['formula-cells.csv', 'default', statementBrl],
  ];

  it.each(cases)('%s', async (name, profile, options) => {
    const whole = await read(fixture(name), profile, options);
    expect(whole.length).toBeGreaterThan(1);
    expect(await read(fixture(name), profile, options, 1)).toStrictEqual(whole);
    expect(await read(fixture(name), profile, options, 7)).toStrictEqual(whole);
  });

  it('refuses an unbalanced quote at the same line in any chunking', async () => {
    for (const size of [1, 7, undefined]) {
      const refused = await failure(read(fixture('bad-unbalanced-quote.csv'), 'default', statementBrl, size));
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'line 3', code: 'csv_malformed' })]);
    }
  });
});

describe('readCsv: bad rows are problems and reading goes on', () => {
  it('reports each bad row with its line, field and code, and still reads the good ones', async () => {
    const events = await read(fixture('bad-rows.csv'), brazilRows, statementBrl);
    expect(problemsOf(events).map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 2, field: 'date', code: 'date_invalid' },
      { line: 3, field: 'currency', code: 'currency_unknown' },
      { line: 4, field: 'amount', code: 'amount_precision_exceeded' },
      { line: 5, field: 'Tipo', code: 'direction_invalid' },
      { line: 6, field: 'row', code: 'column_count' },
      { line: 7, field: 'amount', code: 'required' },
      { line: 9, field: 'date', code: 'required' },
      { line: 10, field: 'amount', code: 'amount_invalid' },
    ]);
    expect(entriesOf(events)).toStrictEqual([statementEntry({ line: 8, date: '2026-03-06', amount: -1500n, currency: 'KWD', description: 'tudo certo' })]);
    for (const problem of problemsOf(events)) expect(problem.message).toContain(`line ${problem.line}`);
  });

  it('keeps formula-looking cells as text, never evaluated nor stripped', async () => {
    const events = await read(fixture('formula-cells.csv'), 'default', statementBrl);
    expect(entriesOf(events)).toStrictEqual([
      statementEntry({ line: 2, date: '2026-03-02', amount: 1000n, currency: 'BRL', description: '=SUM(A1:A9)', counterparty: '@evil', status: '+1' }),
      statementEntry({ line: 3, date: '2026-03-03', amount: -200n, currency: 'BRL', description: '-2', counterparty: '=HYPERLINK("http://example.test","x")', status: "-cmd|' /C calc'!A0" }),
    ]);
  });

  it('reports a NUL character in any cell, mapped or not', async () => {
    const events = await read(Buffer.from('date,amount,description\n2026-03-02,1.00,a\u0000b\n2026-03-03,2.00,ok\n'), 'default', statementBrl);
    expect(problemsOf(events)).toEqual([expect.objectContaining({ line: 2, field: 'description', code: 'nul_character' })]);
    expect(entriesOf(events).map((entry) => entry.line)).toEqual([3]);
  });

  it('reads SAP trailing minus, a leading plus and space thousands (also as no-break spaces)', async () => {
    const profile = validateCsvProfile({ delimiter: ';', decimalSeparator: ',', thousandsSeparator: ' ', columns: { amount: 1, date: 2 }, headerRow: false });
    const text = '1 234,56-;2026-03-02\n+1\u00a0000,00;2026-03-02\n12\u202f345;2026-03-02\n';
    expect(entriesOf(await read(Buffer.from(text), profile, { side: 'statement', currency: 'EUR' })).map((entry) => entry.amount)).toEqual([-123456n, 100000n, 1234500n]);
  });

  it('refuses a split row with both sides filled or neither', async () => {
    const profile = validateCsvProfile({ columns: { date: 1 }, headerRow: false, sign: { mode: 'split', credit: 2, debit: 3 } });
    const events = await read(Buffer.from('2026-03-02,1.00,2.00\n2026-03-02,,\n2026-03-02,,0.50\n'), profile, statementBrl);
    expect(problemsOf(events).map(({ line, code }) => [line, code])).toEqual([
      [1, 'amount_invalid'],
      [2, 'amount_invalid'],
    ]);
    expect(entriesOf(events).map((entry) => entry.amount)).toEqual([-50n]);
  });

  it('skips empty lines and rows of empty cells without shifting line numbers', async () => {
    const text = 'date;amount\r\n\r\n2026-03-02;1.00\r\n;\r\n   \r\n2026-03-03;2.00';
    const events = await read(Buffer.from(text), 'default', statementBrl);
    expect(events.map((event) => event.type)).toEqual(['entry', 'entry']);
    expect(entriesOf(events).map((entry) => entry.line)).toEqual([3, 6]);
  });
});

describe('readCsv: bad files are refused as a whole', () => {
  it('an unbalanced quote: csv_malformed at the line where the bad row starts, after the rows before it', async () => {
    const events: StatementFileEvent[] = [];
    const refused = await failure(
      (async () => {
        for await (const event of readCsv(chunked(fixture('bad-unbalanced-quote.csv')), 'default', statementBrl)) events.push(event);
      })(),
    );
    expect(refused).toMatchObject({ code: 'csv_malformed', errors: [{ field: 'line 3', code: 'csv_malformed' }] });
    expect(refused.message).toBe('line 3: a quoted field is never closed (unbalanced quote)');
    expect(entriesOf(events).map((entry) => entry.line)).toEqual([2]);
  });

  it('a mapped header that is missing: csv_header_invalid naming the profile field', async () => {
    const refused = await failure(read(fixture('marketplace-releases.csv'), { ...marketplace, columns: { ...marketplace.columns, amount: 'VALOR' } }, statementBrl));
    expect(refused).toMatchObject({ code: 'csv_header_invalid', errors: [{ field: 'columns.amount', code: 'csv_header_invalid' }] });
    expect(refused.message).toBe('line 1: the header has no column "VALOR" (columns.amount)');
  });

  it('a repeated header (case-insensitive): csv_header_invalid', async () => {
    const refused = await failure(read(fixture('bad-repeated-header.csv'), 'default', statementBrl));
    expect(refused).toMatchObject({ code: 'csv_header_invalid', errors: [{ field: 'header' }] });
    expect(refused.message).toBe('line 1: the header names "description" twice (columns 3 and 4)');
  });

  it('a 10 MB field: csv_malformed on its line, quoted or not', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    for (const field of [`"${huge}"`, huge]) {
      const refused = await failure(read(Buffer.from(`date,amount,description\n2026-03-02,1.00,ok\n2026-03-03,1.00,${field}\n`), 'default', statementBrl, 65_536));
      expect(refused).toMatchObject({ code: 'csv_malformed', errors: [{ field: 'line 3' }] });
    }
  });

  it('a row of a million delimiters is a bounded column_count problem, and such a header is refused', async () => {
    const delimiters = ','.repeat(1_000_000);
    const events = await read(Buffer.from(`date,amount\n2026-03-02,1.00${delimiters}\n2026-03-03,2.00\n`), 'default', statementBrl, 65_536);
    expect(problemsOf(events)).toEqual([expect.objectContaining({ line: 2, code: 'column_count' })]);
    expect(entriesOf(events).map((entry) => entry.line)).toEqual([3]);
    const refused = await failure(read(Buffer.from(`date,amount${delimiters}\n`), 'default', statementBrl, 65_536));
    expect(refused.code).toBe('csv_header_invalid');
  });

  it("a PNG named .csv: encoding_invalid as UTF-8; as Windows-1252 its first line is no header", async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a5f1d9f30000000049454e44ae426082',
      'hex',
    );
    expect((await failure(read(png, 'default', statementBrl))).code).toBe('encoding_invalid');
    const asLatin = await failure(read(png, { ...germanNotation, encoding: 'windows-1252' }, statementBrl));
    expect(asLatin).toMatchObject({ code: 'csv_header_invalid', errors: [{ field: 'columns.amount' }] });
    expect(asLatin.message).toBe('line 1: the header has no column "Betrag" (columns.amount)');
  });

  it('an empty file, or one that ends inside the preamble: csv_header_invalid', async () => {
    expect((await failure(read(Buffer.alloc(0), 'default', statementBrl))).code).toBe('csv_header_invalid');
    expect((await failure(read(Buffer.from('Kontoauszug\r\n'), germanBank, statementBrl))).message).toBe('line 4: the file ends before its header row');
  });

  it('a position beyond the columns of a file without header: csv_header_invalid naming the field', async () => {
    const profile = validateCsvProfile({ headerRow: false, columns: { date: 1, amount: 2, description: 5 } });
    const refused = await failure(read(Buffer.from('2026-03-02,1.00,x\n'), profile, statementBrl));
    expect(refused).toMatchObject({ code: 'csv_header_invalid', errors: [{ field: 'columns.description' }] });
  });
});

describe('readCsv: streaming', () => {
  it('stops reading the source when the consumer stops', async () => {
    let closed = false;
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.from('date,amount\n');
        for (;;) {
          chunksRead += 1;
          yield Buffer.from('2026-03-02,1.00\n'.repeat(100));
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const event of readCsv(endless(), 'default', statementBrl)) {
      expect(event.type).toBe('entry');
      seen += 1;
      if (seen === 250) break;
    }
    expect(closed).toBe(true);
    expect(chunksRead).toBeLessThan(10);
  });

  it('numbers lines by the physical lines of LF, CRLF and lone-CR files alike', async () => {
    for (const newline of ['\n', '\r\n', '\r']) {
      const text = ['date,amount,description', '2026-03-02,1.00,"two', 'lines"', '2026-03-03,2.00,one'].join(newline);
      const events = await read(Buffer.from(text), 'default', statementBrl, 3);
      expect(entriesOf(events).map((entry) => [entry.line, entry.description])).toEqual([
        [2, `two${newline}lines`],
        [4, 'one'],
      ]);
    }
  });
});
