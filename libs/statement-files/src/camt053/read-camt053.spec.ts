import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedEntry, ParsedStatement, StatementFileEvent } from '../statement-file.types';
import { readCamt053, type Camt053ReadOptions } from './read-camt053';

const FIXTURES = join(__dirname, 'fixtures');

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function read(bytes: Buffer | string, options?: Camt053ReadOptions): Promise<StatementFileEvent[]> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const events: StatementFileEvent[] = [];
  for await (const event of readCamt053(chunks(buffer, Math.max(buffer.length, 1)), options)) events.push(event);
  return events;
}

function entriesOf(events: StatementFileEvent[]): ParsedEntry[] {
  return events.flatMap((event) => (event.type === 'entry' ? [event.entry] : []));
}

function statementsOf(events: StatementFileEvent[]): ParsedStatement[] {
  return events.flatMap((event) => (event.type === 'statement' ? [event.statement] : []));
}

function problemsOf(events: StatementFileEvent[]) {
  return events.flatMap((event) => (event.type === 'problem' ? [event.problem] : []));
}

/** A minimal camt.053 document around some `Ntry` elements; the first `Ntry` is on line 6. */
function camt(entries: string, version = '08', statement = '<Id>S-1</Id>'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">`,
    '<BkToCstmrStmt>',
    '<Stmt>',
    statement,
    entries,
    '</Stmt>',
    '</BkToCstmrStmt>',
    '</Document>',
  ].join('\n');
}

function ntry(body: string): string {
  return `<Ntry>${body}</Ntry>`;
}

const BOOKED = '<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-01-31</Dt></BookgDt>';

describe('readCamt053: bank fixtures', () => {
  it('reads a German bank 001.02 statement: balances, SEPA credit, direct debit and a fee', async () => {
    const events = await read(fixture('camt053-001-02-german-bank.xml'));
    expect(events.map((event) => event.type)).toEqual(['statement', 'entry', 'entry', 'entry']);
    expect(statementsOf(events)).toEqual([
      {
        line: 12,
        statementId: '0532013000-2026-021',
        accountId: 'DE89370400440532013000',
        currency: 'EUR',
        openingBalance: 1_250_000n,
        closingBalance: 1_359_020n,
      },
    ]);
    const metadata = (code: string) => ({ bankTransactionCode: code, statementId: '0532013000-2026-021' });
    expect(entriesOf(events)).toEqual([
      {
        line: 63,
        externalId: '2026013100012345',
        amount: 119_000n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: ['RE-2026-0042', 'SPKDE-2026-01-31-7781', 'Rechnung RE-2026-0042', 'Kd-Nr. 10077'],
        description: 'Rechnung RE-2026-0042 Kd-Nr. 10077',
        status: null,
        counterparty: 'Kunde & Söhne KG',
        metadata: metadata('PMNT/RCDT/ESCT'),
      },
      {
        line: 124,
        externalId: '2026013100012399',
        amount: -8_990n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: '2026-02-02',
        releaseType: null,
        references: ['RF18539007547034'],
        description: 'SEPA-BASISLASTSCHRIFT',
        status: null,
        counterparty: 'Telekom Deutschland GmbH',
        metadata: metadata('PMNT/IDDT/ESDD'),
      },
      {
        line: 186,
        externalId: null,
        amount: -990n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: [],
        description: 'Kontoführungsentgelt 01/2026',
        status: null,
        counterparty: null,
        metadata: metadata('NCHG+805+0000'),
      },
    ]);
  });

  it('splits a 001.04 batch of 3 TxDtls into 3 entries and keeps the sign of a reversal from CdtDbtInd', async () => {
    const events = await read(fixture('camt053-001-04-batch-and-reversal.xml'));
    expect(statementsOf(events)).toEqual([
      {
        line: 13,
        statementId: '20260131375204000006-STMT',
        accountId: 'CH9300762011623852957',
        currency: 'CHF',
        openingBalance: -25_000n,
        closingBalance: 27_500n,
      },
    ]);
    const batch = { bankTransactionCode: 'PMNT/RCDT/VCOM', statementId: '20260131375204000006-STMT', entryReference: '1' };
    const common = { currency: 'CHF', date: '2026-01-31', releaseType: null, status: null };
    expect(entriesOf(events)).toEqual([
      {
        ...common,
        line: 94,
        externalId: 'CH-20260131-0007/1',
        amount: 25_000n,
        valueDate: '2026-01-31',
        references: ['ORD-1001', '210000000003139471430009017'],
        description: 'Sammelgutschrift QR-Rechnungen',
        counterparty: 'Bergbahn Zermatt AG',
        metadata: batch,
      },
      {
        ...common,
        line: 113,
        externalId: 'CH-20260131-0007/2',
        amount: 20_000n,
        valueDate: '2026-01-31',
        references: ['ORD-1002', 'Rechnung 2026-0815'],
        description: 'Rechnung 2026-0815',
        counterparty: 'Käserei Gstaad GmbH',
        metadata: batch,
      },
      {
        ...common,
        line: 128,
        externalId: 'CH-20260131-0007-C',
        amount: 15_000n,
        valueDate: '2026-01-31',
        references: ['ORD-1003'],
        description: 'Gutschrift QR-Rechnung',
        counterparty: null,
        metadata: batch,
      },
      {
        ...common,
        line: 140,
        externalId: 'CH-20260131-0008',
        amount: -7_500n,
        valueDate: '2026-01-30',
        references: ['ORD-0999', 'INSTR-77'],
        description: 'Storno Gutschrift',
        // A reversed credit: the other party is the debtor of the credit it reverses.
        counterparty: 'Hotel Sonnenberg',
        metadata: { bankTransactionCode: 'PMNT/RCDT/RRTN', statementId: '20260131375204000006-STMT', reversal: true, entryReference: '2' },
      },
    ]);
  });

  it('reads two 001.08 statements (Sts/Cd, Pty/Nm, Othr/Id account) and skips the pending entry', async () => {
    const events = await read(fixture('camt053-001-08-two-statements.xml'));
    expect(events.map((event) => event.type)).toEqual(['statement', 'entry', 'skipped', 'statement', 'entry']);
    expect(statementsOf(events)).toEqual([
      {
        line: 8,
        statementId: 'NL91INGB0417164300-20260131',
        accountId: 'NL91INGB0417164300',
        currency: 'EUR',
        openingBalance: 100_000n,
        closingBalance: 75_455n,
      },
      { line: 114, statementId: 'USD-7734-20260131', accountId: '7734001200', currency: 'USD', openingBalance: 0n, closingBalance: 500_000n },
    ]);
    expect(events[2]).toEqual({ type: 'skipped', line: 92, reason: "entry status 'PDNG' is not booked (BOOK)" });
    expect(entriesOf(events)).toEqual([
      {
        line: 42,
        externalId: 'INGB20260131-DB-77120',
        amount: -24_545n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: ['INV-8812', 'INGB-TX-5521987', 'PAY-2026-01-0031', 'INV-8812 drukwerk januari'],
        description: 'INV-8812 drukwerk januari',
        status: null,
        counterparty: 'Drukkerij de Vries',
        metadata: { bankTransactionCode: 'PMNT/ICDT/ESCT', statementId: 'NL91INGB0417164300-20260131', entryReference: '0001' },
      },
      {
        line: 153,
        externalId: 'INGB20260131-US-00017',
        amount: 500_000n,
        currency: 'USD',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: ['PO 55-1093 "advance" <50%>'],
        description: 'PO 55-1093 "advance" <50%>',
        status: null,
        counterparty: 'Acme Corp. (Delaware)',
        metadata: { bankTransactionCode: 'PMNT/RCDT/XBCT', statementId: 'USD-7734-20260131' },
      },
    ]);
  });

  it('reads the pending entry too when asked, marking its status in metadata', async () => {
    const events = await read(fixture('camt053-001-08-two-statements.xml'), { includeNotBooked: true });
    expect(events.map((event) => event.type)).toEqual(['statement', 'entry', 'entry', 'statement', 'entry']);
    expect(entriesOf(events)[1]).toEqual({
      line: 92,
      externalId: 'INGB20260131-PD-00912',
      amount: 8_000n,
      currency: 'EUR',
      date: '2026-02-02',
      valueDate: null,
      releaseType: null,
      references: [],
      description: null,
      status: null,
      counterparty: null,
      metadata: {
        bankTransactionCode: 'PMNT/RCDT/ESCT',
        statementId: 'NL91INGB0417164300-20260131',
        entryReference: '0002',
        entryStatus: 'PDNG',
      },
    });
  });

  it('reads a 001.13 statement with an ns2: prefix, DtTm dates taken as written and CDATA text', async () => {
    const events = await read(fixture('camt053-001-13-prefixed-datetime.xml'));
    expect(statementsOf(events)).toEqual([
      {
        line: 8,
        statementId: 'TRSY-STMT-20260131',
        accountId: 'FR7630006000011234567890189',
        currency: 'EUR',
        openingBalance: null,
        closingBalance: -4_200n,
      },
    ]);
    expect(entriesOf(events)).toEqual([
      {
        line: 29,
        externalId: 'BNP-0131-991827',
        amount: -150_000n,
        currency: 'EUR',
        // 2026-01-31T23:30:00+01:00 is 22:30 UTC, but the bank's date is the 31st: never shifted.
        date: '2026-01-31',
        valueDate: '2026-02-01',
        releaseType: null,
        references: ['SAL-2026-01', 'Salaire janvier & prime'],
        description: 'Salaire janvier & prime',
        status: null,
        counterparty: 'Élodie Marchand',
        metadata: { bankTransactionCode: 'PMNT/ICDT/SDVA', statementId: 'TRSY-STMT-20260131', entryReference: 'TRSY-0131-001' },
      },
      {
        line: 73,
        externalId: null,
        amount: 1_010n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: null,
        releaseType: null,
        references: [],
        description: 'Intérêts créditeurs',
        status: null,
        counterparty: null,
        metadata: { bankTransactionCode: 'ACMT/MDOP/INTR', statementId: 'TRSY-STMT-20260131' },
      },
    ]);
  });

  it('reads KWD amounts with 3 decimals exactly (1250.750, 0.125, and 37.5 as 37500 fils)', async () => {
    const events = await read(fixture('camt053-001-06-kwd.xml'));
    expect(statementsOf(events)).toEqual([
      {
        line: 8,
        statementId: 'STMT-KW-20260131-042',
        accountId: 'KW81CBKU0000000000001234560101',
        currency: 'KWD',
        openingBalance: 10_000_000n,
        closingBalance: 11_213_125n,
      },
    ]);
    const metadata = (code: string) => ({ bankTransactionCode: code, statementId: 'STMT-KW-20260131-042' });
    expect(entriesOf(events)).toEqual([
      {
        line: 41,
        externalId: 'KW0131-000981',
        amount: 1_250_750n,
        currency: 'KWD',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: ['KNET-77120031', 'Invoice 2026/118 - فاتورة'],
        description: 'Invoice 2026/118 - فاتورة',
        status: null,
        counterparty: 'Gulf Trading Co. W.L.L.',
        metadata: metadata('PMNT/RCDT/DMCT'),
      },
      {
        line: 78,
        externalId: 'KW0131-000982',
        amount: -125n,
        currency: 'KWD',
        date: '2026-01-31',
        valueDate: null,
        releaseType: null,
        references: [],
        description: 'Transfer charge',
        status: null,
        counterparty: null,
        metadata: metadata('PMNT/CCRD/CHRG'),
      },
      {
        line: 97,
        externalId: 'KW0131-000983',
        amount: -37_500n,
        currency: 'KWD',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: [],
        description: null,
        status: null,
        counterparty: 'Sultan Center',
        metadata: metadata('POS'),
      },
    ]);
    const sum = entriesOf(events).reduce((total, entry) => total + entry.amount, 0n);
    expect(10_000_000n + sum).toBe(11_213_125n);
  });

  it('decodes a file declared ISO-8859-1 (accents are single bytes)', async () => {
    const bytes = fixture('camt053-001-02-iso-8859-1.xml');
    expect(bytes.includes(Buffer.from('Électricité', 'latin1'))).toBe(true);
    const events = await read(bytes);
    expect(statementsOf(events)).toEqual([
      {
        line: 8,
        statementId: 'RLV-00012345601-20260131',
        accountId: 'FR7610278060000001234560148',
        currency: 'EUR',
        openingBalance: 320_000n,
        closingBalance: 278_160n,
      },
    ]);
    expect(entriesOf(events)).toEqual([
      {
        line: 44,
        externalId: 'PRLV-20260131-4471',
        amount: -41_840n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: '2026-01-31',
        releaseType: null,
        references: ['FAC-2026-01-ÉLEC', 'Prélèvement facture n° 2026-01 échéance janvier'],
        description: 'Prélèvement facture n° 2026-01 échéance janvier',
        status: null,
        counterparty: 'Électricité de France',
        metadata: { bankTransactionCode: 'PMNT/IDDT/ESDD', statementId: 'RLV-00012345601-20260131' },
      },
    ]);
  });
});

describe('readCamt053: amounts', () => {
  it('reads number-like text as text: 0010.10 EUR is 1010 cents, never 10.1', async () => {
    const events = await read(camt(ntry(`<Amt Ccy="EUR">0010.10</Amt><CdtDbtInd>DBIT</CdtDbtInd>${BOOKED}<AcctSvcrRef>000123</AcctSvcrRef>`)));
    expect(entriesOf(events)).toMatchObject([{ amount: -1_010n, currency: 'EUR', externalId: '000123' }]);
  });

  it('reads JPY without decimals and refuses decimals JPY does not have', async () => {
    const events = await read(
      camt(
        [
          ntry(`<Amt Ccy="JPY">1500000</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
          ntry(`<Amt Ccy="JPY">15.5</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
        ].join('\n'),
      ),
    );
    expect(entriesOf(events)).toMatchObject([{ amount: 1_500_000n, currency: 'JPY' }]);
    expect(problemsOf(events)).toEqual([{ line: 7, field: 'Ntry/Amt', code: 'amount_precision_exceeded', message: 'JPY has 0 decimal places; got 1' }]);
  });

  it('reads the whole signed 64-bit range, including its most negative value', async () => {
    const events = await read(
      camt(
        [
          ntry(`<Amt Ccy="JPY">9223372036854775808</Amt><CdtDbtInd>DBIT</CdtDbtInd>${BOOKED}`),
          ntry(`<Amt Ccy="JPY">9223372036854775807</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
          ntry(`<Amt Ccy="JPY">9223372036854775808</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
        ].join('\n'),
      ),
    );
    expect(entriesOf(events).map((entry) => entry.amount)).toEqual([-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n]);
    expect(problemsOf(events)).toMatchObject([{ line: 8, field: 'Ntry/Amt', code: 'amount_out_of_range' }]);
  });

  it('reports every problem of an entry at once and goes on with the next entry', async () => {
    const events = await read(
      camt(
        [
          ntry('<Amt Ccy="EUR">1,00</Amt><CdtDbtInd>CRDIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>31.01.2026</Dt></BookgDt><ValDt><Dt>2026-02-29</Dt></ValDt>'),
          ntry('<Amt>1.00</Amt><Sts>BOOK</Sts>'),
          ntry(`<Amt Ccy="XYZ">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
          ntry('<Amt Ccy="EUR">+1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-31</Dt></BookgDt>'),
          ntry(`<Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`),
        ].join('\n'),
      ),
    );
    expect(problemsOf(events)).toEqual([
      { line: 6, field: 'Ntry/Amt', code: 'amount_invalid', message: expect.stringContaining('plain decimal') },
      { line: 6, field: 'Ntry/CdtDbtInd', code: 'credit_debit_invalid', message: "credit/debit indicator must be CRDT or DBIT, got 'CRDIT'" },
      { line: 6, field: 'Ntry/BookgDt', code: 'date_invalid', message: "'31.01.2026' is not a valid calendar date" },
      { line: 6, field: 'Ntry/ValDt', code: 'date_invalid', message: "'2026-02-29' is not a valid calendar date" },
      { line: 7, field: 'Ntry/Amt/@Ccy', code: 'required', message: 'the amount has no currency (Ccy)' },
      { line: 7, field: 'Ntry/CdtDbtInd', code: 'required', message: 'the credit/debit indicator (CdtDbtInd) is missing' },
      { line: 7, field: 'Ntry/BookgDt', code: 'required', message: 'the entry has neither a booking date (BookgDt) nor a value date (ValDt)' },
      { line: 8, field: 'Ntry/Amt', code: 'currency_unknown', message: "unknown currency 'XYZ'" },
      { line: 9, field: 'Ntry/Sts', code: 'required', message: 'the entry has no status (Sts)' },
    ]);
    expect(entriesOf(events)).toMatchObject([{ line: 10, amount: 200n }]);
  });

  it('reports a missing amount as required', async () => {
    const events = await read(camt(ntry(`<CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`)));
    expect(problemsOf(events)).toEqual([{ line: 6, field: 'Ntry/Amt', code: 'required', message: 'the amount is missing' }]);
  });

  it('reports a statement balance it cannot read as a problem and leaves it null', async () => {
    const balance = '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">-5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Bal>';
    const events = await read(camt('', '08', `<Id>S-1</Id>\n${balance}`));
    expect(events).toEqual([
      {
        type: 'statement',
        statement: { line: 4, statementId: 'S-1', accountId: null, currency: null, openingBalance: null, closingBalance: null },
      },
      { type: 'problem', problem: { line: 6, field: 'Bal/Amt', code: 'amount_invalid', message: expect.stringContaining("'-5.00'") } },
    ]);
  });
});

describe('readCamt053: dates and texts', () => {
  it('takes booking date, else value date; accepts a zone on Dt and any time on DtTm', async () => {
    const events = await read(
      camt(
        [
          ntry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2026-03-01</Dt></ValDt>'),
          ntry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-31+01:00</Dt></BookgDt>'),
          ntry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2024-02-29T00:00:00.000Z</DtTm></BookgDt>'),
          ntry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2026-02-29T10:00:00</DtTm></BookgDt>'),
          ntry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2026-01-31</DtTm></BookgDt>'),
        ].join('\n'),
      ),
    );
    expect(entriesOf(events).map((entry) => [entry.date, entry.valueDate])).toEqual([
      ['2026-03-01', '2026-03-01'],
      ['2026-01-31', null],
      ['2024-02-29', null],
    ]);
    expect(problemsOf(events)).toEqual([
      { line: 9, field: 'Ntry/BookgDt', code: 'date_invalid', message: "'2026-02-29T10:00:00' is not a valid calendar date" },
      { line: 10, field: 'Ntry/BookgDt', code: 'date_invalid', message: "'2026-01-31' is not a valid calendar date" },
    ]);
  });

  it('trims texts, turns empty ones into null, joins text split by comments and decodes character references', async () => {
    const details =
      '<NtryDtls><TxDtls><Refs><EndToEndId>  E2E-1  </EndToEndId><TxId></TxId></Refs>' +
      '<RmtInf><Ustrd>  Rech<!-- folded -->nung &#8364; 5 &amp; mehr </Ustrd><Ustrd>   </Ustrd></RmtInf></TxDtls></NtryDtls>';
    const events = await read(
      camt(ntry(`<Amt Ccy="EUR"> 5.00 </Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<AcctSvcrRef> </AcctSvcrRef>${details}<AddtlNtryInf/>`)),
    );
    expect(entriesOf(events)).toEqual([
      {
        line: 6,
        externalId: null,
        amount: 500n,
        currency: 'EUR',
        date: '2026-01-31',
        valueDate: null,
        releaseType: null,
        references: ['E2E-1', 'Rechnung € 5 & mehr'],
        description: 'Rechnung € 5 & mehr',
        status: null,
        counterparty: null,
        metadata: { statementId: 'S-1' },
      },
    ]);
  });

  it('has null metadata when there is nothing to put in it', async () => {
    const events = await read(camt(ntry(`<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`), '08', ''));
    expect(entriesOf(events)).toMatchObject([{ metadata: null }]);
    expect(statementsOf(events)).toEqual([{ line: 4, statementId: null, accountId: null, currency: null, openingBalance: null, closingBalance: null }]);
  });

  it('names the counterparty only when the transaction details agree on it', async () => {
    const details = (...names: string[]) =>
      `<NtryDtls>${names.map((name) => `<TxDtls><RltdPties><Dbtr><Nm>${name}</Nm></Dbtr></RltdPties></TxDtls>`).join('')}</NtryDtls>`;
    const events = await read(
      camt(
        [
          ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}${details('Ana', 'Ana')}`),
          ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}${details('Ana', 'Bo')}`),
          ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>${BOOKED}${details('Ana')}`),
        ].join('\n'),
      ),
    );
    expect(entriesOf(events).map((entry) => entry.counterparty)).toEqual(['Ana', null, null]);
  });
});

describe('readCamt053: batches', () => {
  const txDetails = (amount: string, extra = '') => `<TxDtls>${extra}${amount}</TxDtls>`;

  it('reports a batch whose details do not add up to the entry as batch_sum_mismatch', async () => {
    const events = await read(
      camt(
        ntry(
          `<Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<NtryDtls>` +
            txDetails('<Amt Ccy="EUR">60.00</Amt>') +
            txDetails('<Amt Ccy="EUR">30.00</Amt>') +
            '</NtryDtls>',
        ),
      ),
    );
    expect(events.map((event) => event.type)).toEqual(['statement', 'problem']);
    expect(problemsOf(events)).toEqual([
      {
        line: 6,
        field: 'Ntry/NtryDtls',
        code: 'batch_sum_mismatch',
        message: 'the 2 transaction details add up to 90.00 EUR but the entry amount is 100.00 EUR',
      },
    ]);
  });

  it('signs each detail by its own CdtDbtInd, else the entry one, and numbers ids after the entry reference', async () => {
    const events = await read(
      camt(
        [
          '<Ntry>',
          `<Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<AcctSvcrRef>B-7</AcctSvcrRef>`,
          '<NtryDtls>',
          txDetails('<Amt Ccy="EUR">100.00</Amt>'),
          txDetails('<Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'),
          '</NtryDtls>',
          '</Ntry>',
        ].join('\n'),
      ),
    );
    expect(entriesOf(events).map((entry) => [entry.line, entry.externalId, entry.amount])).toEqual([
      [9, 'B-7/1', 10_000n],
      [10, 'B-7/2', -2_000n],
    ]);
  });

  it('splits a 001.02 batch by AmtDtls/TxAmt/Amt; ids are null without any AcctSvcrRef', async () => {
    const amount = (value: string) => `<AmtDtls><TxAmt><Amt Ccy="EUR">${value}</Amt></TxAmt></AmtDtls>`;
    const events = await read(
      camt(
        ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-31</Dt></BookgDt><NtryDtls>${txDetails(amount('1.00'))}${txDetails(amount('2.00'))}</NtryDtls>`),
        '02',
      ),
    );
    expect(entriesOf(events).map((entry) => [entry.externalId, entry.amount])).toEqual([
      [null, -100n],
      [null, -200n],
    ]);
  });

  it('keeps one entry when a detail has no amount or one in another currency, merging their references', async () => {
    const events = await read(
      camt(
        [
          ntry(
            `<Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<AcctSvcrRef>M-1</AcctSvcrRef><NtryDtls>` +
              txDetails('<Amt Ccy="EUR">2.00</Amt>', '<Refs><EndToEndId>A</EndToEndId></Refs>') +
              txDetails('', '<Refs><EndToEndId>B</EndToEndId></Refs>') +
              '</NtryDtls>',
          ),
          ntry(
            `<Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<NtryDtls>` +
              txDetails('<Amt Ccy="USD">2.00</Amt>', '<Refs><EndToEndId>C</EndToEndId></Refs>') +
              txDetails('<Amt Ccy="EUR">3.00</Amt>', '<Refs><EndToEndId>C</EndToEndId></Refs>') +
              '</NtryDtls>',
          ),
        ].join('\n'),
      ),
    );
    expect(entriesOf(events).map((entry) => [entry.line, entry.externalId, entry.amount, entry.references])).toEqual([
      [6, 'M-1', 500n, ['A', 'B']],
      [7, null, 500n, ['C']],
    ]);
  });

  it('reports a bad amount of one detail on the line of that TxDtls', async () => {
    const events = await read(
      camt(
        [
          '<Ntry>',
          `<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}<NtryDtls>`,
          txDetails('<Amt Ccy="EUR">1.001</Amt>'),
          txDetails('<Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CREDIT</CdtDbtInd>'),
          '</NtryDtls></Ntry>',
        ].join('\n'),
      ),
    );
    expect(problemsOf(events)).toEqual([
      { line: 8, field: 'TxDtls/Amt', code: 'amount_precision_exceeded', message: 'EUR has 2 decimal places; got 3' },
      { line: 9, field: 'TxDtls/CdtDbtInd', code: 'credit_debit_invalid', message: "credit/debit indicator must be CRDT or DBIT, got 'CREDIT'" },
    ]);
    expect(entriesOf(events)).toEqual([]);
  });
});

describe('readCamt053: message type', () => {
  const document = (open: string, close: string, inner = '<BkToCstmrStmt/>') => `<?xml version="1.0"?>\n${open}${inner}${close}`;

  it.each(['02', '04', '10', '13', '99'])('accepts camt.053.001.%s', async (version) => {
    await expect(read(camt(ntry(`<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${BOOKED}`), version))).resolves.toHaveLength(2);
  });

  it('accepts a Document without a namespace, and any prefix bound to the camt.053 namespace', async () => {
    await expect(read(document('<Document>', '</Document>'))).resolves.toEqual([]);
    const prefixed = document(
      '<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
      '</c:Document>',
      '<c:BkToCstmrStmt><c:Stmt><c:Id>P</c:Id></c:Stmt></c:BkToCstmrStmt>',
    );
    await expect(read(prefixed)).resolves.toMatchObject([{ type: 'statement', statement: { statementId: 'P' } }]);
  });

  it.each([
    ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01">', '</Document>', '<BkToCstmrStmt/>', 'camt.053.001.01, a version older'],
    ['<Document xmlns="urn:example:bank:statement">', '</Document>', '<BkToCstmrStmt/>', "namespace 'urn:example:bank:statement'"],
    ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02">', '</Document>', '<CstmrDrctDbtInitn/>', 'pain.008 (direct debit initiation)'],
    ['<Document>', '</Document>', '<BkToCstmrAcctRpt/>', 'camt.052 (account report)'],
    ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">', '</Document>', '<Foo/>', 'a Document holding <Foo>'],
    ['<MT940>', '</MT940>', '', 'root element <MT940>'],
  ])('refuses %s%s%s as unsupported_message_type', async (open, close, inner, what) => {
    await expect(read(document(open, close, inner))).rejects.toMatchObject({
      code: 'unsupported_message_type',
      message: expect.stringContaining(what),
      errors: [{ field: 'Document', code: 'unsupported_message_type' }],
    });
  });

  it('refuses a root prefix bound to no namespace as xml_malformed', async () => {
    await expect(read(document('<ns2:Document>', '</ns2:Document>'))).rejects.toMatchObject({
      code: 'xml_malformed',
      message: 'line 2: the XML is malformed: the prefix of <ns2:Document> is not bound to a namespace',
    });
  });
});

describe('readCamt053: statements', () => {
  it('accepts the same statement id for two different accounts', async () => {
    const statement = (iban: string) => `<Stmt><Id>DAY-31</Id><Acct><Id><IBAN>${iban}</IBAN></Id></Acct></Stmt>`;
    const xml = camt('', '08', '<Id>A</Id>').replace('<Stmt>\n<Id>A</Id>\n\n</Stmt>', statement('DE89370400440532013000') + statement('DE02120300000000202051'));
    expect(statementsOf(await read(xml)).map((statement) => [statement.statementId, statement.accountId])).toEqual([
      ['DAY-31', 'DE89370400440532013000'],
      ['DAY-31', 'DE02120300000000202051'],
    ]);
  });
});
