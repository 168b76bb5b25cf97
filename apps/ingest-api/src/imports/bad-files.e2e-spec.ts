import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectProblem } from '@concilia/testing';
import { readCamt053, readCsv, readMt940, type StatementFileEvent } from '@concilia/statement-files';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/**
 * RELIABILITY.md's bad files, uploaded through the API: each answers its 4xx problem and leaves
 * the reconciliation's entries and counters exactly as they were (the readers' own tests assert
 * the details of each).
 */
const FIXTURES = join(__dirname, '../../../../libs/statement-files/src');

const BAD_FILES: [file: string, status: number, code: string, options: Record<string, unknown> | null][] = [
  ['camt053/fixtures/bad/doctype-xxe.xml', 422, 'xml_dtd_forbidden', null],
  ['camt053/fixtures/bad/billion-laughs.xml', 422, 'xml_dtd_forbidden', null],
  ['camt053/fixtures/bad/undefined-entity.xml', 422, 'xml_malformed', null],
  ['camt053/fixtures/bad/truncated.xml', 422, 'xml_malformed', null],
  ['camt053/fixtures/bad/camt052-account-report.xml', 422, 'unsupported_message_type', null],
  ['camt053/fixtures/bad/camt054-notification.xml', 422, 'unsupported_message_type', null],
  ['camt053/fixtures/bad/pain001-credit-transfer.xml', 422, 'unsupported_message_type', null],
  ['camt053/fixtures/bad/negative-amount.xml', 422, 'import_rows_invalid', null],
  ['camt053/fixtures/bad/six-decimal-amount.xml', 422, 'import_rows_invalid', null],
  ['camt053/fixtures/bad/statement-twice.xml', 422, 'statement_repeated', null],
  ['mt940/fixtures/broken-statement-lines.sta', 422, 'import_rows_invalid', null],
  ['mt940/fixtures/balance-mismatch.sta', 422, 'balance_mismatch', null],
  ['mt940/fixtures/not-mt940.txt', 422, 'mt940_malformed', { format: 'mt940' }],
  // Statements of two accounts (EUR and USD) in one file: import each account's statements into its own reconciliation.
  ['camt053/fixtures/camt053-001-08-two-statements.xml', 422, 'statement_account_mismatch', null],
  ['mt940/fixtures/deutsche-bank-envelope.sta', 422, 'statement_account_mismatch', null],
  ['csv/fixtures/bad-unbalanced-quote.csv', 422, 'csv_malformed', null],
  ['csv/fixtures/bad-repeated-header.csv', 422, 'csv_header_invalid', null],
  [
    'csv/fixtures/bad-amount-notation.csv',
    422,
    'import_rows_invalid',
    { delimiter: ';', decimalSeparator: ',', thousandsSeparator: '.', dateFormat: 'dd.MM.yyyy', columns: { date: 'Datum', amount: 'Betrag', description: 'Text' } },
  ],
];

describe('bad statement files (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  it.each(BAD_FILES)('%s answers %i %s and changes nothing', async (file, status, code, options) => {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, { currency: 'EUR', kind: 'BANK' });
    const { id } = await h.api.createReconciliation(tenant.key, account.id);
    const fields: Record<string, string> = {};
    if (options && 'format' in options) fields['format'] = String(options['format']);
    else if (options) fields['profileId'] = (await h.api.post('/v1/import-profiles', { name: file, ...options }, tenant.key)).json().id;
    const before = (await h.api.get(`/v1/reconciliations/${id}`, tenant.key)).json();

    const content = readFileSync(join(FIXTURES, file));
    const response = await h.api.upload(`/v1/reconciliations/${id}/imports`, { file: { content, fileName: file.split('/').pop() }, fields }, tenant.key);
    expectProblem(response, status, code);
    expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [id])).toBe(0);
    const after = (await h.api.get(`/v1/reconciliations/${id}`, tenant.key)).json();
    expect({ status: after.status, count: after.statementEntryCount, summary: after.summary }).toEqual({ status: before.status, count: before.statementEntryCount, summary: before.summary });
  });
});

/** The readers' realistic fixtures, through the API: every entry the reader yields is stored. */
const GOOD_FILES = [
  'camt053/fixtures/camt053-001-02-german-bank.xml',
  'camt053/fixtures/camt053-001-02-iso-8859-1.xml',
  'camt053/fixtures/camt053-001-04-batch-and-reversal.xml',
  'camt053/fixtures/camt053-001-06-kwd.xml',
  'camt053/fixtures/camt053-001-13-prefixed-datetime.xml',
  'mt940/fixtures/sparkasse-iso-8859-1.sta',
  'mt940/fixtures/ing-nl.sta',
  'csv/fixtures/default-comma.csv',
  'csv/fixtures/default-semicolon.csv',
];

describe('real statement files (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  it.each(GOOD_FILES)('%s imports every entry its reader yields', async (file) => {
    const content = readFileSync(join(FIXTURES, file));
    const events: StatementFileEvent[] = [];
    const format = file.startsWith('camt053') ? 'camt.053' : file.startsWith('mt940') ? 'mt940' : 'csv';
    const reader = format === 'camt.053' ? readCamt053(chunks(content)) : format === 'mt940' ? readMt940(chunks(content), { encoding: file.includes('iso-8859-1') ? 'windows-1252' : 'utf-8' }) : readCsv(chunks(content), 'default', { side: 'statement', currency: 'EUR' });
    for await (const event of reader) events.push(event);
    const statement = events.find((event) => event.type === 'statement');
    const currency = (statement?.type === 'statement' ? statement.statement.currency : null) ?? 'EUR';
    const entries = events.filter((event) => event.type === 'entry').length;
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, { currency, kind: 'BANK' });
    const { id } = await h.api.createReconciliation(tenant.key, account.id);
    const response = await h.api.upload(`/v1/reconciliations/${id}/imports`, { file: { content } }, tenant.key);
    expect({ status: response.statusCode, format: response.json().format }).toEqual({ status: 201, format });
    expect(entries).toBeGreaterThan(0);
    expect(response.json().imported + response.json().duplicates).toBe(entries);
    expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [id])).toBe(response.json().imported);
  });
});

async function* chunks(content: Buffer): AsyncGenerator<Buffer> {
  yield content;
}
