import { randomUUID } from 'node:crypto';
import { ledgerEntry, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

function fieldsOf(body: { errors?: { field: string }[] }): string[] {
  return (body.errors ?? []).map((error) => error.field);
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let i = 1; i < levels; i++) value = { child: value };
  return value;
}

type Entry = Record<string, unknown>;

describe('ledger entries (e2e)', () => {
  let h: IngestApiHarness;
  let key: string;

  beforeAll(async () => {
    // These tests send hundreds of requests a second with one key: the rate limit is tested elsewhere.
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
    key = (await h.api.createTenant()).key;
  });

  afterAll(() => h.close());

  const post = (accountId: string, body: unknown, options = {}) => h.api.post(`/v1/accounts/${accountId}/ledger-entries`, body, key, options);

  async function storedOf(accountId: string) {
    return h.db.query<{ external_id: string; amount: string; updated_at: string }>(
      'SELECT external_id, amount, updated_at::text AS updated_at FROM ledger_entries WHERE account_id = $1 ORDER BY external_id',
      [accountId],
    );
  }

  describe('bulk upsert', () => {
    it('counts created, then unchanged (writing nothing), then updated', async () => {
      const account = await h.api.createAccount(key);
      const entries: Entry[] = Array.from({ length: 25 }, (_, i) =>
        ledgerEntry({ externalId: `PED-${1000 + i}`, amount: `${i + 1}.50`, references: [`REF-${i}`], metadata: { line: i, tags: ['a', 'b'] } }),
      );

      const first = await post(account.id, { entries });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ created: 25, updated: 0, unchanged: 0 });
      expect(await h.db.count('ledger_entries', 'account_id = $1', [account.id])).toBe(25);
      const afterFirst = await storedOf(account.id);

      const again = await post(account.id, { entries });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: 25 });
      expect(await storedOf(account.id)).toEqual(afterFirst);

      const changed = entries.map((entry, i) => (i === 7 ? { ...entry, amount: '999.99' } : entry));
      const third = await post(account.id, { entries: changed });
      expect(third.statusCode).toBe(200);
      expect(third.json()).toEqual({ created: 0, updated: 1, unchanged: 24 });
      const afterThird = await storedOf(account.id);
      expect(afterThird).toHaveLength(25);
      afterThird.forEach((row, i) => {
        if (row.external_id === 'PED-1007') {
          expect(row.amount).toBe('99999');
          expect(row.updated_at).not.toBe(afterFirst[i].updated_at);
        } else {
          expect(row).toEqual(afterFirst[i]);
        }
      });

      // A mix: one new, one with a changed description, the rest as stored.
      const mixed = [...changed.map((entry, i) => (i === 3 ? { ...entry, description: 'now described' } : entry)), ledgerEntry({ externalId: 'PED-NEW' })];
      const fourth = await post(account.id, { entries: mixed });
      expect(fourth.json()).toEqual({ created: 1, updated: 1, unchanged: 24 });
      expect(await h.db.count('ledger_entries', 'account_id = $1', [account.id])).toBe(26);
    });

    it('keeps one row per externalId per account; the same externalId in another account is another entry', async () => {
      const a = await h.api.createAccount(key);
      const b = await h.api.createAccount(key);
      const entry = ledgerEntry({ externalId: 'SHARED-1' });
      expect((await post(a.id, { entries: [entry] })).json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
      expect((await post(b.id, { entries: [entry] })).json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
      expect((await post(a.id, { entries: [entry] })).json()).toEqual({ created: 0, updated: 0, unchanged: 1 });
      expect(await h.db.count('ledger_entries', "external_id = 'SHARED-1' AND account_id = ANY($1::uuid[])", [[a.id, b.id]])).toBe(2);
    });

    it('concurrent overlapping batches in opposite orders both succeed and leave one row per externalId', async () => {
      const account = await h.api.createAccount(key);
      const entries = Array.from({ length: 2000 }, (_, i) => ledgerEntry({ externalId: `RACE-${i}`, amount: '5.00' }));
      const [forward, backward] = await Promise.all([post(account.id, { entries }), post(account.id, { entries: [...entries].reverse() })]);
      expect([forward.statusCode, backward.statusCode]).toEqual([200, 200]);
      const counts = [forward.json(), backward.json()];
      expect(counts.map((c) => c.created + c.updated + c.unchanged)).toEqual([2000, 2000]);
      expect(counts[0].created + counts[1].created).toBe(2000);
      const rows = await h.db.query<{ n: number; distinct_ids: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids FROM ledger_entries WHERE account_id = $1',
        [account.id],
      );
      expect(rows).toEqual([{ n: 2000, distinct_ids: 2000 }]);
    });

    it('stores amounts exactly as bigint minor units and returns them as decimal strings', async () => {
      const brl = await h.api.createAccount(key, { currency: 'BRL' });
      const jpy = await h.api.createAccount(key, { currency: 'JPY' });
      const kwd = await h.api.createAccount(key, { currency: 'KWD' });
      const cases: [string, string, unknown, string, string][] = [
        // account, externalId, amount sent, minor units stored, amount returned
        [brl.id, 'BRL-STR', '1234.56', '123456', '1234.56'],
        [brl.id, 'BRL-NUM', 12.5, '1250', '12.50'],
        [brl.id, 'BRL-NEG', '-0.01', '-1', '-0.01'],
        [brl.id, 'BRL-BIG', '92233720368547758.07', '9223372036854775807', '92233720368547758.07'],
        [jpy.id, 'JPY-NEG', '-8', '-8', '-8'],
        [jpy.id, 'JPY-NUM', 1500, '1500', '1500'],
        [kwd.id, 'KWD-STR', '1.234', '1234', '1.234'],
        [kwd.id, 'KWD-SHORT', '0.5', '500', '0.500'],
      ];
      const currencyOf: Record<string, string> = { [brl.id]: 'BRL', [jpy.id]: 'JPY', [kwd.id]: 'KWD' };
      for (const accountId of [brl.id, jpy.id, kwd.id]) {
        const entries = cases
          .filter(([id]) => id === accountId)
          .map(([, externalId, amount]) => ledgerEntry({ externalId, amount, currency: currencyOf[accountId] }));
        const response = await post(accountId, { entries });
        expect(response.statusCode).toBe(200);
        expect(response.json().created).toBe(entries.length);
      }
      for (const [accountId, externalId, , minor, returned] of cases) {
        const rows = await h.db.query<{ amount: string }>('SELECT amount::text AS amount FROM ledger_entries WHERE account_id = $1 AND external_id = $2', [accountId, externalId]);
        expect({ externalId, amount: rows[0]?.amount }).toEqual({ externalId, amount: minor });
        const listed = await h.api.get(`/v1/accounts/${accountId}/ledger-entries?externalId=${externalId}`, key);
        expect(listed.statusCode).toBe(200);
        expect({ externalId, amount: listed.json().data[0]?.amount }).toEqual({ externalId, amount: returned });
      }
    });

    it('round-trips every optional field', async () => {
      const account = await h.api.createAccount(key);
      const entry = {
        externalId: 'INV-77',
        kind: 'INVOICE',
        amount: '-45.10',
        currency: 'BRL',
        date: '2026-01-15',
        expectedSettlementDate: '2026-02-14',
        status: 'CANCELLED',
        references: ['NF 000123', 'PED-77'],
        description: 'Refund — ação',
        counterparty: 'ACME Ltda',
        metadata: { erp: { docType: 'NF', lines: [1, 2] }, flag: true },
      };
      expect((await post(account.id, { entries: [entry] })).json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
      const listed = await h.api.get(`/v1/accounts/${account.id}/ledger-entries`, key);
      const { id, accountId, createdAt, updatedAt, externalId, kind, amount, currency, date, ...rest } = listed.json().data[0];
      expect({ externalId, kind, amount, currency, date }).toEqual({ externalId: 'INV-77', kind: 'INVOICE', amount: '-45.10', currency: 'BRL', date: '2026-01-15' });
      expect(rest).toEqual({
        expectedSettlementDate: '2026-02-14',
        status: 'CANCELLED',
        references: ['NF 000123', 'PED-77'],
        description: 'Refund — ação',
        counterparty: 'ACME Ltda',
        metadata: { erp: { docType: 'NF', lines: [1, 2] }, flag: true },
      });
      expect(accountId).toBe(account.id);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(createdAt).toISOString()).toBe(createdAt);
      expect(new Date(updatedAt).toISOString()).toBe(updatedAt);
    });

    describe('bad input: 4xx problem+json naming entries[i].field, and nothing stored', () => {
      let accounts: Record<string, string>;

      beforeAll(async () => {
        accounts = {
          BRL: (await h.api.createAccount(key, { currency: 'BRL' })).id,
          JPY: (await h.api.createAccount(key, { currency: 'JPY' })).id,
        };
        // A stored entry that a refused batch must not touch.
        expect((await post(accounts['BRL'], { entries: [ledgerEntry({ externalId: 'KEEP', amount: '1.00' })] })).statusCode).toBe(200);
      });

      const good = () => ledgerEntry({ externalId: 'KEEP', amount: '2.00' });

      async function refused(currency: string, body: unknown, status: number, code: string, field: string, options = {}) {
        const before = await h.db.snapshot();
        const stored = await storedOf(accounts[currency]);
        const problem = expectProblem(await post(accounts[currency], body, options), status, code);
        expect(fieldsOf(problem)).toContain(field);
        expect(await h.db.snapshot()).toEqual(before);
        expect(await storedOf(accounts[currency])).toEqual(stored);
        return problem;
      }

      it.each<[string, unknown, string]>([
        ['too many decimals', '1.234', 'amount_precision_exceeded'],
        ['an exponent', '1e3', 'amount_invalid'],
        ['a thousands separator', '1,234.56', 'amount_invalid'],
        ['a space separator', '1 234', 'amount_invalid'],
        ['NaN', 'NaN', 'amount_invalid'],
        ['a plus sign', '+5.00', 'amount_invalid'],
        ['an empty string', '', 'amount_invalid'],
        ['a JSON number with too many decimals', 12.345, 'amount_precision_exceeded'],
        ['a boolean', true, 'validation_failed'],
        ['null', null, 'validation_failed'],
        ['beyond bigint', '92233720368547758.08', 'amount_out_of_range'],
      ])('amount with %s', async (_, amount, code) => {
        await refused('BRL', { entries: [good(), ledgerEntry({ amount })] }, 422, code, 'entries[1].amount');
      });

      it('a JSON number past 2^53 (raw body)', async () => {
        const body = `{"entries":[{"externalId":"BIG-1","kind":"ORDER","amount":9007199254740993,"currency":"BRL","date":"2026-01-10"}]}`;
        await refused('BRL', body, 422, 'amount_out_of_range', 'entries[0].amount');
      });

      it('a string beyond int64 minor units (JPY)', async () => {
        await refused('JPY', { entries: [ledgerEntry({ amount: '9223372036854775808', currency: 'JPY' })] }, 422, 'amount_out_of_range', 'entries[0].amount');
      });

      it('an unknown currency', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ currency: 'XYZ' })] }, 422, 'currency_unknown', 'entries[1].currency');
      });

      it('a lowercase currency', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ currency: 'brl' })] }, 422, 'validation_failed', 'entries[1].currency');
      });

      it.each(['2026-02-30', '2026-13-01', '2025-02-29'])('an impossible date %s', async (date) => {
        await refused('BRL', { entries: [good(), ledgerEntry({ date })] }, 422, 'date_invalid', 'entries[1].date');
      });

      it('an impossible expectedSettlementDate', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ expectedSettlementDate: '2026-04-31' })] }, 422, 'date_invalid', 'entries[1].expectedSettlementDate');
      });

      it('a date that is not YYYY-MM-DD', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ date: '10/01/2026' })] }, 422, 'validation_failed', 'entries[1].date');
      });

      it.each(['id', 'tenantId', 'accountId', 'matchStatus'])('an unknown field %s in an entry: 400 unknown_field', async (field) => {
        await refused('BRL', { entries: [good(), ledgerEntry({ [field]: randomUUID() })] }, 400, 'unknown_field', `entries[1].${field}`);
      });

      it('an unknown top-level field: 400 unknown_field', async () => {
        await refused('BRL', { entries: [good()], tenantId: randomUUID() }, 400, 'unknown_field', 'tenantId');
      });

      it('a missing externalId', async () => {
        const entry = ledgerEntry();
        delete (entry as Partial<typeof entry>).externalId;
        await refused('BRL', { entries: [good(), entry] }, 422, 'validation_failed', 'entries[1].externalId');
      });

      it.each(['REFUND', 'order', ''])('kind %p not in ORDER|INVOICE|PAYMENT|GL', async (kind) => {
        await refused('BRL', { entries: [good(), ledgerEntry({ kind })] }, 422, 'validation_failed', 'entries[1].kind');
      });

      it('a NUL character in description', async () => {
        const problem = await refused('BRL', { entries: [good(), ledgerEntry({ description: 'abc\u0000def' })] }, 422, 'validation_failed', 'entries[1].description');
        expect(problem.errors[0].code).toBe('nul_character');
      });

      it('a NUL character in externalId', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ externalId: 'PED-\u00001' })] }, 422, 'validation_failed', 'entries[1].externalId');
      });

      it('metadata nested 10 levels', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ metadata: nested(10) })] }, 422, 'validation_failed', 'entries[1].metadata');
      });

      it('metadata over 4 KB', async () => {
        const metadata = { a: 'x'.repeat(2100), b: 'y'.repeat(2100) };
        await refused('BRL', { entries: [good(), ledgerEntry({ metadata })] }, 422, 'validation_failed', 'entries[1].metadata');
      });

      it('metadata that is not an object', async () => {
        await refused('BRL', { entries: [good(), ledgerEntry({ metadata: 'text' })] }, 422, 'validation_failed', 'entries[1].metadata');
      });

      it('a duplicate externalId inside one batch names the later index', async () => {
        const problem = await refused(
          'BRL',
          { entries: [ledgerEntry({ externalId: 'DUP-1' }), ledgerEntry(), ledgerEntry({ externalId: 'DUP-1', amount: '3.00' })] },
          422,
          'duplicate_external_id',
          'entries[2].externalId',
        );
        expect(fieldsOf(problem)).toEqual(['entries[2].externalId']);
      });

      it('an empty entries array', async () => {
        await refused('BRL', { entries: [] }, 422, 'validation_failed', 'entries');
      });

      it('no entries at all', async () => {
        await refused('BRL', {}, 422, 'validation_failed', 'entries');
      });

      it('one bad entry among 500 good ones refuses the whole batch', async () => {
        const entries: Entry[] = Array.from({ length: 501 }, (_, i) => ledgerEntry({ externalId: `MANY-${i}` }));
        entries[317] = { ...entries[317], amount: '10.001' };
        await refused('BRL', { entries }, 422, 'amount_precision_exceeded', 'entries[317].amount');
        expect(await h.db.count('ledger_entries', "external_id LIKE 'MANY-%'")).toBe(0);
      });

      it('10,001 entries: 413 batch_too_large', async () => {
        const entry = JSON.stringify(ledgerEntry({ externalId: 'X' }));
        const body = `{"entries":[${Array.from({ length: 10_001 }, () => entry).join(',')}]}`;
        const before = await h.db.snapshot();
        const problem = expectProblem(await post(accounts['BRL'], body), 413, 'batch_too_large');
        expect(fieldsOf(problem)).toEqual(['entries']);
        expect(await h.db.snapshot()).toEqual(before);
      });

      it('a body that is not JSON: 415 for text/plain, 400 for malformed JSON', async () => {
        const before = await h.db.snapshot();
        expectProblem(await post(accounts['BRL'], 'entries=1', { headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
        expectProblem(await post(accounts['BRL'], '{"entries": [', {}), 400, 'invalid_json');
        expectProblem(await post(accounts['BRL'], '{"entries":[],"__proto__":{"x":1}}', {}), 400, 'invalid_json');
        expect(await h.db.snapshot()).toEqual(before);
      });
    });

    it('exactly 10,000 entries: 200 with created 10000', async () => {
      const account = await h.api.createAccount(key);
      const entries = Array.from({ length: 10_000 }, (_, i) => ({ externalId: `LIMIT-${i}`, kind: 'ORDER', amount: `${i}.${String(i % 100).padStart(2, '0')}`, currency: 'BRL', date: '2026-01-10' }));
      const response = await post(account.id, { entries });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ created: 10_000, updated: 0, unchanged: 0 });
      expect(await h.db.count('ledger_entries', 'account_id = $1', [account.id])).toBe(10_000);
      const sample = await h.db.query('SELECT amount::text AS amount FROM ledger_entries WHERE account_id = $1 AND external_id = $2', [account.id, 'LIMIT-9999']);
      expect(sample).toEqual([{ amount: '999999' }]);
    });

    it('answers 404 for an account of another tenant or a random id, and 400 for a non-UUID', async () => {
      const other = await h.api.createTenant();
      const theirs = await h.api.createAccount(other.key);
      const before = await h.db.snapshot();
      expectProblem(await post(theirs.id, { entries: [ledgerEntry()] }), 404, 'not_found');
      expectProblem(await post(randomUUID(), { entries: [ledgerEntry()] }), 404, 'not_found');
      expectProblem(await post('not-a-uuid', { entries: [ledgerEntry()] }), 400, 'invalid_id');
      expectProblem(await h.api.get(`/v1/accounts/${theirs.id}/ledger-entries`, key), 404, 'not_found');
      expect(await h.db.snapshot()).toEqual(before);
    });
  });

  describe('list and read', () => {
    let accountId: string;
    const byExternalId: Record<string, string> = {};

    beforeAll(async () => {
      accountId = (await h.api.createAccount(key)).id;
      const entries = [
        ledgerEntry({ externalId: 'L-1', kind: 'ORDER', date: '2026-01-01' }),
        ledgerEntry({ externalId: 'L-2', kind: 'INVOICE', date: '2026-01-10' }),
        ledgerEntry({ externalId: 'L-3', kind: 'ORDER', date: '2026-01-20' }),
        ledgerEntry({ externalId: 'L-4', kind: 'PAYMENT', date: '2026-01-31' }),
        ledgerEntry({ externalId: 'L-5', kind: 'GL', date: '2026-02-01' }),
      ];
      expect((await post(accountId, { entries })).json()).toEqual({ created: 5, updated: 0, unchanged: 0 });
      const rows = await h.db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM ledger_entries WHERE account_id = $1', [accountId]);
      for (const row of rows) byExternalId[row.external_id] = row.id;
    });

    async function listed(query: string): Promise<string[]> {
      const response = await h.api.get(`/v1/accounts/${accountId}/ledger-entries${query}`, key);
      expect(response.statusCode).toBe(200);
      return response.json().data.map((entry: { externalId: string }) => entry.externalId).sort();
    }

    it('filters by dateFrom and dateTo (inclusive), kind and externalId', async () => {
      expect(await listed('')).toEqual(['L-1', 'L-2', 'L-3', 'L-4', 'L-5']);
      expect(await listed('?dateFrom=2026-01-10')).toEqual(['L-2', 'L-3', 'L-4', 'L-5']);
      expect(await listed('?dateTo=2026-01-20')).toEqual(['L-1', 'L-2', 'L-3']);
      expect(await listed('?dateFrom=2026-01-10&dateTo=2026-01-31')).toEqual(['L-2', 'L-3', 'L-4']);
      expect(await listed('?dateFrom=2026-03-01')).toEqual([]);
      expect(await listed('?kind=ORDER')).toEqual(['L-1', 'L-3']);
      expect(await listed('?kind=GL')).toEqual(['L-5']);
      expect(await listed('?externalId=L-4')).toEqual(['L-4']);
      expect(await listed('?externalId=L-404')).toEqual([]);
      expect(await listed('?kind=ORDER&dateFrom=2026-01-02')).toEqual(['L-3']);
    });

    it('matchStatus=UNMATCHED lists every entry, MATCHED none yet', async () => {
      expect(await listed('?matchStatus=UNMATCHED')).toEqual(['L-1', 'L-2', 'L-3', 'L-4', 'L-5']);
      expect(await listed('?matchStatus=MATCHED')).toEqual([]);
    });

    it('refuses an impossible dateFrom or dateTo and an unknown filter with 400', async () => {
      const from = expectProblem(await h.api.get(`/v1/accounts/${accountId}/ledger-entries?dateFrom=2026-13-01`, key), 400, 'invalid_query');
      expect(fieldsOf(from)).toEqual(['dateFrom']);
      const to = expectProblem(await h.api.get(`/v1/accounts/${accountId}/ledger-entries?dateTo=2026-02-30`, key), 400, 'invalid_query');
      expect(fieldsOf(to)).toEqual(['dateTo']);
      expectProblem(await h.api.get(`/v1/accounts/${accountId}/ledger-entries?tenantId=${randomUUID()}`, key), 400, 'unknown_field');
      for (const query of ['?matchStatus=FOO', '?kind=REFUND', '?dateFrom=abc', '?dateTo=2026-1-5']) {
        const response = await h.api.get(`/v1/accounts/${accountId}/ledger-entries${query}`, key);
        expect({ query, status: response.statusCode, code: response.json().code }).toEqual({ query, status: 400, code: 'invalid_query' });
      }
      expectProblem(await h.api.get(`/v1/accounts/${accountId}/ledger-entries?limit=501`, key), 400, 'invalid_query');
      expectProblem(await h.api.get(`/v1/accounts/${accountId}/ledger-entries?cursor=bogus`, key), 400, 'invalid_cursor');
    });

    it('pages with limit=2: disjoint, complete, newest first, nextCursor null on the last', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await h.api.get(`/v1/accounts/${accountId}/ledger-entries${query}`, key);
        expect(response.statusCode).toBe(200);
        const body: { data: { id: string }[]; nextCursor: string | null } = response.json();
        pages.push(body.data.map((entry) => entry.id));
        cursor = body.nextCursor;
        expect(pages.length).toBeLessThanOrEqual(3);
      } while (cursor !== null);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(5);
      expect([...all].sort()).toEqual(Object.values(byExternalId).sort());
      expect(all).toEqual([...all].sort().reverse());
      // Filters hold across pages.
      const first = (await h.api.get(`/v1/accounts/${accountId}/ledger-entries?limit=1&kind=ORDER`, key)).json();
      expect(first.data).toHaveLength(1);
      expect(first.nextCursor).not.toBeNull();
      const second = (await h.api.get(`/v1/accounts/${accountId}/ledger-entries?limit=1&kind=ORDER&cursor=${encodeURIComponent(first.nextCursor)}`, key)).json();
      expect(second.data).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect([first.data[0].externalId, second.data[0].externalId].sort()).toEqual(['L-1', 'L-3']);
    });

    it('GET /v1/ledger-entries/{id} returns the entry with matches: []', async () => {
      const response = await h.api.get(`/v1/ledger-entries/${byExternalId['L-2']}`, key);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: byExternalId['L-2'], accountId, externalId: 'L-2', kind: 'INVOICE', amount: '100.00', currency: 'BRL', date: '2026-01-10', matches: [] });
    });

    it('GET /v1/ledger-entries/{id} answers 404 for another tenant’s entry and a random id', async () => {
      const other = await h.api.createTenant();
      expectProblem(await h.api.get(`/v1/ledger-entries/${byExternalId['L-2']}`, other.key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/ledger-entries/${randomUUID()}`, key), 404, 'not_found');
      expectProblem(await h.api.get('/v1/ledger-entries/123', key), 400, 'invalid_id');
      const theirList = await h.api.get(`/v1/accounts/${accountId}/ledger-entries`, other.key);
      expectProblem(theirList, 404, 'not_found');
    });
  });
});
