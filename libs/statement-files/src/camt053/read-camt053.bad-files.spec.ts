import { DomainError } from '@concilia/domain';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SaxesParser } from 'saxes';
import { FILE_ERROR_CODES, type StatementFileEvent } from '../statement-file.types';
import { readCamt053 } from './read-camt053';

const FIXTURES = join(__dirname, 'fixtures');
const BAD = join(FIXTURES, 'bad');

function fixture(path: string): Buffer {
  return readFileSync(path);
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function* parts(...pieces: Buffer[]): AsyncGenerator<Buffer> {
  yield* pieces;
}

interface Outcome {
  events: StatementFileEvent[];
  error: { code: string; message: string; errors: unknown } | null;
}

/** Everything the reader yields, then what it throws (a DomainError, or the test fails). */
async function outcome(source: AsyncIterable<Buffer>): Promise<Outcome> {
  const events: StatementFileEvent[] = [];
  try {
    for await (const event of readCamt053(source)) events.push(event);
    return { events, error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { events, error: { code: error.code, message: error.message, errors: error.errors } };
  }
}

function read(xml: string | Buffer, chunkSize?: number): Promise<Outcome> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  return outcome(chunks(bytes, chunkSize ?? Math.max(bytes.length, 1)));
}

/** Records the text handed to saxes, to prove what it never saw. */
function spyOnParser(): { text: () => string; restore: () => void } {
  const written: string[] = [];
  const original = SaxesParser.prototype.write;
  const spy = jest.spyOn(SaxesParser.prototype, 'write').mockImplementation(function (this: SaxesParser, chunk) {
    if (typeof chunk === 'string') written.push(chunk);
    return original.call(this, chunk);
  });
  return { text: () => written.join(''), restore: () => spy.mockRestore() };
}

const CAMT_START = '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n<Stmt>\n';
const CAMT_END = '\n</Stmt>\n</BkToCstmrStmt>\n</Document>\n';
const ENTRY_START = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-01-31</Dt></BookgDt>';

describe('readCamt053: bad files of RELIABILITY.md', () => {
  it.each([
    ['doctype-xxe.xml', 'xml_dtd_forbidden', 'line 2: the file has a <!DOCTYPE> declaration; DTDs are refused (entity expansion, external entities)'],
    ['billion-laughs.xml', 'xml_dtd_forbidden', 'line 2: the file has a <!DOCTYPE> declaration; DTDs are refused (entity expansion, external entities)'],
    ['truncated.xml', 'xml_malformed', 'line 21: the XML is malformed: unclosed tag: CdtDbtInd'],
    ['undefined-entity.xml', 'xml_malformed', 'line 13: the XML is malformed: undefined entity.'],
    [
      'camt052-account-report.xml',
      'unsupported_message_type',
      'line 2: the file is camt.052 (account report): urn:iso:std:iso:20022:tech:xsd:camt.052.001.08; only camt.053 bank statements (Document/BkToCstmrStmt, version 001.02 or later) are read',
    ],
    ['camt054-notification.xml', 'unsupported_message_type', expect.stringContaining('line 2: the file is camt.054 (debit/credit notification)')],
    ['pain001-credit-transfer.xml', 'unsupported_message_type', expect.stringContaining('line 2: the file is pain.001 (credit transfer initiation)')],
    ['statement-twice.xml', 'statement_repeated', "line 25: statement 'DUP-STMT-2026-021' of the same account was already in the file at line 8"],
  ])('refuses %s with %s', async (name, code, message) => {
    const { error } = await read(fixture(join(BAD, name)));
    expect(error).toEqual({ code, message, errors: [{ field: expect.any(String), code, message }] });
  });

  it('reads nothing past a DOCTYPE, and the parser never sees it (XXE: nothing fetched, no entity expanded)', async () => {
    const parser = spyOnParser();
    try {
      const { events, error } = await read(fixture(join(BAD, 'doctype-xxe.xml')));
      expect(events).toEqual([]);
      expect(error?.code).toBe('xml_dtd_forbidden');
      expect(parser.text()).toBe('<?xml version="1.0" encoding="UTF-8"?>\n');
    } finally {
      parser.restore();
    }
  });

  it('refuses a DOCTYPE split across chunks at any point, before the parser sees any of it', async () => {
    const bytes = fixture(join(BAD, 'doctype-xxe.xml'));
    const start = bytes.indexOf('<!DOCTYPE');
    for (let split = start; split <= start + '<!DOCTYPE'.length; split += 1) {
      const parser = spyOnParser();
      try {
        const { error } = await outcome(parts(bytes.subarray(0, split), bytes.subarray(split)));
        expect(error).toMatchObject({ code: 'xml_dtd_forbidden', message: expect.stringMatching(/^line 2: /) });
        expect(parser.text()).not.toContain('<!');
      } finally {
        parser.restore();
      }
    }
  });

  it.each([
    ['lower case, after the root', `${CAMT_START}<!doctype x>${CAMT_END}`, 5],
    ['inside a comment', `${CAMT_START}<!-- <!DocType x> -->${CAMT_END}`, 5],
  ])('refuses a DOCTYPE in %s too', async (_where, xml, line) => {
    await expect(read(xml, 3)).resolves.toMatchObject({ error: { code: 'xml_dtd_forbidden', message: expect.stringMatching(`^line ${line}: `) } });
  });

  it('reports a negative amount as amount_invalid and reads on', async () => {
    const { events, error } = await read(fixture(join(BAD, 'negative-amount.xml')));
    expect(error).toBeNull();
    expect(events.map((event) => event.type)).toEqual(['statement', 'problem', 'entry']);
    expect(events[1]).toEqual({
      type: 'problem',
      problem: { line: 15, field: 'Ntry/Amt', code: 'amount_invalid', message: "amounts are unsigned in camt.053 (the direction is CdtDbtInd), got '-10.00'" },
    });
    expect(events[2]).toMatchObject({ type: 'entry', entry: { line: 24, externalId: 'NEG-0002', amount: 1_000n } });
  });

  it('reports a 6-decimal amount as amount_precision_exceeded, and an impossible date', async () => {
    const { events, error } = await read(fixture(join(BAD, 'six-decimal-amount.xml')));
    expect(error).toBeNull();
    expect(events.filter((event) => event.type === 'problem')).toEqual([
      { type: 'problem', problem: { line: 16, field: 'Ntry/Amt', code: 'amount_precision_exceeded', message: 'EUR has 2 decimal places; got 6' } },
      { type: 'problem', problem: { line: 25, field: 'Ntry/BookgDt', code: 'date_invalid', message: "'2026-02-30' is not a valid calendar date" } },
    ]);
  });

  it('yields the entries before a truncation, then refuses the file', async () => {
    const { events, error } = await read(fixture(join(BAD, 'truncated.xml')));
    expect(events.map((event) => event.type)).toEqual(['statement', 'entry']);
    expect(error?.code).toBe('xml_malformed');
  });
});

describe('readCamt053: chunking', () => {
  const files = [
    ...readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.xml'))
      .map((name) => join(FIXTURES, name)),
    ...readdirSync(BAD).map((name) => join(BAD, name)),
  ];

  it.each(files.map((path) => [relative(FIXTURES, path), path]))('reads %s the same in 1-byte and 7-byte chunks as in one chunk', async (_name, path) => {
    const bytes = fixture(path);
    const whole = await read(bytes);
    expect(whole.events.length + (whole.error ? 1 : 0)).toBeGreaterThan(0);
    await expect(read(bytes, 1)).resolves.toEqual(whole);
    await expect(read(bytes, 7)).resolves.toEqual(whole);
  });
});

describe('readCamt053: hostile input', () => {
  const big = 2 * 1_048_576;

  it('refuses nesting deeper than 64 elements', async () => {
    const xml = `${CAMT_START}${ENTRY_START}\n${'<X>'.repeat(100)}${'</X>'.repeat(100)}</Ntry>${CAMT_END}`;
    await expect(read(xml)).resolves.toMatchObject({
      error: { code: 'xml_malformed', message: 'line 6: the XML is malformed: elements are nested more than 64 deep' },
    });
  });

  it.each([
    ['a text', `<AddtlNtryInf>${'a'.repeat(big)}</AddtlNtryInf>`],
    ['an attribute value full of >', `<Amt Ccy="${'>'.repeat(big)}">1</Amt>`],
    ['a comment full of >', `<!--${'->'.repeat(big / 2)}-->`],
    ['a CDATA section', `<AddtlNtryInf><![CDATA[${']>'.repeat(big / 2)}]]></AddtlNtryInf>`],
    ['a processing instruction', `<?pi ${'>'.repeat(big)}?>`],
    ['a tag name', `<${'N'.repeat(big)}/>`],
  ])('refuses %s over 1 MB before the parser buffers it', async (_what, construct) => {
    const parser = spyOnParser();
    try {
      const xml = `${CAMT_START}${ENTRY_START}\n${construct}</Ntry>${CAMT_END}`;
      const { events, error } = await read(xml, 65_536);
      expect(error).toEqual({
        code: 'xml_malformed',
        message: 'line 6: the XML is malformed: a text or markup is longer than 1048576 characters',
        errors: [expect.objectContaining({ field: 'line 6' })],
      });
      expect(events.map((event) => event.type)).toEqual(['statement']);
      expect(parser.text().length).toBeLessThan(1_048_576 + 1_000);
    } finally {
      parser.restore();
    }
  });

  it('refuses an element whose text, split by comments, is over 1 MB', async () => {
    const half = 'a'.repeat(600_000);
    const xml = `${CAMT_START}${ENTRY_START}\n<AddtlNtryInf>${half}<!---->${half}</AddtlNtryInf></Ntry>${CAMT_END}`;
    await expect(read(xml)).resolves.toMatchObject({
      error: { code: 'xml_malformed', message: "line 6: the XML is malformed: an element's text is longer than 1048576 characters" },
    });
  });

  it('refuses one entry holding more than 16 MB of transaction details', async () => {
    const details = `<TxDtls><RmtInf><Ustrd>${'u'.repeat(900_000)}</Ustrd></RmtInf></TxDtls>\n`.repeat(20);
    const xml = `${CAMT_START}${ENTRY_START}\n<NtryDtls>\n${details}</NtryDtls></Ntry>${CAMT_END}`;
    await expect(read(xml)).resolves.toMatchObject({
      error: { code: 'xml_malformed', message: 'line 5: the XML is malformed: the entry (Ntry) holds more than 16777216 characters of details' },
    });
  });

  it.each([
    ['an empty file', 'xml_malformed', ''],
    ['mismatched tags', 'xml_malformed', `${CAMT_START}${ENTRY_START}</Amt></Ntry>${CAMT_END}`],
    ['text after the root', 'xml_malformed', `${CAMT_START}${CAMT_END}trailing`],
    ['a character reference to NUL', 'xml_malformed', `${CAMT_START}<Id>&#0;</Id>${CAMT_END}`],
    ['an unclosed XML declaration', 'xml_malformed', `<?xml version="1.0" ${' '.repeat(2_000)}`],
    ['a PNG named .xml', 'encoding_invalid', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])],
    ['UTF-16 (BOM)', 'encoding_invalid', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CAMT_START, 'utf16le')])],
    ['a declared encoding not supported', 'encoding_invalid', '<?xml version="1.0" encoding="Shift_JIS"?><Document/>'],
    ['a UTF-8 BOM on a file declared ISO-8859-1', 'encoding_invalid', Buffer.from(`\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><Document/>`, 'utf8')],
    ['Latin-1 bytes in a file declared UTF-8', 'encoding_invalid', Buffer.from(`${CAMT_START}<Id>Müller</Id>${CAMT_END}`, 'latin1')],
  ])('refuses %s with %s', async (_what, code, xml) => {
    await expect(read(xml)).resolves.toMatchObject({ error: { code } });
  });

  it('reads Windows-1252 (the euro sign is byte 0x80)', async () => {
    const xml = `<?xml version="1.0" encoding="windows-1252"?>\n${CAMT_START.split('\n').slice(1).join('\n')}<Id>€ 5</Id>${CAMT_END}`;
    const { events } = await read(Buffer.from(xml.replace('€', '\u0080'), 'latin1'));
    expect(events).toMatchObject([{ type: 'statement', statement: { statementId: '€ 5' } }]);
  });

  it('never crashes on arbitrary bytes: it yields events or throws a DomainError with a file code', async () => {
    const codes = new Set<string>([...FILE_ERROR_CODES, 'statement_repeated']);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 50 }), async (bytes, size) => {
        const { error } = await read(Buffer.from(bytes), size);
        if (error) expect(codes).toContain(error.code);
      }),
    );
  });

  it('never crashes on XML-like junk: it yields events or throws a DomainError with a file code', async () => {
    const codes = new Set<string>([...FILE_ERROR_CODES, 'statement_repeated']);
    const token = fc.constantFrom(
      '<?xml version="1.0"?>',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
      '</Document>',
      '<BkToCstmrStmt>',
      '</BkToCstmrStmt>',
      '<Stmt>',
      '</Stmt>',
      '<Id>1</Id>',
      '<Ntry>',
      '</Ntry>',
      '<Amt Ccy="EUR">',
      '</Amt>',
      '1.00',
      '-1',
      '<CdtDbtInd>CRDT</CdtDbtInd>',
      '<Sts>BOOK</Sts>',
      '<BookgDt><Dt>2026-01-31</Dt></BookgDt>',
      '<NtryDtls><TxDtls>',
      '</TxDtls></NtryDtls>',
      '<',
      '>',
      '&',
      '&amp;',
      '"',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '<!DOCTYPE',
      '\n',
      'ü',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), async (tokens, size) => {
        const { events, error } = await read(tokens.join(''), size);
        if (error) expect(codes).toContain(error.code);
        for (const event of events) expect(['statement', 'entry', 'problem', 'skipped']).toContain(event.type);
      }),
    );
  });
});
