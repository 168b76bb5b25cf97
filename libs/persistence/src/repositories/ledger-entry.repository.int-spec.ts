import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEFAULT_MATCHING_RULES } from '@concilia/domain';
import { createDataSource } from '../data-source';
import { Database, pgErrorCode, type Tx } from '../database';
import { AccountRepository, type MatchingRulesValues, type NewAccount } from './account.repository';
import { LedgerEntryRepository, type LedgerEntryRow } from './ledger-entry.repository';
import { MatchReviewRepository } from './match-review.repository';

const defaultRules = (): MatchingRulesValues => ({ ...DEFAULT_MATCHING_RULES, referencePatterns: [], strategies: [...DEFAULT_MATCHING_RULES.strategies] });

function row(externalId: string, overrides: Partial<LedgerEntryRow> = {}): LedgerEntryRow {
  return {
    id: randomUUID(),
    externalId,
    kind: 'ORDER',
    amount: 10_000n,
    currency: 'BRL',
    entryDate: '2026-01-10',
    expectedSettlementDate: null,
    status: null,
    refs: [],
    description: null,
    counterparty: null,
    metadata: null,
    ...overrides,
  };
}

/** A promise with its resolver outside: holds a transaction open until the test lets go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('LedgerEntryRepository and AccountRepository (integration)', () => {
  let dataSource: DataSource;
  let database: Database;
  let ledger: LedgerEntryRepository;
  let accounts: AccountRepository;
  let tenantId: string;

  beforeAll(async () => {
    const url = process.env['DATABASE_URL'];
    if (!url) throw new Error('DATABASE_URL is not set: run through jest (the global setup sets it)');
    dataSource = createDataSource({ url, poolSize: 6, applicationName: 'ledger-int-spec' });
    await dataSource.initialize();
    database = new Database(dataSource);
    ledger = new LedgerEntryRepository(database);
    accounts = new AccountRepository(database);
    tenantId = await newTenant();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  async function newTenant(): Promise<string> {
    const id = randomUUID();
    await dataSource.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, `int-${id.slice(0, 8)}`]);
    return id;
  }

  async function newAccount(overrides: Partial<NewAccount> = {}, tenant = tenantId): Promise<string> {
    const account: NewAccount = {
      id: randomUUID(),
      tenantId: tenant,
      name: 'Integration store',
      kind: 'MARKETPLACE',
      currency: 'BRL',
      channel: null,
      externalId: null,
      maxPeriodDays: 90,
      ...overrides,
    };
    await database.transaction((tx) => accounts.insert(tx, account, defaultRules()));
    return account.id;
  }

  const upsert = (accountId: string, rows: LedgerEntryRow[], tenant = tenantId) => database.transaction((tx) => ledger.upsert(tx, tenant, accountId, rows));

  async function stored(accountId: string): Promise<{ external_id: string; amount: string; updated_at: string }[]> {
    return dataSource.query(
      `SELECT external_id, amount::text AS amount, refs, metadata, description, updated_at::text AS updated_at
         FROM ledger_entries WHERE account_id = $1 ORDER BY external_id`,
      [accountId],
    );
  }

  /** Polls until the backend `pid` waits on a lock (deadline 5 s). */
  async function waitUntilBlocked(pid: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const [activity] = await dataSource.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (activity?.wait_event_type === 'Lock') return;
      if (Date.now() > deadline) throw new Error(`backend ${pid} never waited on a lock`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const pidOf = async (tx: Tx): Promise<number> => (await tx.query('SELECT pg_backend_pid() AS pid'))[0].pid;

  describe('LedgerEntryRepository.upsert', () => {
    it('counts created, unchanged (without writing) and updated rows', async () => {
      const accountId = await newAccount();
      const rows = Array.from({ length: 40 }, (_, i) => row(`E-${String(i).padStart(3, '0')}`, { amount: BigInt(i * 100 + 1) }));

      expect(await upsert(accountId, rows)).toEqual({ created: 40, updated: 0, unchanged: 0 });
      const first = await stored(accountId);
      expect(first).toHaveLength(40);

      // The same rows with fresh ids (as every request generates): nothing is written.
      expect(await upsert(accountId, rows.map((r) => ({ ...r, id: randomUUID() })))).toEqual({ created: 0, updated: 0, unchanged: 40 });
      expect(await stored(accountId)).toEqual(first);

      const changed = rows.map((r, i) => (i === 5 ? { ...r, amount: -1n } : i === 9 ? { ...r, status: 'CANCELLED' } : r));
      expect(await upsert(accountId, [...changed, row('E-NEW-1'), row('E-NEW-2')])).toEqual({ created: 2, updated: 2, unchanged: 40 - 2 });
      const after = await stored(accountId);
      expect(after).toHaveLength(42);
      const byId = new Map(after.map((r) => [r.external_id, r]));
      expect(byId.get('E-005')).toMatchObject({ amount: '-1' });
      expect(byId.get('E-005')?.updated_at).not.toBe(first[5].updated_at);
      expect(byId.get('E-009')?.updated_at).not.toBe(first[9].updated_at);
      expect(byId.get('E-010')).toEqual(first[10]);

      expect(await upsert(accountId, [])).toEqual({ created: 0, updated: 0, unchanged: 0 });
    });

    it('keeps the first id of a row when it is updated', async () => {
      const accountId = await newAccount();
      const original = row('KEEP-ID');
      await upsert(accountId, [original]);
      expect(await upsert(accountId, [{ ...original, id: randomUUID(), amount: 1n }])).toEqual({ created: 0, updated: 1, unchanged: 0 });
      const rows = await dataSource.query('SELECT id, amount::text AS amount FROM ledger_entries WHERE account_id = $1', [accountId]);
      expect(rows).toEqual([{ id: original.id, amount: '1' }]);
    });

    it('round-trips refs, metadata, text and amounts at the bigint limits', async () => {
      const accountId = await newAccount();
      const refs = ['PED-1', 'with,comma', 'quote"s', '{brace}', 'back\\slash', 'NULL', ' spaced ', 'ação'];
      const metadata = { nested: { list: [1, 'two', null, { three: 3 }], flag: false }, 'key with space': 'ü€😀', empty: {}, nothing: null };
      const full = row('RT-1', {
        kind: 'INVOICE',
        amount: 9_223_372_036_854_775_807n,
        expectedSettlementDate: '2026-02-28',
        status: 'PAID',
        refs,
        description: 'Line 1\nLine 2 — "quoted" \'single\'',
        counterparty: 'ACME; DROP TABLE ledger_entries; --',
        metadata,
      });
      const minimal = row('RT-2', { amount: -9_223_372_036_854_775_808n, currency: 'JPY' });
      expect(await upsert(accountId, [full, minimal])).toEqual({ created: 2, updated: 0, unchanged: 0 });

      const read = await ledger.findById(tenantId, full.id);
      expect(read).toMatchObject({
        id: full.id,
        tenantId,
        accountId,
        externalId: 'RT-1',
        kind: 'INVOICE',
        amount: 9_223_372_036_854_775_807n,
        currency: 'BRL',
        entryDate: '2026-01-10',
        expectedSettlementDate: '2026-02-28',
        status: 'PAID',
        refs,
        description: full.description,
        counterparty: full.counterparty,
        metadata,
      });
      expect(await ledger.findById(tenantId, minimal.id)).toMatchObject({ amount: -9_223_372_036_854_775_808n, refs: [], metadata: null, description: null, expectedSettlementDate: null });
      // Another tenant cannot read it.
      expect(await ledger.findById(await newTenant(), full.id)).toBeNull();

      // Equal content in another form is unchanged: jsonb ignores key order.
      const reordered = { empty: {}, nothing: null, 'key with space': 'ü€😀', nested: { flag: false, list: [1, 'two', null, { three: 3 }] } };
      expect(await upsert(accountId, [{ ...full, id: randomUUID(), metadata: reordered }, minimal])).toEqual({ created: 0, updated: 0, unchanged: 2 });
      // But a different order of refs, metadata null versus {}, and refs [] versus one are changes.
      expect(await upsert(accountId, [{ ...full, refs: [...refs].reverse() }, { ...minimal, metadata: {} }])).toEqual({ created: 0, updated: 2, unchanged: 0 });
      expect((await ledger.findById(tenantId, minimal.id))?.metadata).toEqual({});
      expect(await upsert(accountId, [{ ...minimal, metadata: {}, refs: ['X'] }])).toEqual({ created: 0, updated: 1, unchanged: 0 });
    });

    it('filters the list by dates, kind and externalId within one account and tenant', async () => {
      const accountId = await newAccount();
      const otherAccount = await newAccount();
      await upsert(accountId, [
        row('F-1', { entryDate: '2026-01-01', kind: 'ORDER' }),
        row('F-2', { entryDate: '2026-01-15', kind: 'GL' }),
        row('F-3', { entryDate: '2026-01-31', kind: 'ORDER' }),
      ]);
      await upsert(otherAccount, [row('F-1')]);
      const review = new MatchReviewRepository(database);
      const ids = async (filters: object) => (await review.listLedgerEntries(tenantId, accountId, filters, { limit: 50, after: null })).data.map((e) => e.externalId).sort();
      expect(await ids({})).toEqual(['F-1', 'F-2', 'F-3']);
      expect(await ids({ dateFrom: '2026-01-15' })).toEqual(['F-2', 'F-3']);
      expect(await ids({ dateTo: '2026-01-15' })).toEqual(['F-1', 'F-2']);
      expect(await ids({ kind: 'ORDER' })).toEqual(['F-1', 'F-3']);
      expect(await ids({ externalId: 'F-2' })).toEqual(['F-2']);
      expect((await review.listLedgerEntries(await newTenant(), accountId, {}, { limit: 50, after: null })).data).toEqual([]);
    });

    it('concurrent upserts of the same externalIds from two transactions leave one row per externalId', async () => {
      const accountId = await newAccount();
      const externalIds = Array.from({ length: 50 }, (_, i) => `C-${String(i).padStart(2, '0')}`);
      const hold = gate();
      let firstDone!: () => void;
      const firstUpserted = new Promise<void>((resolve) => (firstDone = resolve));

      const first = database.transaction(async (tx) => {
        const counts = await ledger.upsert(tx, tenantId, accountId, externalIds.map((id) => row(id, { amount: 100n })));
        firstDone();
        await hold.wait;
        return counts;
      });
      await firstUpserted;
      let gotPid!: (pid: number) => void;
      const secondPid = new Promise<number>((resolve) => (gotPid = resolve));
      const second = database.transaction(async (tx) => {
        gotPid(await pidOf(tx));
        return ledger.upsert(tx, tenantId, accountId, [...externalIds].reverse().map((id) => row(id, { amount: 200n })));
      });
      try {
        await waitUntilBlocked(await secondPid);
      } finally {
        hold.open();
      }

      expect(await first).toEqual({ created: 50, updated: 0, unchanged: 0 });
      expect(await second).toEqual({ created: 0, updated: 50, unchanged: 0 });
      const rows = await dataSource.query(
        'SELECT external_id, count(*)::int AS n, min(amount)::text AS amount FROM ledger_entries WHERE account_id = $1 GROUP BY external_id ORDER BY external_id',
        [accountId],
      );
      expect(rows).toEqual(externalIds.map((id) => ({ external_id: id, n: 1, amount: '200' })));
    });

    it('overlapping batches in different orders never deadlock (rows are written in a stable order)', async () => {
      const accountId = await newAccount();
      const hold = gate();
      let firstDone!: () => void;
      const firstUpserted = new Promise<void>((resolve) => (firstDone = resolve));
      let gotPid!: (pid: number) => void;
      const secondPid = new Promise<number>((resolve) => (gotPid = resolve));

      // T1 writes B and waits; T2 writes [C, B]; T1 then writes C. Written in the given order, T2
      // would hold C while waiting for B, and T1 would wait for C: a deadlock. In a stable order,
      // T2 waits for B before it touches C.
      const first = database.transaction(async (tx) => {
        const b = await ledger.upsert(tx, tenantId, accountId, [row('B', { amount: 1n })]);
        firstDone();
        await hold.wait;
        const c = await ledger.upsert(tx, tenantId, accountId, [row('C', { amount: 1n })]);
        return [b, c];
      });
      await firstUpserted;
      const second = database.transaction(async (tx) => {
        gotPid(await pidOf(tx));
        return ledger.upsert(tx, tenantId, accountId, [row('C', { amount: 2n }), row('B', { amount: 2n })]);
      });
      try {
        await waitUntilBlocked(await secondPid);
      } finally {
        hold.open();
      }

      const [firstResult, secondResult] = await Promise.allSettled([first, second]);
      const codes = [firstResult, secondResult].map((r) => (r.status === 'rejected' ? pgErrorCode(r.reason) ?? String(r.reason) : 'ok'));
      expect(codes).toEqual(['ok', 'ok']);
      expect(secondResult).toMatchObject({ status: 'fulfilled', value: { created: 0, updated: 2, unchanged: 0 } });
      const rows = await dataSource.query('SELECT external_id, amount::text AS amount FROM ledger_entries WHERE account_id = $1 ORDER BY external_id', [accountId]);
      expect(rows).toEqual([
        { external_id: 'B', amount: '2' },
        { external_id: 'C', amount: '2' },
      ]);
    });
  });

  describe('AccountRepository', () => {
    it('inserts an account with its matching rules, scoped to its tenant', async () => {
      const accountId = await newAccount({ name: 'Scoped', currency: 'KWD', channel: 'amazon', externalId: 'IBAN-1' });
      const account = await accounts.findById(tenantId, accountId);
      expect(account).toMatchObject({ id: accountId, tenantId, name: 'Scoped', kind: 'MARKETPLACE', currency: 'KWD', channel: 'amazon', externalId: 'IBAN-1', status: 'ACTIVE', maxPeriodDays: 90 });
      expect(await accounts.findRules(tenantId, accountId)).toMatchObject({ ...defaultRules(), accountId, tenantId });
      const stranger = await newTenant();
      expect(await accounts.findById(stranger, accountId)).toBeNull();
      expect(await accounts.findRules(stranger, accountId)).toBeNull();
      expect(await database.transaction((tx) => accounts.lockById(tx, stranger, accountId))).toBeNull();
      expect(await database.transaction((tx) => accounts.update(tx, stranger, accountId, { status: 'BLOCKED' }))).toBeNull();
      expect((await accounts.findById(tenantId, accountId))?.status).toBe('ACTIVE');
    });

    it('updates name, status and maxPeriodDays, and replaces the rules whole', async () => {
      const accountId = await newAccount();
      const updated = await database.transaction((tx) => accounts.update(tx, tenantId, accountId, { name: 'Renamed', status: 'BLOCKED', maxPeriodDays: 30 }));
      expect(updated).toMatchObject({ name: 'Renamed', status: 'BLOCKED', maxPeriodDays: 30 });
      const rules: MatchingRulesValues = {
        amountTolerance: 5n,
        amountToleranceBps: 10,
        dateWindowDays: 7,
        referencePatterns: ['PED-\\d+'],
        useExternalIdAsReference: true,
        strategies: ['AGGREGATE'],
        autoAcceptThreshold: 99,
        suggestThreshold: 10,
        maxGroupSize: 10,
        severityWarningAmount: 9_000_000_000_000_000_000n,
        severityCriticalAmount: 9_223_372_036_854_775_807n,
      };
      const replaced = await database.transaction((tx) => accounts.replaceRules(tx, tenantId, accountId, rules));
      expect(replaced).toMatchObject(rules);
      expect(await accounts.findRules(tenantId, accountId)).toMatchObject(rules);
    });

    it('lockById holds the account row against status changes until the transaction ends', async () => {
      const accountId = await newAccount();
      const hold = gate();
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = database.transaction(async (tx) => {
        const account = await accounts.lockById(tx, tenantId, accountId);
        locked();
        await hold.wait;
        return account;
      });
      await isLocked;
      const refused = await database
        .transaction(async (tx) => {
          await tx.query("SET LOCAL lock_timeout = '200ms'");
          return accounts.update(tx, tenantId, accountId, { status: 'BLOCKED' });
        })
        .then(
          () => 'updated',
          (error: unknown) => pgErrorCode(error),
        );
      expect(refused).toBe('55P03'); // lock_not_available: the writer had to wait for the holder
      hold.open();
      expect(await holder).toMatchObject({ id: accountId, status: 'ACTIVE' });
      expect(await database.transaction((tx) => accounts.update(tx, tenantId, accountId, { status: 'BLOCKED' }))).toMatchObject({ status: 'BLOCKED' });
    });

    it('lists with filters and keyset pages, newest first, within the tenant', async () => {
      const tenant = await newTenant();
      const ids: string[] = [];
      for (const [kind, currency] of [
        ['BANK', 'BRL'],
        ['WALLET', 'JPY'],
        ['BANK', 'KWD'],
      ] as const) {
        ids.push(await newAccount({ kind, currency }, tenant));
      }
      const all = await accounts.list(tenant, {}, { limit: 50, after: null });
      expect(all.data.map((a) => a.id).sort()).toEqual([...ids].sort());
      expect(all.data.map((a) => a.id)).toEqual(all.data.map((a) => a.id).sort().reverse());
      expect(all.nextAfter).toBeNull();
      expect((await accounts.list(tenant, { kind: 'BANK' }, { limit: 50, after: null })).data.map((a) => a.currency).sort()).toEqual(['BRL', 'KWD']);
      expect((await accounts.list(tenant, { currency: 'JPY' }, { limit: 50, after: null })).data.map((a) => a.kind)).toEqual(['WALLET']);
      const page1 = await accounts.list(tenant, {}, { limit: 2, after: null });
      expect(page1.data).toHaveLength(2);
      expect(page1.nextAfter).toBe(page1.data[1].id);
      const page2 = await accounts.list(tenant, {}, { limit: 2, after: page1.nextAfter });
      expect(page2.data).toHaveLength(1);
      expect(page2.nextAfter).toBeNull();
      expect([...page1.data, ...page2.data].map((a) => a.id)).toEqual(all.data.map((a) => a.id));
    });

    it('counts unreconciled ledger entries per account', async () => {
      const a = await newAccount();
      const b = await newAccount();
      const empty = await newAccount();
      await upsert(a, [row('U-1'), row('U-2'), row('U-3')]);
      await upsert(b, [row('U-1')]);
      const counts = await accounts.unreconciledCounts([a, b, empty]);
      expect(counts.get(a)).toEqual({ ledgerEntries: 3, statementEntries: 0 });
      expect(counts.get(b)).toEqual({ ledgerEntries: 1, statementEntries: 0 });
      expect(counts.get(empty)).toEqual({ ledgerEntries: 0, statementEntries: 0 });
      expect((await accounts.unreconciledCounts([])).size).toBe(0);
    });
  });
});
