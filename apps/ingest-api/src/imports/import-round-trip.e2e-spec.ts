import fc from 'fast-check';
import { formatAmount } from '@concilia/domain';
import { camt053Chunks, csvChunks, mt940Chunks } from '@concilia/statement-files/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/**
 * Generated entries → a file in each format → POST .../imports → the same entries in the
 * database, exactly: amounts in minor units (0, 2 and 3-decimal currencies), signs, dates and ids.
 */
interface GeneratedEntry {
  externalId: string;
  amount: bigint;
  date: string;
  description: string;
}

const CURRENCIES = ['EUR', 'JPY', 'KWD'] as const;
const IBAN = 'DE89370400440532013000';

const entryArbitrary = fc.record({
  amount: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).filter((amount) => amount !== 0n),
  day: fc.integer({ min: 1, max: 28 }),
  description: fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom(...'abcXYZ 0129-/,;.éüçã€"\''.split('')) }).filter((text) => text.trim().length > 0),
});

const statementArbitrary = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  entries: fc.array(entryArbitrary, { minLength: 1, maxLength: 25 }),
});

function toEntries(generated: { amount: bigint; day: number; description: string }[]): GeneratedEntry[] {
  return generated.map((entry, index) => ({
    externalId: `REF${index + 1}`,
    amount: entry.amount,
    date: `2026-01-${String(entry.day).padStart(2, '0')}`,
    description: entry.description.trim(),
  }));
}

function csvFile(entries: GeneratedEntry[], currency: string): string {
  return [...csvChunks(entries.map((entry) => ({ ...entry, currency })), 'default')].join('');
}

function camtFile(entries: GeneratedEntry[], currency: string): string {
  const statement = {
    id: 'STMT-1',
    iban: IBAN,
    currency,
    entries: entries.map((entry) => ({ amount: entry.amount, currency, bookingDate: entry.date, accountServicerReference: entry.externalId, status: 'BOOK' })),
  };
  return [...camt053Chunks([statement], { version: 8 })].join('');
}

function mt940File(entries: GeneratedEntry[], currency: string): string {
  const statement = {
    reference: 'STMT1',
    accountId: IBAN,
    currency,
    openingBalance: 0n,
    openingDate: '2026-01-01',
    entries: entries.map((entry) => ({ amount: entry.amount, valueDate: entry.date, bankReference: entry.externalId })),
  };
  return [...mt940Chunks([statement])].join('');
}

describe('import round trip (e2e, property)', () => {
  let h: IngestApiHarness;
  let key: string;

  beforeAll(async () => {
    h = await startIngestApi();
    key = (await h.api.createTenant()).key;
  });

  afterAll(() => h.close());

  let period = 0;
  /** A fresh account in this currency and a reconciliation of its own month. */
  async function reconciliation(currency: string): Promise<string> {
    const account = await h.api.createAccount(key, { currency, kind: 'BANK', externalId: IBAN });
    period += 1;
    const year = 2000 + period;
    const created = await h.api.createReconciliation(key, account.id, { periodStart: `${year}-01-01`, periodEnd: `${year}-01-31` });
    return created.id as string;
  }

  const cases: [string, (entries: GeneratedEntry[], currency: string) => string][] = [
    ['csv', csvFile],
    ['camt.053', camtFile],
    ['mt940', mt940File],
  ];

  it.each(cases)('imports exactly the generated entries from a %s file', async (format, write) => {
    await fc.assert(
      fc.asyncProperty(statementArbitrary, async ({ currency, entries: generated }) => {
        const entries = toEntries(generated);
        const id = await reconciliation(currency);
        const response = await h.api.upload(`/v1/reconciliations/${id}/imports`, { file: { content: write(entries, currency) } }, key);
        expect({ status: response.statusCode, format: response.json().format, imported: response.json().imported }).toEqual({ status: 201, format, imported: entries.length });
        const stored = await h.db.query<{ external_id: string; amount: string; currency: string; date: string; description: string | null }>(
          `SELECT external_id, amount::text, currency, entry_date::text AS date, description FROM statement_entries WHERE reconciliation_id = $1 ORDER BY external_id`,
          [id],
        );
        const expected = [...entries].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
        expect(stored.map(({ external_id, amount, currency: storedCurrency, date }) => ({ external_id, amount, currency: storedCurrency, date }))).toEqual(
          expected.map((entry) => ({ external_id: entry.externalId, amount: entry.amount.toString(), currency, date: entry.date })),
        );
        if (format === 'csv') expect(stored.map((row) => row.description)).toEqual(expected.map((entry) => entry.description));
        const total = entries.reduce((sum, entry) => sum + entry.amount, 0n);
        const summary = (await h.api.get(`/v1/reconciliations/${id}`, key)).json().summary;
        expect(summary.statementEntries).toEqual({ count: entries.length, amount: formatAmount(total, currency) });
      }),
      { numRuns: 12 },
    );
  });
});
