import { randomUUID } from 'node:crypto';
import { ledgerEntry, statementEntry, type InjectResponse, expectProblem } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

function fieldsOf(body: { errors?: { field: string }[] }): string[] {
  return (body.errors ?? []).map((error) => error.field);
}

/** A complete matching-rules body (PUT replaces the rules whole). */
function rulesBody(overrides: Record<string, unknown> = {}): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    amountTolerance: '0.05',
    amountToleranceBps: 25,
    dateWindowDays: 5,
    referencePatterns: ['PED-\\d+', 'NF\\s?\\d{6}'],
    useExternalIdAsReference: true,
    strategies: ['AMOUNT_DATE', 'REFERENCE'],
    autoAcceptThreshold: 95,
    suggestThreshold: 70,
    maxGroupSize: 4,
    severityThresholds: { warning: '2.50', critical: '250.00' },
    ...overrides,
  };
}

describe('accounts (e2e)', () => {
  let h: IngestApiHarness;
  let key: string;
  let tenantId: string;
  let keyId: string;

  beforeAll(async () => {
    // These tests send hundreds of requests a second with one key: the rate limit is tested elsewhere.
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
    ({ key, tenantId, keyId } = await h.api.createTenant());
  });

  afterAll(() => h.close());

  it('creates an account with default matching rules and reads it back', async () => {
    const created = await h.api.post('/v1/accounts', { name: 'Bank', kind: 'BANK', currency: 'KWD' }, key);
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ name: 'Bank', kind: 'BANK', currency: 'KWD', status: 'ACTIVE', maxPeriodDays: 90 });
    const rules = await h.api.get(`/v1/accounts/${account.id}/matching-rules`, key);
    expect(rules.statusCode).toBe(200);
    expect(rules.json()).toMatchObject({ amountTolerance: '0.000', dateWindowDays: 3, autoAcceptThreshold: 90 });
  });

  describe('create', () => {
    it.each(['BANK', 'MARKETPLACE', 'ACQUIRER', 'WALLET'])('creates a %s account owned by the caller’s tenant', async (kind) => {
      const body = { name: `My ${kind}`, kind, currency: 'BRL', channel: 'mercadolivre', externalId: `ext-${kind}` };
      const created = await h.api.post('/v1/accounts', body, key);
      expect(created.statusCode).toBe(201);
      const account = created.json();
      expect(account).toMatchObject({ ...body, status: 'ACTIVE', maxPeriodDays: 90, unreconciled: { ledgerEntries: 0, statementEntries: 0 } });
      expect(account.id).toMatch(/^[0-9a-f-]{36}$/);
      const rows = await h.db.query('SELECT tenant_id, kind, currency, status FROM accounts WHERE id = $1', [account.id]);
      expect(rows).toEqual([{ tenant_id: tenantId, kind, currency: 'BRL', status: 'ACTIVE' }]);
      expect(await h.db.count('matching_rules', 'account_id = $1', [account.id])).toBe(1);
      const read = await h.api.get(`/v1/accounts/${account.id}`, key);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ id: account.id, kind, channel: 'mercadolivre', externalId: `ext-${kind}` });
    });

    it('refuses an unknown currency with 422 currency_unknown and stores nothing', async () => {
      const before = await h.db.snapshot();
      const response = await h.api.post('/v1/accounts', { name: 'X', kind: 'BANK', currency: 'XYZ' }, key);
      const body = expectProblem(response, 422, 'currency_unknown');
      expect(fieldsOf(body)).toEqual(['currency']);
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('refuses a lowercase currency code with 422', async () => {
      const before = await h.db.snapshot();
      const response = await h.api.post('/v1/accounts', { name: 'X', kind: 'BANK', currency: 'brl' }, key);
      const body = expectProblem(response, 422, 'validation_failed');
      expect(fieldsOf(body)).toEqual(['currency']);
      expect(await h.db.snapshot()).toEqual(before);
    });

    it('names every missing field with 422 validation_failed', async () => {
      const before = await h.db.snapshot();
      const body = expectProblem(await h.api.post('/v1/accounts', {}, key), 422, 'validation_failed');
      expect(fieldsOf(body)).toEqual(expect.arrayContaining(['name', 'kind', 'currency']));
      const noKind = expectProblem(await h.api.post('/v1/accounts', { name: 'A', currency: 'BRL' }, key), 422, 'validation_failed');
      expect(fieldsOf(noKind)).toEqual(['kind']);
      const badKind = expectProblem(await h.api.post('/v1/accounts', { name: 'A', kind: 'SAVINGS', currency: 'BRL' }, key), 422, 'validation_failed');
      expect(fieldsOf(badKind)).toEqual(['kind']);
      expect(await h.db.snapshot()).toEqual(before);
    });

    it.each([
      ['tenantId', () => randomUUID()],
      ['id', () => randomUUID()],
      ['status', () => 'BLOCKED'],
    ])('refuses %s in the body with 400 unknown_field and stores no row', async (field, value) => {
      const given = value();
      const before = await h.db.snapshot();
      const response = await h.api.post('/v1/accounts', { name: `smuggle-${field}`, kind: 'BANK', currency: 'BRL', [field]: given }, key);
      const body = expectProblem(response, 400, 'unknown_field');
      expect(fieldsOf(body)).toEqual([field]);
      expect(await h.db.snapshot()).toEqual(before);
      expect(await h.db.count('accounts', 'name = $1', [`smuggle-${field}`])).toBe(0);
      if (field === 'id') expect(await h.db.count('accounts', 'id = $1', [given])).toBe(0);
      if (field === 'tenantId') expect(await h.db.count('accounts', 'tenant_id = $1', [given])).toBe(0);
    });
  });

  describe('list', () => {
    let listKey: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      listKey = (await h.api.createTenant()).key;
      // Five accounts, created in this order (ids are time ordered: newest first in lists).
      const specs: [string, Record<string, unknown>][] = [
        ['bank', { name: 'Bank BRL', kind: 'BANK', currency: 'BRL' }],
        ['ml', { name: 'Store ML', kind: 'MARKETPLACE', currency: 'BRL', channel: 'mercadolivre' }],
        ['amazon', { name: 'Store Amazon', kind: 'MARKETPLACE', currency: 'JPY', channel: 'amazon' }],
        ['acquirer', { name: 'Acquirer', kind: 'ACQUIRER', currency: 'BRL', channel: 'mercadolivre' }],
        ['wallet', { name: 'Wallet', kind: 'WALLET', currency: 'KWD' }],
      ];
      for (const [label, body] of specs) ids[label] = (await h.api.createAccount(listKey, body)).id;
      const blocked = await h.api.patch(`/v1/accounts/${ids['amazon']}`, { status: 'BLOCKED' }, listKey);
      expect(blocked.statusCode).toBe(200);
    });

    async function listIds(query: string): Promise<string[]> {
      const response = await h.api.get(`/v1/accounts${query}`, listKey);
      expect(response.statusCode).toBe(200);
      return response.json().data.map((account: { id: string }) => account.id);
    }

    it('lists only the caller’s accounts, newest first', async () => {
      const response = await h.api.get('/v1/accounts', listKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.nextCursor).toBeNull();
      expect(body.data.map((a: { id: string }) => a.id)).toEqual([ids['wallet'], ids['acquirer'], ids['amazon'], ids['ml'], ids['bank']]);
      expect(body.data[0]).toMatchObject({ name: 'Wallet', currency: 'KWD', unreconciled: { ledgerEntries: 0, statementEntries: 0 } });
    });

    it('filters by status, kind, currency and channel', async () => {
      expect(await listIds('?status=BLOCKED')).toEqual([ids['amazon']]);
      expect(await listIds('?status=ACTIVE')).toEqual([ids['wallet'], ids['acquirer'], ids['ml'], ids['bank']]);
      expect(await listIds('?kind=MARKETPLACE')).toEqual([ids['amazon'], ids['ml']]);
      expect(await listIds('?currency=BRL')).toEqual([ids['acquirer'], ids['ml'], ids['bank']]);
      expect(await listIds('?currency=KWD')).toEqual([ids['wallet']]);
      expect(await listIds('?channel=mercadolivre')).toEqual([ids['acquirer'], ids['ml']]);
      expect(await listIds('?kind=MARKETPLACE&currency=BRL&status=ACTIVE')).toEqual([ids['ml']]);
      expect(await listIds('?channel=shopee')).toEqual([]);
    });

    it('refuses an unknown filter and unknown filter values with 400', async () => {
      expectProblem(await h.api.get('/v1/accounts?tenantId=' + randomUUID(), listKey), 400, 'unknown_field');
      for (const query of ['?status=CLOSED', '?kind=SAVINGS', '?currency=brl', '?channel=Bad%20Channel']) {
        const response = await h.api.get(`/v1/accounts${query}`, listKey);
        expect({ query, status: response.statusCode, code: response.json().code }).toEqual({ query, status: 400, code: 'invalid_query' });
      }
    });

    it('pages with limit=2: disjoint, complete pages, newest first, nextCursor null on the last', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await h.api.get(`/v1/accounts${query}`, listKey);
        expect(response.statusCode).toBe(200);
        const body: { data: { id: string }[]; nextCursor: string | null } = response.json();
        pages.push(body.data.map((a) => a.id));
        cursor = body.nextCursor;
        expect(pages.length).toBeLessThanOrEqual(3);
      } while (cursor !== null);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual([ids['wallet'], ids['acquirer'], ids['amazon'], ids['ml'], ids['bank']]);
      expect(new Set(pages.flat()).size).toBe(5);
    });

    it('refuses a cursor it never issued and an out-of-range limit with 400', async () => {
      expectProblem(await h.api.get('/v1/accounts?cursor=not-a-cursor', listKey), 400, 'invalid_cursor');
      expectProblem(await h.api.get('/v1/accounts?limit=501', listKey), 400, 'invalid_query');
      expectProblem(await h.api.get('/v1/accounts?limit=0', listKey), 400, 'invalid_query');
    });

    it('never shows another tenant’s accounts, and answers 404 for their ids', async () => {
      const mine = await listIds('?limit=500');
      expect(mine.sort()).toEqual(Object.values(ids).sort());
      expectProblem(await h.api.get(`/v1/accounts/${ids['bank']}`, key), 404, 'not_found');
      expectProblem(await h.api.get(`/v1/accounts/${randomUUID()}`, key), 404, 'not_found');
      const before = await h.db.snapshot();
      expectProblem(await h.api.patch(`/v1/accounts/${ids['bank']}`, { name: 'hijacked' }, key), 404, 'not_found');
      expectProblem(await h.api.put(`/v1/accounts/${ids['bank']}/matching-rules`, rulesBody(), key), 404, 'not_found');
      expect(await h.db.snapshot()).toEqual(before);
      expect((await h.db.query('SELECT name FROM accounts WHERE id = $1', [ids['bank']]))[0]).toEqual({ name: 'Bank BRL' });
    });
  });

  describe('unreconciled counts', () => {
    it('counts posted ledger entries and the statement entries of open reconciliations, per account', async () => {
      const account = await h.api.createAccount(key, { name: 'Counted' });
      const other = await h.api.createAccount(key, { name: 'Other' });
      const posted = await h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [ledgerEntry(), ledgerEntry(), ledgerEntry()] }, key);
      expect(posted.statusCode).toBe(200);
      expect((await h.api.post(`/v1/accounts/${other.id}/ledger-entries`, { entries: [ledgerEntry()] }, key)).statusCode).toBe(200);
      const reconciliation = await h.api.createReconciliation(key, account.id, {
        statementEntries: [statementEntry({ externalId: 'S1' }), statementEntry({ externalId: 'S2', amount: '-3.50' })],
      });
      const added = await h.api.post(`/v1/reconciliations/${reconciliation.id}/statement-entries`, { entries: [statementEntry({ externalId: 'S3' })] }, key);
      expect(added.statusCode).toBe(200);

      const read = await h.api.get(`/v1/accounts/${account.id}`, key);
      expect(read.statusCode).toBe(200);
      expect(read.json().unreconciled).toEqual({ ledgerEntries: 3, statementEntries: 3 });
      const otherRead = await h.api.get(`/v1/accounts/${other.id}`, key);
      expect(otherRead.json().unreconciled).toEqual({ ledgerEntries: 1, statementEntries: 0 });

      const list = await h.api.get('/v1/accounts?limit=500', key);
      const listed = list.json().data.find((a: { id: string }) => a.id === account.id);
      expect(listed.unreconciled).toEqual({ ledgerEntries: 3, statementEntries: 3 });
      expect(list.json().data.find((a: { id: string }) => a.id === other.id).unreconciled).toEqual({ ledgerEntries: 1, statementEntries: 0 });
    });
  });

  describe('update', () => {
    it('changes name and maxPeriodDays, and audits the change', async () => {
      const account = await h.api.createAccount(key, { name: 'Before' });
      const renamed = await h.api.patch(`/v1/accounts/${account.id}`, { name: 'After', maxPeriodDays: 31 }, key);
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ id: account.id, name: 'After', maxPeriodDays: 31, status: 'ACTIVE' });
      expect((await h.api.get(`/v1/accounts/${account.id}`, key)).json()).toMatchObject({ name: 'After', maxPeriodDays: 31 });
      const rows = await h.db.query('SELECT name, max_period_days FROM accounts WHERE id = $1', [account.id]);
      expect(rows).toEqual([{ name: 'After', max_period_days: 31 }]);
      const audit = await h.db.query('SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = $2', [account.id, 'account.updated']);
      expect(audit).toEqual([{ actor_id: keyId, before: { name: 'Before', status: 'ACTIVE', maxPeriodDays: 90 }, after: { name: 'After', status: 'ACTIVE', maxPeriodDays: 31 } }]);
      // The new maximum is enforced on new reconciliations.
      const tooLong = await h.api.post('/v1/reconciliations', { accountId: account.id, periodStart: '2026-01-01', periodEnd: '2026-02-15', mode: 'MANUAL' }, key);
      expectProblem(tooLong, 422, 'period_too_long');
    });

    it('refuses invalid changes and unknown fields, changing nothing', async () => {
      const account = await h.api.createAccount(key, { name: 'Stable' });
      const before = await h.db.snapshot();
      expectProblem(await h.api.patch(`/v1/accounts/${account.id}`, { maxPeriodDays: 0 }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/accounts/${account.id}`, { status: 'CLOSED' }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/accounts/${account.id}`, { name: '' }, key), 422, 'validation_failed');
      expectProblem(await h.api.patch(`/v1/accounts/${account.id}`, { currency: 'USD' }, key), 400, 'unknown_field');
      expectProblem(await h.api.patch(`/v1/accounts/${account.id}`, { tenantId: randomUUID() }, key), 400, 'unknown_field');
      expectProblem(await h.api.patch('/v1/accounts/not-a-uuid', { name: 'x' }, key), 400, 'invalid_id');
      expect(await h.db.snapshot()).toEqual(before);
      const rows = await h.db.query('SELECT name, status, max_period_days, currency FROM accounts WHERE id = $1', [account.id]);
      expect(rows).toEqual([{ name: 'Stable', status: 'ACTIVE', max_period_days: 90, currency: 'BRL' }]);
    });
  });

  describe('BLOCKED accounts', () => {
    it('refuse every write with 423 account_blocked and change nothing; reads work; unblocking restores writes', async () => {
      const account = await h.api.createAccount(key, { name: 'Blockable' });
      const entry = ledgerEntry({ externalId: 'PED-1', amount: '10.00' });
      expect((await h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [entry] }, key)).statusCode).toBe(200);
      const ledgerId = (await h.db.query<{ id: string }>('SELECT id FROM ledger_entries WHERE account_id = $1', [account.id]))[0].id;
      const reconciliation = await h.api.createReconciliation(key, account.id, { statementEntries: [statementEntry({ externalId: 'S1' })] });
      const rulesBefore = (await h.api.get(`/v1/accounts/${account.id}/matching-rules`, key)).json();

      const blocked = await h.api.patch(`/v1/accounts/${account.id}`, { status: 'BLOCKED' }, key);
      expect(blocked.statusCode).toBe(200);
      expect(blocked.json()).toMatchObject({ id: account.id, status: 'BLOCKED' });
      const blockAudit = await h.db.query('SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = $2', [account.id, 'account.blocked']);
      expect(blockAudit).toHaveLength(1);
      expect(blockAudit[0]).toMatchObject({ actor_id: keyId, before: { status: 'ACTIVE' }, after: { status: 'BLOCKED' } });

      const state = async () => ({
        counts: await h.db.snapshot(),
        ledger: await h.db.query('SELECT amount, updated_at FROM ledger_entries WHERE account_id = $1 ORDER BY id', [account.id]),
        reconciliations: await h.db.query(
          'SELECT id, status, statement_entry_count, submitted_at, run_version, updated_at FROM reconciliations WHERE account_id = $1 ORDER BY id',
          [account.id],
        ),
        rules: await h.db.query('SELECT * FROM matching_rules WHERE account_id = $1', [account.id]),
      });
      const before = await state();

      const writes: [string, () => Promise<InjectResponse>][] = [
        ['PUT matching-rules', () => h.api.put(`/v1/accounts/${account.id}/matching-rules`, rulesBody(), key)],
        ['POST ledger-entries (new)', () => h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [ledgerEntry()] }, key)],
        ['POST ledger-entries (change)', () => h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [{ ...entry, amount: '11.00' }] }, key)],
        ['POST reconciliations', () => h.api.post('/v1/reconciliations', { accountId: account.id, periodStart: '2026-02-01', periodEnd: '2026-02-28', mode: 'MANUAL' }, key)],
        ['POST statement-entries', () => h.api.post(`/v1/reconciliations/${reconciliation.id}/statement-entries`, { entries: [statementEntry({ externalId: 'S2' })] }, key)],
        ['POST submit', () => h.api.post(`/v1/reconciliations/${reconciliation.id}/submit`, {}, key)],
        ['POST auto-match', () => h.api.post(`/v1/reconciliations/${reconciliation.id}/auto-match`, {}, key)],
        ['DELETE reconciliation', () => h.api.delete(`/v1/reconciliations/${reconciliation.id}`, key)],
      ];
      for (const [name, write] of writes) {
        const response = await write();
        expect({ name, status: response.statusCode, code: response.json().code }).toEqual({ name, status: 423, code: 'account_blocked' });
        expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
      }
      expect(await state()).toEqual(before);

      // Reads still work.
      expect((await h.api.get(`/v1/accounts/${account.id}`, key)).json()).toMatchObject({ status: 'BLOCKED', unreconciled: { ledgerEntries: 1, statementEntries: 1 } });
      expect((await h.api.get(`/v1/accounts/${account.id}/matching-rules`, key)).json()).toEqual(rulesBefore);
      const ledgerList = await h.api.get(`/v1/accounts/${account.id}/ledger-entries`, key);
      expect(ledgerList.statusCode).toBe(200);
      expect(ledgerList.json().data.map((e: { externalId: string }) => e.externalId)).toEqual(['PED-1']);
      expect((await h.api.get(`/v1/ledger-entries/${ledgerId}`, key)).statusCode).toBe(200);
      expect((await h.api.get(`/v1/reconciliations/${reconciliation.id}`, key)).json()).toMatchObject({ id: reconciliation.id, status: 'PENDING' });
      const statementList = await h.api.get(`/v1/reconciliations/${reconciliation.id}/statement-entries`, key);
      expect(statementList.statusCode).toBe(200);
      expect(statementList.json().data).toHaveLength(1);

      // Unblock: audited, and writes work again.
      const unblocked = await h.api.patch(`/v1/accounts/${account.id}`, { status: 'ACTIVE' }, key);
      expect(unblocked.statusCode).toBe(200);
      expect(unblocked.json()).toMatchObject({ status: 'ACTIVE' });
      const unblockAudit = await h.db.query('SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = $2', [account.id, 'account.unblocked']);
      expect(unblockAudit).toHaveLength(1);
      expect(unblockAudit[0]).toMatchObject({ actor_id: keyId, before: { status: 'BLOCKED' }, after: { status: 'ACTIVE' } });

      expect((await h.api.put(`/v1/accounts/${account.id}/matching-rules`, rulesBody(), key)).statusCode).toBe(200);
      const upserted = await h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [{ ...entry, amount: '11.00' }, ledgerEntry()] }, key);
      expect(upserted.statusCode).toBe(200);
      expect(upserted.json()).toEqual({ created: 1, updated: 1, unchanged: 0 });
      const added = await h.api.post(`/v1/reconciliations/${reconciliation.id}/statement-entries`, { entries: [statementEntry({ externalId: 'S2' })] }, key);
      expect(added.statusCode).toBe(200);
      expect((await h.api.post(`/v1/reconciliations/${reconciliation.id}/submit`, {}, key)).statusCode).toBe(200);
      const february = await h.api.post('/v1/reconciliations', { accountId: account.id, periodStart: '2026-02-01', periodEnd: '2026-02-28', mode: 'MANUAL' }, key);
      expect(february.statusCode).toBe(201);
      expect((await h.api.delete(`/v1/reconciliations/${february.json().id}`, key)).statusCode).toBe(204);
      expect((await h.api.post(`/v1/reconciliations/${reconciliation.id}/auto-match`, {}, key)).statusCode).toBe(202);
      expect(await h.db.count('ledger_entries', 'account_id = $1', [account.id])).toBe(2);
      expect(await h.db.count('statement_entries', 'reconciliation_id = $1', [reconciliation.id])).toBe(2);
      expect(await h.db.count('reconciliations', 'id = $1', [february.json().id])).toBe(0);
    });
  });

  describe('matching rules', () => {
    it('GET returns the defaults, amounts in the account currency', async () => {
      const account = await h.api.createAccount(key, { currency: 'BRL' });
      const response = await h.api.get(`/v1/accounts/${account.id}/matching-rules`, key);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        accountId: account.id,
        amountTolerance: '0.00',
        amountToleranceBps: 0,
        dateWindowDays: 3,
        referencePatterns: [],
        useExternalIdAsReference: false,
        strategies: ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'],
        autoAcceptThreshold: 90,
        suggestThreshold: 60,
        maxGroupSize: 5,
        severityThresholds: { warning: '1.00', critical: '100.00' },
      });
      const jpy = await h.api.createAccount(key, { currency: 'JPY' });
      expect((await h.api.get(`/v1/accounts/${jpy.id}/matching-rules`, key)).json()).toMatchObject({ amountTolerance: '0', severityThresholds: { warning: '100', critical: '10000' } });
    });

    it('PUT replaces the rules whole, returns and stores the new values, and audits it', async () => {
      const account = await h.api.createAccount(key, { currency: 'BRL' });
      const body = rulesBody();
      const response = await h.api.put(`/v1/accounts/${account.id}/matching-rules`, body, key);
      expect(response.statusCode).toBe(200);
      const { updatedAt, ...returned } = response.json();
      expect(typeof updatedAt).toBe('string');
      expect(returned).toEqual({ accountId: account.id, ...body });
      const read = (await h.api.get(`/v1/accounts/${account.id}/matching-rules`, key)).json();
      expect(read).toEqual(response.json());
      const rows = await h.db.query(
        'SELECT amount_tolerance, amount_tolerance_bps, reference_patterns, strategies, severity_warning_amount, severity_critical_amount FROM matching_rules WHERE account_id = $1',
        [account.id],
      );
      expect(rows).toEqual([
        {
          amount_tolerance: '5',
          amount_tolerance_bps: 25,
          reference_patterns: ['PED-\\d+', 'NF\\s?\\d{6}'],
          strategies: ['AMOUNT_DATE', 'REFERENCE'],
          severity_warning_amount: '250',
          severity_critical_amount: '25000',
        },
      ]);
      const audit = await h.db.query('SELECT actor_id, before, after FROM audit_events WHERE target_id = $1 AND action = $2', [account.id, 'matching_rules.replaced']);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: keyId, before: { amountTolerance: '0', dateWindowDays: 3 }, after: { amountTolerance: '5', dateWindowDays: 5 } });

      // A second PUT replaces again: nothing of the first survives.
      const second = await h.api.put(`/v1/accounts/${account.id}/matching-rules`, rulesBody({ referencePatterns: [], strategies: ['AGGREGATE'], useExternalIdAsReference: false }), key);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ referencePatterns: [], strategies: ['AGGREGATE'], useExternalIdAsReference: false });
    });

    it('formats amounts in the account currency: JPY without decimals, KWD with three', async () => {
      const jpy = await h.api.createAccount(key, { currency: 'JPY' });
      const jpyRules = await h.api.put(`/v1/accounts/${jpy.id}/matching-rules`, rulesBody({ amountTolerance: '5', severityThresholds: { warning: '100', critical: 5000 } }), key);
      expect(jpyRules.statusCode).toBe(200);
      expect(jpyRules.json()).toMatchObject({ amountTolerance: '5', severityThresholds: { warning: '100', critical: '5000' } });
      expect((await h.db.query('SELECT amount_tolerance FROM matching_rules WHERE account_id = $1', [jpy.id]))[0]).toEqual({ amount_tolerance: '5' });

      const kwd = await h.api.createAccount(key, { currency: 'KWD' });
      const kwdRules = await h.api.put(`/v1/accounts/${kwd.id}/matching-rules`, rulesBody({ amountTolerance: '0.5', severityThresholds: { warning: '1.25', critical: '100.125' } }), key);
      expect(kwdRules.statusCode).toBe(200);
      expect(kwdRules.json()).toMatchObject({ amountTolerance: '0.500', severityThresholds: { warning: '1.250', critical: '100.125' } });
      expect((await h.db.query('SELECT amount_tolerance, severity_critical_amount FROM matching_rules WHERE account_id = $1', [kwd.id]))[0]).toEqual({
        amount_tolerance: '500',
        severity_critical_amount: '100125',
      });
      // 3 decimals are too many for JPY.
      expectProblem(await h.api.put(`/v1/accounts/${jpy.id}/matching-rules`, rulesBody({ amountTolerance: '0.5' }), key), 422, 'amount_precision_exceeded');
    });

    describe('refused replacements change nothing', () => {
      let accountId: string;
      let rulesBefore: unknown;
      let snapshotBefore: Record<string, number>;

      beforeAll(async () => {
        accountId = (await h.api.createAccount(key, { currency: 'BRL' })).id;
        rulesBefore = (await h.api.get(`/v1/accounts/${accountId}/matching-rules`, key)).json();
      });

      beforeEach(async () => {
        snapshotBefore = await h.db.snapshot();
      });

      afterEach(async () => {
        expect(await h.db.snapshot()).toEqual(snapshotBefore);
        expect((await h.api.get(`/v1/accounts/${accountId}/matching-rules`, key)).json()).toEqual(rulesBefore);
      });

      const put = (body: unknown) => h.api.put(`/v1/accounts/${accountId}/matching-rules`, body, key);

      it.each([
        'amountTolerance',
        'amountToleranceBps',
        'dateWindowDays',
        'referencePatterns',
        'useExternalIdAsReference',
        'strategies',
        'autoAcceptThreshold',
        'suggestThreshold',
        'maxGroupSize',
        'severityThresholds',
      ])('without %s: 422 validation_failed naming it', async (field) => {
        const body = rulesBody();
        delete body[field];
        const problem = expectProblem(await put(body), 422, 'validation_failed');
        expect(fieldsOf(problem)).toContain(field);
      });

      it.each([[null], ['high'], [7]])('severityThresholds = %p: 422 naming it', async (severityThresholds) => {
        const problem = expectProblem(await put(rulesBody({ severityThresholds })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toContain('severityThresholds');
      });

      it('without severityThresholds.critical: 422 naming it', async () => {
        const problem = expectProblem(await put(rulesBody({ severityThresholds: { warning: '1.00' } })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toContain('severityThresholds.critical');
      });

      it('suggestThreshold above autoAcceptThreshold: 422 naming suggestThreshold', async () => {
        const problem = expectProblem(await put(rulesBody({ suggestThreshold: 91, autoAcceptThreshold: 90 })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toEqual(['suggestThreshold']);
      });

      it('an invalid regular expression: 422 naming referencePatterns[i]', async () => {
        const problem = expectProblem(await put(rulesBody({ referencePatterns: ['PED-\\d+', 'NF(\\d+'] })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toEqual(['referencePatterns[1]']);
      });

      it('a tolerance with more decimals than the currency: 422 amount_precision_exceeded', async () => {
        const problem = expectProblem(await put(rulesBody({ amountTolerance: '0.001' })), 422, 'amount_precision_exceeded');
        expect(fieldsOf(problem)).toEqual(['amountTolerance']);
      });

      it.each(['-0.01', -1])('a negative tolerance (%p): 422 naming amountTolerance', async (amountTolerance) => {
        const problem = expectProblem(await put(rulesBody({ amountTolerance })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toEqual(['amountTolerance']);
      });

      it.each(['1e3', '1,00', 'abc'])('a malformed tolerance (%p): 422 naming amountTolerance', async (amountTolerance) => {
        const response = await put(rulesBody({ amountTolerance }));
        expect(response.statusCode).toBe(422);
        expect(fieldsOf(expectProblem(response, 422, 'amount_invalid'))).toEqual(['amountTolerance']);
      });

      it('warning above critical: 422 naming severityThresholds', async () => {
        const problem = expectProblem(await put(rulesBody({ severityThresholds: { warning: '500.00', critical: '100.00' } })), 422, 'validation_failed');
        expect(fieldsOf(problem)[0]).toMatch(/^severityThresholds/);
      });

      it('an unknown field inside severityThresholds: 400 unknown_field', async () => {
        const problem = expectProblem(await put(rulesBody({ severityThresholds: { warning: '1.00', critical: '100.00', info: '0.50' } })), 400, 'unknown_field');
        expect(fieldsOf(problem)).toEqual(['severityThresholds.info']);
      });

      it('an unknown top-level field: 400 unknown_field', async () => {
        const problem = expectProblem(await put(rulesBody({ accountId: randomUUID() })), 400, 'unknown_field');
        expect(fieldsOf(problem)).toEqual(['accountId']);
      });

      it.each([[['REFERENCE', 'FUZZY']], [[]], [['REFERENCE', 'REFERENCE']]])('strategies %p: 422 naming strategies', async (strategies) => {
        const problem = expectProblem(await put(rulesBody({ strategies })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toEqual(['strategies']);
      });

      it.each([
        ['autoAcceptThreshold', 101],
        ['dateWindowDays', -1],
        ['maxGroupSize', 1],
        ['amountToleranceBps', 1.5],
      ])('%s = %p: 422 naming it', async (field, value) => {
        const problem = expectProblem(await put(rulesBody({ [field]: value })), 422, 'validation_failed');
        expect(fieldsOf(problem)).toEqual([field]);
      });
    });
  });
});
