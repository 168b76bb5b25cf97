import { ledgerEntry, statementEntry } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

/** Ledger entries once they are in matches: their matches are shown, and an accepted match locks the amount. */
describe('ledger entries in matches (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi({ API_RATE_LIMIT_PER_SECOND: '100000' });
  });

  afterAll(() => h.close());

  async function matchedOrder() {
    const { key } = await h.api.createTenant();
    const account = await h.api.createAccount(key);
    const order = ledgerEntry({ externalId: 'PED-9', amount: '80.00', date: '2026-01-05' });
    expect((await h.api.post(`/v1/accounts/${account.id}/ledger-entries`, { entries: [order] }, key)).statusCode).toBe(200);
    const reconciliation = await h.api.createReconciliation(key, account.id, { statementEntries: [statementEntry({ externalId: 'R1', amount: '80.00', date: '2026-01-06' })] });
    const [ledgerId] = (await h.db.query<{ id: string }>('SELECT id FROM ledger_entries WHERE account_id = $1', [account.id])).map((row) => row.id);
    const [statementId] = (await h.db.query<{ id: string }>('SELECT id FROM statement_entries WHERE reconciliation_id = $1', [reconciliation.id])).map((row) => row.id);
    const match = await h.api.post(`/v1/reconciliations/${reconciliation.id}/manual-match`, { statementEntryIds: [statementId], ledgerEntryIds: [ledgerId] }, key);
    expect(match.statusCode).toBe(201);
    return { key, accountId: account.id, order, ledgerId, matchId: match.json().id as string };
  }

  it('shows the entry with its matches', async () => {
    const { key, ledgerId, matchId } = await matchedOrder();
    const response = await h.api.get(`/v1/ledger-entries/${ledgerId}`, key);
    expect(response.statusCode).toBe(200);
    expect(response.json().matches).toEqual([expect.objectContaining({ id: matchId, status: 'ACCEPTED', method: 'MANUAL', ledgerEntryIds: [ledgerId] })]);
  });

  it('refuses to change the amount of an entry in an accepted match (409 ledger_entry_locked) and changes nothing', async () => {
    const { key, accountId, order } = await matchedOrder();
    const before = await h.db.query('SELECT amount::text, description FROM ledger_entries WHERE account_id = $1', [accountId]);
    const changed = await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [{ ...order, amount: '81.00', description: 'changed' }] }, key);
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'ledger_entry_locked', errors: [{ field: 'entries[0].amount', code: 'ledger_entry_locked' }] });
    expect(await h.db.query('SELECT amount::text, description FROM ledger_entries WHERE account_id = $1', [accountId])).toEqual(before);
    // Other fields may still change while the amount stays.
    const described = await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [{ ...order, description: 'noted' }] }, key);
    expect(described.json()).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });

  it('lets the amount change again once the match is undone', async () => {
    const { key, accountId, order, matchId } = await matchedOrder();
    expect((await h.api.post(`/v1/matches/${matchId}/unmatch`, {}, key)).statusCode).toBe(200);
    const changed = await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [{ ...order, amount: '81.00' }] }, key);
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });
});
