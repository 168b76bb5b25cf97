import { randomUUID } from 'node:crypto';
import { statementEntry, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

describe('statement entries (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  /** A fresh tenant, account and MANUAL reconciliation (January 2026) per test. */
  async function setup(overrides: Record<string, unknown> = {}) {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key);
    const reconciliation = await h.api.createReconciliation(tenant.key, account.id, overrides);
    return { key: tenant.key, accountId: account.id, id: reconciliation.id as string };
  }

  function add(key: string, id: string, entries: unknown[]) {
    return h.api.post(`/v1/reconciliations/${id}/statement-entries`, { entries }, key);
  }

  const stored = (id: string) => h.db.count('statement_entries', 'reconciliation_id = $1', [id]);
  const statusOf = async (id: string) => (await h.db.query<{ status: string }>('SELECT status FROM reconciliations WHERE id = $1', [id]))[0].status;

  describe('adding', () => {
    it('sums the entries in the reconciliation currency into summary.statementEntries.amount, duplicates and other currencies aside', async () => {
      const { key, id } = await setup();
      await add(key, id, [statementEntry({ externalId: 'A', amount: '100.00' }), statementEntry({ externalId: 'B', amount: '-12.35' })]);
      const second = await add(key, id, [
        statementEntry({ externalId: 'A', amount: '100.00' }),
        statementEntry({ externalId: 'C', amount: '50.25' }),
        statementEntry({ externalId: 'D', amount: '999.00', currency: 'USD' }),
      ]);
      expect(second.json()).toMatchObject({ created: 2, duplicates: 1 });
      const read = (await h.api.get(`/v1/reconciliations/${id}`, key)).json();
      expect(read.summary.statementEntries).toEqual({ count: 4, amount: '137.90' });
    });

    it('answers 200 { created, duplicates, reconciliation } and stores what it acknowledged', async () => {
      const { key, id, accountId } = await setup();
      const response = await add(key, id, [
        statementEntry({ externalId: 'REL-1', releaseType: 'SALE', amount: '100.00', references: ['PED-1'], description: 'Sale PED-1' }),
        statementEntry({ externalId: 'REL-2', releaseType: 'COMMISSION', amount: -12, valueDate: '2026-01-12', metadata: { source: 'ml' } }),
      ]);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ created: 2, duplicates: 0 });
      expect(body.reconciliation).toMatchObject({ id, accountId, status: 'PENDING', statementEntryCount: 2 });
      expect(body.reconciliation.summary.statementEntries.count).toBe(2);
      const rows = await h.db.query(
        `SELECT external_id, amount::text, currency, entry_date::text AS date, value_date::text AS value_date, release_type, refs, description, metadata, account_id
           FROM statement_entries WHERE reconciliation_id = $1 ORDER BY external_id`,
        [id],
      );
      expect(rows).toEqual([
        { external_id: 'REL-1', amount: '10000', currency: 'BRL', date: '2026-01-10', value_date: null, release_type: 'SALE', refs: ['PED-1'], description: 'Sale PED-1', metadata: null, account_id: accountId },
        { external_id: 'REL-2', amount: '-1200', currency: 'BRL', date: '2026-01-10', value_date: '2026-01-12', release_type: 'COMMISSION', refs: [], description: null, metadata: { source: 'ml' }, account_id: accountId },
      ]);
    });

    it('counts a repeated externalId in the same batch or an earlier one as a duplicate and stores it once', async () => {
      const { key, id } = await setup();
      const first = await add(key, id, [statementEntry({ externalId: 'A' }), statementEntry({ externalId: 'A', amount: '7.00' }), statementEntry({ externalId: 'B' })]);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ created: 2, duplicates: 1 });
      expect(first.json().reconciliation.statementEntryCount).toBe(2);

      const second = await add(key, id, [statementEntry({ externalId: 'A', amount: '999.00' }), statementEntry({ externalId: 'C' })]);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ created: 1, duplicates: 1 });
      expect(second.json().reconciliation.statementEntryCount).toBe(3);

      expect(await stored(id)).toBe(3);
      // The first copy wins: a repeat never overwrites what was stored.
      expect(await h.db.query('SELECT amount::text FROM statement_entries WHERE reconciliation_id = $1 AND external_id = $2', [id, 'A'])).toEqual([{ amount: '10000' }]);

      const onlyDuplicates = await add(key, id, [statementEntry({ externalId: 'B' }), statementEntry({ externalId: 'C' })]);
      expect(onlyDuplicates.json()).toMatchObject({ created: 0, duplicates: 2 });
      expect(await stored(id)).toBe(3);
      const read = (await h.api.get(`/v1/reconciliations/${id}`, key)).json();
      expect(read.statementEntryCount).toBe(3);
      expect(read.summary.statementEntries.count).toBe(3);
    });

    it('keeps every identical entry that has no externalId', async () => {
      const { key, id } = await setup();
      const same = statementEntry({ description: 'TED received', amount: '50.00' });
      const response = await add(key, id, [same, same, same]);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 3, duplicates: 0 });
      const again = await add(key, id, [same]);
      expect(again.json()).toMatchObject({ created: 1, duplicates: 0 });
      expect(await stored(id)).toBe(4);
      expect(again.json().reconciliation.statementEntryCount).toBe(4);
    });

    it('keeps the same externalId apart in two reconciliations', async () => {
      const { key, id, accountId } = await setup();
      const feb = await h.api.createReconciliation(key, accountId, { periodStart: '2026-02-01', periodEnd: '2026-02-28' });
      expect((await add(key, id, [statementEntry({ externalId: 'X' })])).json().created).toBe(1);
      expect((await add(key, feb.id, [statementEntry({ externalId: 'X' })])).json().created).toBe(1);
      expect(await h.db.count('statement_entries', 'external_id = $1 AND account_id = $2', ['X', accountId])).toBe(2);
    });

    it('accepts and stores unknown release types as sent', async () => {
      const { key, id } = await setup();
      const response = await add(key, id, [statementEntry({ externalId: 'W', releaseType: 'WEIRD_TYPE' })]);
      expect(response.statusCode).toBe(200);
      expect(response.json().created).toBe(1);
      expect(await h.db.query('SELECT release_type FROM statement_entries WHERE reconciliation_id = $1', [id])).toEqual([{ release_type: 'WEIRD_TYPE' }]);
      const listed = await h.api.get(`/v1/reconciliations/${id}/statement-entries?releaseType=WEIRD_TYPE`, key);
      expect(listed.json().data).toEqual([expect.objectContaining({ externalId: 'W', releaseType: 'WEIRD_TYPE' })]);
    });

    it('accepts exactly 10,000 entries in one call', async () => {
      const { key, id } = await setup();
      const entries = Array.from({ length: 10_000 }, (_, i) => statementEntry({ externalId: `E${i}`, amount: `${i}.01` }));
      const response = await add(key, id, entries);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 10_000, duplicates: 0 });
      expect(response.json().reconciliation.statementEntryCount).toBe(10_000);
      expect(await stored(id)).toBe(10_000);
    });
  });

  describe('refusals change nothing', () => {
    it('answers 404 for an unknown reconciliation and for one of another tenant', async () => {
      const { key } = await setup();
      const other = await setup();
      const before = await h.db.snapshot();
      expectProblem(await add(key, randomUUID(), [statementEntry({ externalId: 'lost' })]), 404, 'not_found');
      expectProblem(await add(key, other.id, [statementEntry({ externalId: 'lost' })]), 404, 'not_found');
      expectProblem(await add(key, 'not-a-uuid', [statementEntry()]), 400, 'invalid_id');
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.count('statement_entries', 'external_id = $1', ['lost'])).toBe(0);
    });

    it('answers 409 reconciliation_closed on a CLOSED reconciliation', async () => {
      const { key, id } = await setup();
      await add(key, id, [statementEntry({ externalId: 'kept' })]);
      await h.db.query(`UPDATE reconciliations SET status = 'CLOSED', previous_status = 'COMPLETED' WHERE id = $1`, [id]);
      const before = await h.db.snapshot();
      expectProblem(await add(key, id, [statementEntry({ externalId: 'late' }), statementEntry()]), 409, 'reconciliation_closed');
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.query('SELECT status, statement_entry_count FROM reconciliations WHERE id = $1', [id])).toEqual([{ status: 'CLOSED', statement_entry_count: 1 }]);
    });

    it.each([
      ['too many decimals', [statementEntry({ amount: '10.001' })], 422, 'amount_precision_exceeded', 'entries[0].amount'],
      ['an exponent', [statementEntry({ amount: '1e3' })], 422, 'amount_invalid', 'entries[0].amount'],
      ['thousands separators', [statementEntry({ amount: '1,234.56' })], 422, 'amount_invalid', 'entries[0].amount'],
      ['an impossible date', [statementEntry({ date: '2026-02-30' })], 422, 'date_invalid', 'entries[0].date'],
      ['an unknown currency', [statementEntry({ currency: 'XYZ' })], 422, 'currency_unknown', 'entries[0].currency'],
      ['an unknown field', [statementEntry({ color: 'red' })], 400, 'unknown_field', 'entries[0].color'],
      ['a tenantId', [statementEntry({ tenantId: randomUUID() })], 400, 'unknown_field', 'entries[0].tenantId'],
      ['a missing amount', [{ currency: 'BRL', date: '2026-01-10' }], 422, 'validation_failed', 'entries[0].amount'],
      ['one bad entry among good ones', [statementEntry({ externalId: 'g1' }), statementEntry({ externalId: 'g2', amount: '1.234' })], 422, 'amount_precision_exceeded', 'entries[1].amount'],
    ])('refuses %s', async (_label, entries, status, code, field) => {
      const { key, id } = await setup();
      const before = await h.db.snapshot();
      const problem = expectProblem(await add(key, id, entries), status, code);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await h.db.snapshot()).toEqual(before);
      expect(await stored(id)).toBe(0);
    });

    it('refuses a batch of 10,001 entries, an empty batch and a body without entries', async () => {
      const { key, id } = await setup();
      const before = await h.db.snapshot();
      const tooMany = Array.from({ length: 10_001 }, (_, i) => statementEntry({ externalId: `E${i}` }));
      const problem = expectProblem(await add(key, id, tooMany), 413, 'batch_too_large');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'entries' })]);
      expectProblem(await add(key, id, []), 422, 'validation_failed');
      expectProblem(await h.api.post(`/v1/reconciliations/${id}/statement-entries`, {}, key), 422, 'validation_failed');
      expectProblem(await h.api.post(`/v1/reconciliations/${id}/statement-entries`, { entries: [statementEntry()], extra: 1 }, key), 400, 'unknown_field');
      expect(await h.db.snapshot()).toEqual(before);
    });
  });

  describe('status after adding', () => {
    it('accepts entries while PROCESSING, keeps it PROCESSING and asks for a follow-up pass', async () => {
      const { key, id } = await setup();
      await add(key, id, [statementEntry({ externalId: 'first' })]);
      const started = await h.api.post(`/v1/reconciliations/${id}/auto-match`, undefined, key);
      expect(started.json()).toMatchObject({ status: 'PROCESSING', runVersion: 1, rematchRequested: false });
      const outboxBefore = await h.db.count('outbox', "payload->>'reconciliationId' = $1", [id]);

      const response = await add(key, id, [statementEntry({ externalId: 'during-run' })]);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 1, duplicates: 0 });
      expect(response.json().reconciliation).toMatchObject({ status: 'PROCESSING', rematchRequested: true, runVersion: 1, statementEntryCount: 2 });
      expect(await h.db.query('SELECT status, rematch_requested, run_version FROM reconciliations WHERE id = $1', [id])).toEqual([
        { status: 'PROCESSING', rematch_requested: true, run_version: 1 },
      ]);
      expect(await h.db.count('outbox', "payload->>'reconciliationId' = $1", [id])).toBe(outboxBefore);
      expect(await stored(id)).toBe(2);
    });

    it.each(['COMPLETED', 'PARTIALLY_MATCHED'])('accepts entries on a %s reconciliation and returns it to PENDING', async (status) => {
      const { key, id } = await setup();
      await add(key, id, [statementEntry({ externalId: 'old' })]);
      await h.db.query('UPDATE reconciliations SET status = $2 WHERE id = $1', [id, status]);

      const duplicateOnly = await add(key, id, [statementEntry({ externalId: 'old' })]);
      expect(duplicateOnly.json()).toMatchObject({ created: 0, duplicates: 1 });
      expect(await statusOf(id)).toBe(status);

      const response = await add(key, id, [statementEntry({ externalId: 'new' })]);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 1, duplicates: 0 });
      expect(response.json().reconciliation).toMatchObject({ status: 'PENDING', statementEntryCount: 2 });
      expect(await statusOf(id)).toBe('PENDING');
      expect((await h.api.get(`/v1/reconciliations/${id}`, key)).json().status).toBe('PENDING');
      expect(await stored(id)).toBe(2);
    });
  });

  describe('listing', () => {
    it('lists with releaseType, externalId and matchStatus filters and cursor pagination', async () => {
      const { key, id } = await setup();
      await add(key, id, [
        statementEntry({ externalId: 'S1', releaseType: 'SALE', amount: '100.00' }),
        statementEntry({ externalId: 'S2', releaseType: 'SALE', amount: '200.00' }),
        statementEntry({ externalId: 'C1', releaseType: 'COMMISSION', amount: '-12.00' }),
        statementEntry({ externalId: 'SH1', releaseType: 'SHIPPING', amount: '-8.00' }),
        statementEntry({ amount: '5.00' }),
      ]);
      const list = async (query: string) => {
        const response = await h.api.get(`/v1/reconciliations/${id}/statement-entries${query}`, key);
        expect(response.statusCode).toBe(200);
        return response.json() as { data: Record<string, unknown>[]; nextCursor: string | null };
      };
      const all = await list('');
      expect(all.data).toHaveLength(5);
      expect(all.nextCursor).toBeNull();
      expect(all.data.find((e) => e.externalId === 'C1')).toEqual({
        id: expect.any(String),
        reconciliationId: id,
        externalId: 'C1',
        amount: '-12.00',
        currency: 'BRL',
        date: '2026-01-10',
        valueDate: null,
        releaseType: 'COMMISSION',
        references: [],
        description: null,
        status: null,
        counterparty: null,
        metadata: null,
        closedAt: null,
        closedReason: null,
        closedNote: null,
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(all.data.find((e) => e.externalId === null)).toMatchObject({ amount: '5.00', releaseType: null });

      expect((await list('?releaseType=SALE')).data.map((e) => e.externalId).sort()).toEqual(['S1', 'S2']);
      expect((await list('?releaseType=RETURN_SALE')).data).toEqual([]);
      expect((await list('?externalId=SH1')).data.map((e) => e.amount)).toEqual(['-8.00']);
      expect((await list('?externalId=SH1&releaseType=SALE')).data).toEqual([]);
      // Nothing is matched yet: every entry is UNMATCHED.
      expect((await list('?matchStatus=UNMATCHED')).data).toHaveLength(5);
      expect((await list('?matchStatus=MATCHED')).data).toEqual([]);

      const page1 = await list('?limit=2');
      const page2 = await list(`?limit=2&cursor=${page1.nextCursor}`);
      const page3 = await list(`?limit=2&cursor=${page2.nextCursor}`);
      expect([page1.data.length, page2.data.length, page3.data.length]).toEqual([2, 2, 1]);
      expect(page1.nextCursor).toEqual(expect.any(String));
      expect(page3.nextCursor).toBeNull();
      const ids = [...page1.data, ...page2.data, ...page3.data].map((e) => e.id);
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort()).toEqual(all.data.map((e) => e.id).sort());
    });

    it('answers 404 for an unknown or foreign reconciliation and 400 for unknown filters', async () => {
      const { key, id } = await setup();
      const other = await setup();
      await add(other.key, other.id, [statementEntry({ externalId: 'theirs' })]);
      expectProblem(await h.api.get(`/v1/reconciliations/${randomUUID()}/statement-entries`, key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/reconciliations/${other.id}/statement-entries`, key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/reconciliations/${id}/statement-entries?accountId=${randomUUID()}`, key), 400, 'unknown_field');
      expectProblem(await h.api.get(`/v1/reconciliations/${id}/statement-entries?limit=501`, key), 400, 'invalid_query');
      expectProblem(await h.api.get(`/v1/reconciliations/${id}/statement-entries?matchStatus=DONE`, key), 400, 'invalid_query');
      expectProblem(await h.api.get(`/v1/reconciliations/${id}/statement-entries?releaseType=${'X'.repeat(65)}`, key), 400, 'invalid_query');
    });
  });
});
