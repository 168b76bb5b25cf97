import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { addLedger, insertMatch, reviewSetup, UNLIMITED, type ReviewSetup } from '../testing/review-fixtures';

/**
 * A matching pass takes the ledger side of its summary from its own read when the account's
 * ledger version moved by its own step alone: every change to what the account's
 * reconciliations see of its ledger must move it, and a refused change must not.
 */
describe('the account ledger version (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi(UNLIMITED);
  });

  afterAll(() => h.close());

  const version = async (t: ReviewSetup): Promise<number> => {
    const rows = await h.db.query<{ version: string }>('SELECT version::text FROM ledger_versions WHERE account_id = $1', [t.accountId]);
    return rows.length === 0 ? 0 : Number(rows[0].version);
  };

  /** Runs `change` and answers by how much it moved the version. */
  async function moved(t: ReviewSetup, change: () => Promise<{ statusCode: number; body: string }>, status: number): Promise<number> {
    const before = await version(t);
    const response = await change();
    expect({ status: response.statusCode, body: response.body }).toEqual({ status, body: expect.any(String) });
    return (await version(t)) - before;
  }

  const setup = () => reviewSetup(h, [{ externalId: 'S1', amount: '10.00' }, { externalId: 'S2', amount: '20.00' }], [{ externalId: 'L1', amount: '10.00' }, { externalId: 'L2', amount: '20.00' }]);

  it('moves when ledger entries are posted or imported from a file', async () => {
    const t = await setup();
    expect(await version(t)).toBe(1); // the setup posted the ledger
    const entries = [{ externalId: 'L3', kind: 'ORDER', amount: '30.00', currency: 'BRL', date: '2026-01-12' }];
    expect(await moved(t, () => h.api.post(`/v1/accounts/${t.accountId}/ledger-entries`, { entries }, t.key), 200)).toBe(1);
    const file = ['externalId,kind,amount,currency,date', 'L4,ORDER,40.00,BRL,2026-01-13'].join('\n');
    expect(await moved(t, () => h.api.upload(`/v1/accounts/${t.accountId}/ledger-imports`, { file: { content: file, fileName: 'orders.csv' } }, t.key), 201)).toBe(1);
  });

  it('stays when a ledger write is refused', async () => {
    const t = await setup();
    await insertMatch(h, t, { statement: [t.s.S1], ledger: [t.l.L1] }, { status: 'ACCEPTED' });
    const entries = [{ externalId: 'L1', kind: 'ORDER', amount: '11.00', currency: 'BRL', date: '2026-01-10' }];
    expect(await moved(t, () => h.api.post(`/v1/accounts/${t.accountId}/ledger-entries`, { entries }, t.key), 409)).toBe(0);
  });

  it('moves when matching rules are replaced (the date window sets the reach)', async () => {
    const t = await setup();
    // PUT takes back what GET answers, less the read-only fields.
    const { accountId: _accountId, updatedAt: _updatedAt, ...rules } = (await h.api.get(`/v1/accounts/${t.accountId}/matching-rules`, t.key)).json();
    const body = { ...rules, dateWindowDays: rules.dateWindowDays + 2 };
    expect(await moved(t, () => h.api.put(`/v1/accounts/${t.accountId}/matching-rules`, body, t.key), 200)).toBe(1);
  });

  it('moves when a match is made by hand, rejected or unmatched', async () => {
    const t = await setup();
    const manual = () => h.api.post(`/v1/reconciliations/${t.reconciliationId}/manual-match`, { statementEntryIds: [t.s.S1], ledgerEntryIds: [t.l.L1] }, t.key);
    expect(await moved(t, manual, 201)).toBe(1);
    const [made] = await h.db.query<{ id: string }>(`SELECT id FROM matches WHERE reconciliation_id = $1 AND method = 'MANUAL'`, [t.reconciliationId]);
    expect(await moved(t, () => h.api.post(`/v1/matches/${made.id}/unmatch`, {}, t.key), 200)).toBe(1);
    const suggested = await insertMatch(h, t, { statement: [t.s.S2], ledger: [t.l.L2] });
    expect(await moved(t, () => h.api.post(`/v1/matches/${suggested}/reject`, {}, t.key), 200)).toBe(1);
  });

  it('is kept per account', async () => {
    const t = await setup();
    const other = await h.api.createAccount(t.key);
    const before = await version(t);
    await addLedger(h, t.key, other.id, [{ externalId: 'O1' }]);
    expect(await version(t)).toBe(before);
  });
});
