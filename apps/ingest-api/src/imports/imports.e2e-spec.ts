import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectProblem, type UploadForm } from '@concilia/testing';
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';

const CANONICAL_CSV = [
  'externalId,amount,currency,date,references,description',
  'REL-1,100.00,BRL,2026-01-10,PED-1,Venda PED-1',
  'REL-2,-12.35,BRL,2026-01-11,PED-1|PED-2,Comissão',
  ',50.00,BRL,2026-01-12,,Ajuste',
  ',50.00,BRL,2026-01-12,,Ajuste',
].join('\n');

const CAMT_053 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-01-31T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-01</Id>
      <CreDtTm>2026-01-31T18:00:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <Amt Ccy="EUR">0010.10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-15</Dt></BookgDt><ValDt><Dt>2026-01-16</Dt></ValDt>
        <AcctSvcrRef>BANK-REF-1</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><EndToEndId>PED-1001</EndToEndId></Refs><RmtInf><Ustrd>Order PED-1001</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-17</Dt></BookgDt><AcctSvcrRef>BANK-REF-2</AcctSvcrRef>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

const MT940 = [
  ':20:STARTUMSE',
  ':25:37040044/0532013000',
  ':28C:00001/001',
  ':60F:C260114EUR1000,00',
  ':61:2601150115C100,00NTRFPED-2001//BANKREF-9',
  ':86:166?00GUTSCHRIFT?20EREF+PED-2001?21SVWZ+Rechnung 2001?32Max Mustermann',
  ':61:2601160116D25,50NMSCNONREF',
  ':86:Gebuehren Januar',
  ':62F:C260116EUR1074,50',
  '-',
].join('\r\n');

describe('statement imports (e2e)', () => {
  let h: IngestApiHarness;
  let spoolDir: string;

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'concilia-spool-test-'));
    h = await startIngestApi({ API_IMPORT_MAX_BYTES: String(256 * 1024), API_IMPORT_SPOOL_DIR: spoolDir });
  });

  afterAll(() => h.close());

  async function setup(options: { currency?: string; externalId?: string; reconciliation?: Record<string, unknown> } = {}) {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key, { currency: options.currency ?? 'BRL', ...(options.externalId ? { externalId: options.externalId } : {}) });
    const reconciliation = await h.api.createReconciliation(tenant.key, account.id, options.reconciliation ?? {});
    return { key: tenant.key, tenantId: tenant.tenantId, accountId: account.id, id: reconciliation.id as string };
  }

  const upload = (key: string, id: string, content: Buffer | string, fields: Record<string, string> = {}, fileName = 'statement.csv', headers: Record<string, string> = {}) =>
    h.api.upload(`/v1/reconciliations/${id}/imports`, { file: { content, fileName }, fields } satisfies UploadForm, key, { headers });

  const entries = (id: string) =>
    h.db.query<Record<string, unknown>>(
      `SELECT external_id, amount::text, currency, entry_date::text AS date, value_date::text AS value_date, refs, description, counterparty, import_id, import_row_key IS NOT NULL AS keyed
         FROM statement_entries WHERE reconciliation_id = $1 ORDER BY entry_date, external_id NULLS LAST, id`,
      [id],
    );
  const countEntries = (id: string) => h.db.count('statement_entries', 'reconciliation_id = $1', [id]);
  const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

  describe('CSV with the built-in profile', () => {
    it('answers 201 with the import and stores every row, identical id-less rows included', async () => {
      const { key, id } = await setup();
      const response = await upload(key, id, CANONICAL_CSV);
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ format: 'csv', status: 'COMPLETED', imported: 4, duplicates: 0, skipped: 0, sha256: sha256(CANONICAL_CSV), fileName: 'statement.csv', reconciliationId: id });
      const rows = await entries(id);
      expect(rows.map((row) => [row.external_id, row.amount, row.date, row.description])).toEqual([
        ['REL-1', '10000', '2026-01-10', 'Venda PED-1'],
        ['REL-2', '-1235', '2026-01-11', 'Comissão'],
        [null, '5000', '2026-01-12', 'Ajuste'],
        [null, '5000', '2026-01-12', 'Ajuste'],
      ]);
      expect(rows[1].refs).toEqual(['PED-1', 'PED-2']);
      expect(rows.every((row) => row.import_id === body.id)).toBe(true);
      expect(rows.map((row) => row.keyed)).toEqual([false, false, true, true]);
      const reconciliation = (await h.api.get(`/v1/reconciliations/${id}`, key)).json();
      expect(reconciliation.summary.statementEntries).toEqual({ count: 4, amount: '187.65' });
      expect(await readdir(spoolDir)).toEqual([]);
    });

    it('answers the same file again with 200 and the original import, storing nothing more', async () => {
      const { key, id } = await setup();
      const first = (await upload(key, id, CANONICAL_CSV)).json();
      const again = await upload(key, id, CANONICAL_CSV, {}, 'renamed.csv');
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: first.id, imported: 4, fileName: 'statement.csv' });
      expect(await countEntries(id)).toBe(4);
      const list = (await h.api.get(`/v1/reconciliations/${id}/imports`, key)).json();
      expect(list.data.map((item: { id: string }) => item.id)).toEqual([first.id]);
    });

    it('counts rows an earlier, overlapping file already brought as duplicates (by externalId and by row content)', async () => {
      const { key, id } = await setup();
      await upload(key, id, CANONICAL_CSV);
      const overlapping = `${CANONICAL_CSV}\n,50.00,BRL,2026-01-12,,Ajuste\nREL-3,7.00,BRL,2026-01-13,,Novo`;
      const response = await upload(key, id, overlapping);
      expect(response.statusCode).toBe(201);
      // REL-1, REL-2 and the two identical rows were there; the third identical row and REL-3 are new.
      expect(response.json()).toMatchObject({ imported: 2, duplicates: 4 });
      expect(await countEntries(id)).toBe(6);
    });

    it('refuses a file with bad rows whole: 422 with line, field and code of each, nothing stored, a FAILED import and import.failed', async () => {
      const { key, id, tenantId } = await setup();
      const bad = ['externalId,amount,currency,date', 'A,10.00,BRL,2026-01-10', 'B,10.001,BRL,2026-01-10', 'C,5.00,BRL,2026-02-30', 'D,1e3,BRL,2026-01-10'].join('\n');
      const response = await upload(key, id, bad);
      const body = expectProblem(response, 422, 'import_rows_invalid');
      expect(body.errors).toEqual([
        expect.objectContaining({ line: 3, field: 'amount', code: 'amount_precision_exceeded' }),
        expect.objectContaining({ line: 4, field: 'date', code: 'date_invalid' }),
        expect.objectContaining({ line: 5, field: 'amount', code: 'amount_invalid' }),
      ]);
      expect(await countEntries(id)).toBe(0);
      const failed = (await h.api.get(`/v1/imports/${body.importId}`, key)).json();
      expect(failed).toMatchObject({ status: 'FAILED', failureCode: 'import_rows_invalid', imported: 0 });
      expect(failed.errors).toHaveLength(3);
      const events = await h.db.query<{ type: string; data: Record<string, unknown> }>(`SELECT type, data FROM events WHERE tenant_id = $1 AND type LIKE 'import.%'`, [tenantId]);
      expect(events).toEqual([{ type: 'import.failed', data: expect.objectContaining({ importId: body.importId, failureCode: 'import_rows_invalid', reconciliationId: id }) }]);
      expect(await readdir(spoolDir)).toEqual([]);
    });

    it('refuses a file that repeats an externalId (two different lines cannot be one bank line), storing nothing', async () => {
      const { key, id } = await setup();
      const repeated = 'externalId,amount,currency,date\nA,10.00,BRL,2026-01-10\nB,11.00,BRL,2026-01-10\nA,12.00,BRL,2026-01-11';
      const body = expectProblem(await upload(key, id, repeated), 422, 'import_rows_invalid');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'externalId', code: 'duplicate_external_id', message: expect.stringContaining('"A"') })]);
      expect(await countEntries(id)).toBe(0);
    });

    it('imports concurrent uploads of different files to one reconciliation one after another, and the same file once', async () => {
      const { key, id } = await setup();
      const files = [1, 2, 3].map((n) => `externalId,amount,currency,date\nF${n}-A,${n}.00,BRL,2026-01-10\nF${n}-B,${n}.50,BRL,2026-01-11`);
      const responses = await Promise.all([...files.map((file) => upload(key, id, file)), upload(key, id, files[0])]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 201, 201, 201]);
      const ids = responses.map((response) => response.json().id);
      expect(new Set(ids).size).toBe(3);
      expect(await countEntries(id)).toBe(6);
    });

    it('records import.completed with the counts, through the outbox, in the same transaction', async () => {
      const { key, id, tenantId } = await setup();
      const body = (await upload(key, id, CANONICAL_CSV)).json();
      const events = await h.db.query<{ id: string; type: string; data: Record<string, unknown> }>(`SELECT id, type, data FROM events WHERE tenant_id = $1`, [tenantId]);
      expect(events).toEqual([{ id: expect.any(String), type: 'import.completed', data: expect.objectContaining({ importId: body.id, imported: 4, duplicates: 0, format: 'csv' }) }]);
      expect(await h.db.count('outbox', `tenant_id = $1 AND payload->>'eventId' = $2`, [tenantId, events[0].id])).toBe(1);
    });

    it('keeps formula-looking cells as text', async () => {
      const { key, id } = await setup();
      const csv = 'externalId,amount,currency,date,description\nF-1,1.00,BRL,2026-01-10,"=HYPERLINK(""http://x"")"\nF-2,1.00,BRL,2026-01-10,@SUM(A1)\nF-3,1.00,BRL,2026-01-10,+1-2';
      expect((await upload(key, id, csv)).statusCode).toBe(201);
      expect((await entries(id)).map((row) => row.description)).toEqual(['=HYPERLINK("http://x")', '@SUM(A1)', '+1-2']);
    });

    it('stores only the last segment of a file name that carries a path', async () => {
      const { key, id } = await setup();
      const body = (await upload(key, id, CANONICAL_CSV, {}, '../../etc/passwd.csv')).json();
      expect(body.fileName).toBe('passwd.csv');
    });
  });

  describe('CSV with a profile', () => {
    const brazilian = {
      name: 'Banco do Brasil',
      delimiter: ';',
      encoding: 'windows-1252',
      decimalSeparator: ',',
      thousandsSeparator: '.',
      dateFormat: 'dd/MM/yyyy',
      columns: { date: 'Data', description: 'Histórico', externalId: 'Documento', amount: 'Valor' },
      sign: { mode: 'direction', column: 'Tipo', credit: ['C'], debit: ['D'] },
    };

    it('creates, lists, reads, updates and deletes profiles; bad properties are named', async () => {
      const { key } = await setup();
      const columns = brazilian.columns;
      const created = await h.api.post('/v1/import-profiles', brazilian, key);
      expect(created.statusCode).toBe(201);
      const profile = created.json();
      expect(profile).toMatchObject({ name: 'Banco do Brasil', format: 'csv', delimiter: ';', decimalSeparator: ',', dateFormat: 'dd/MM/yyyy', columns });
      expect((await h.api.get('/v1/import-profiles', key)).json().data.map((p: { id: string }) => p.id)).toEqual([profile.id]);
      const updated = await h.api.patch(`/v1/import-profiles/${profile.id}`, { dateFormat: 'yyyy-MM-dd' }, key);
      expect(updated.json()).toMatchObject({ dateFormat: 'yyyy-MM-dd', delimiter: ';' });
      expectProblem(await h.api.post('/v1/import-profiles', { ...brazilian, tenantId: 'x' }, key), 400, 'unknown_field');
      const bad = await h.api.post('/v1/import-profiles', { name: 'x', delimiter: '#', columns: { date: 'D' } }, key);
      const problem = expectProblem(bad, 422, 'import_profile_invalid');
      expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['delimiter', 'columns.amount']));
      expectProblem(await h.api.post('/v1/import-profiles', brazilian, key), 422, 'validation_failed');
      expect((await h.api.delete(`/v1/import-profiles/${profile.id}`, key)).statusCode).toBe(204);
      expectProblem(await h.api.get(`/v1/import-profiles/${profile.id}`, key), 404, 'not_found');
    });

    it('reads a Windows-1252 Brazilian export with 1.234,56 amounts and a C/D column', async () => {
      const { key, id } = await setup();
      const profile = (await h.api.post('/v1/import-profiles', brazilian, key)).json();
      const csv = Buffer.from(
        ['Data;Histórico;Documento;Valor;Tipo', '05/01/2026;Crédito PIX João;DOC-1;1.234,56;C', '06/01/2026;Tarifa pacote serviços;DOC-2;12,90;D'].join('\r\n'),
        'latin1',
      );
      const response = await upload(key, id, csv, { profileId: profile.id, format: 'csv' });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ profileId: profile.id, imported: 2 });
      expect((await entries(id)).map((row) => [row.external_id, row.amount, row.date, row.description])).toEqual([
        ['DOC-1', '123456', '2026-01-05', 'Crédito PIX João'],
        ['DOC-2', '-1290', '2026-01-06', 'Tarifa pacote serviços'],
      ]);
    });

    it('refuses another tenant profile, an unknown one, and a profile for a non-CSV file', async () => {
      const { key, id } = await setup();
      const other = await setup();
      const foreign = (await h.api.post('/v1/import-profiles', brazilian, other.key)).json();
      expectProblem(await upload(key, id, CANONICAL_CSV, { profileId: foreign.id }), 422, 'validation_failed');
      expectProblem(await h.api.get(`/v1/import-profiles/${foreign.id}`, key), 404, 'not_found');
      expectProblem(await upload(key, id, CAMT_053, { profileId: foreign.id }), 422, 'validation_failed');
      expect(await countEntries(id)).toBe(0);
    });
  });

  describe('camt.053 and MT940', () => {
    it('detects a camt.053 file and stores its entries with exact amounts (0010.10 is 10.10)', async () => {
      const { key, id } = await setup({ currency: 'EUR', externalId: 'DE89 3704 0044 0532 0130 00' });
      const response = await upload(key, id, CAMT_053, {}, 'statement.xml');
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ format: 'camt.053', imported: 2, statements: [expect.objectContaining({ statementId: 'STMT-2026-01', accountId: 'DE89370400440532013000' })] });
      expect((await entries(id)).map((row) => [row.external_id, row.amount, row.date, row.value_date])).toEqual([
        ['BANK-REF-1', '1010', '2026-01-15', '2026-01-16'],
        ['BANK-REF-2', '-500', '2026-01-17', null],
      ]);
    });

    it('refuses a file with statements of two accounts, or in another currency than the account', async () => {
      const { key, id } = await setup({ currency: 'EUR' });
      const second = CAMT_053.replace('</Stmt>', '</Stmt><Stmt><Id>STMT-B</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct></Stmt>');
      expectProblem(await upload(key, id, second), 422, 'statement_account_mismatch');
      const dollars = await setup({ currency: 'USD' });
      expectProblem(await upload(dollars.key, dollars.id, CAMT_053), 422, 'statement_account_mismatch');
      expect((await countEntries(id)) + (await countEntries(dollars.id))).toBe(0);
    });

    it("refuses a camt.053 statement of another account than the reconciliation's", async () => {
      const { key, id } = await setup({ currency: 'EUR', externalId: 'DE02120300000000202051' });
      const body = expectProblem(await upload(key, id, CAMT_053), 422, 'statement_account_mismatch');
      expect(body.importId).toEqual(expect.any(String));
      expect(await countEntries(id)).toBe(0);
    });

    it('refuses a DOCTYPE before parsing, and other ISO 20022 messages, storing nothing', async () => {
      const { key, id } = await setup({ currency: 'EUR' });
      const xxe = CAMT_053.replace('<Document', '<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Document');
      expectProblem(await upload(key, id, xxe), 422, 'xml_dtd_forbidden');
      const camt052 = CAMT_053.replace('camt.053.001.02', 'camt.052.001.02').replace(/BkToCstmrStmt/g, 'BkToCstmrAcctRpt').replace(/<Stmt>|<\/Stmt>/g, (tag) => tag.replace('Stmt', 'Rpt'));
      expectProblem(await upload(key, id, camt052), 422, 'unsupported_message_type');
      expectProblem(await upload(key, id, CAMT_053.slice(0, 600)), 422, 'xml_malformed');
      expect(await countEntries(id)).toBe(0);
    });

    it('reads an MT940 file (BLZ/account in :25: matches the IBAN) and refuses one whose balances do not add up', async () => {
      const { key, id } = await setup({ currency: 'EUR', externalId: 'DE89370400440532013000' });
      const response = await upload(key, id, MT940, {}, 'statement.sta');
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ format: 'mt940', imported: 2 });
      const rows = await entries(id);
      expect(rows.map((row) => [row.external_id, row.amount, row.date])).toEqual([
        ['BANKREF-9', '10000', '2026-01-15'],
        [null, '-2550', '2026-01-16'],
      ]);
      expect(rows[0]).toMatchObject({ counterparty: 'Max Mustermann', description: 'Rechnung 2001' });
      expect(rows[0].refs).toEqual(expect.arrayContaining(['PED-2001']));

      const other = await setup({ currency: 'EUR' });
      const body = expectProblem(await upload(other.key, other.id, MT940.replace('1074,50', '1074,51')), 422, 'balance_mismatch');
      expect(body.errors[0]).toMatchObject({ line: 9, code: 'balance_mismatch' });
      expect(await countEntries(other.id)).toBe(0);
    });
  });

  describe('bad uploads', () => {
    it('refuses a NUL byte anywhere in the file, and an unknown format before looking at the content', async () => {
      const { key, id } = await setup({ currency: 'EUR' });
      const withNul = MT940.replace('Gebuehren Januar', `${'x'.repeat(5000)}\u0000`);
      expectProblem(await upload(key, id, withNul), 422, 'file_not_text');
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expectProblem(await upload(key, id, png, { format: 'a-very-long-format-name' }), 422, 'validation_failed');
      expect(await countEntries(id)).toBe(0);
    });

    it('refuses binary files whatever their name says: a PNG named .csv, a gzip bomb', async () => {
      const { key, id } = await setup();
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
      expectProblem(await upload(key, id, png, { format: 'csv' }, 'statement.csv'), 422, 'file_not_text');
      const gzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 0)]);
      expectProblem(await upload(key, id, gzip, {}, 'statement.csv.gz'), 422, 'file_not_text');
      expect(await countEntries(id)).toBe(0);
    });

    it('answers 413 above API_IMPORT_MAX_BYTES, stores nothing and leaves no spooled file behind', async () => {
      const { key, id } = await setup();
      const big = `externalId,amount,currency,date\n${'X,1.00,BRL,2026-01-10\n'.repeat(20_000)}`;
      expectProblem(await upload(key, id, big), 413, 'file_too_large');
      expect(await countEntries(id)).toBe(0);
      expect(await h.db.count('imports', 'reconciliation_id = $1', [id])).toBe(0);
      expect(await readdir(spoolDir)).toEqual([]);
    });

    it('answers 415 to a JSON body, 400 without a file part or with an unknown field, and a multipart body on a JSON route 415', async () => {
      const { key, id } = await setup();
      expectProblem(await h.api.post(`/v1/reconciliations/${id}/imports`, { file: 'x' }, key), 415, 'unsupported_media_type');
      expectProblem(await h.api.upload(`/v1/reconciliations/${id}/imports`, { fields: { format: 'csv' } }, key), 400, 'file_missing');
      expectProblem(await upload(key, id, CANONICAL_CSV, { mode: 'fast' }), 400, 'unknown_field');
      expectProblem(await upload(key, id, CANONICAL_CSV, { format: 'xlsx' }), 422, 'validation_failed');
      expectProblem(await h.api.upload(`/v1/reconciliations/${id}/statement-entries`, { file: { content: CANONICAL_CSV } }, key), 415, 'unsupported_media_type');
      expect(await countEntries(id)).toBe(0);
    });

    it("answers 404 for another tenant's reconciliation and import, 409 when closed, 423 when the account is blocked", async () => {
      const mine = await setup();
      const theirs = await setup();
      expectProblem(await upload(mine.key, theirs.id, CANONICAL_CSV), 404, 'not_found');
      const imported = (await upload(theirs.key, theirs.id, CANONICAL_CSV)).json();
      expectProblem(await h.api.get(`/v1/imports/${imported.id}`, mine.key), 404, 'not_found');
      expectProblem(await h.api.delete(`/v1/imports/${imported.id}`, mine.key), 404, 'not_found');

      await h.api.post(`/v1/reconciliations/${mine.id}/finalize`, undefined, mine.key);
      expectProblem(await upload(mine.key, mine.id, CANONICAL_CSV), 409, 'reconciliation_closed');
      const blocked = await setup();
      await h.api.patch(`/v1/accounts/${blocked.accountId}`, { status: 'BLOCKED' }, blocked.key);
      expectProblem(await upload(blocked.key, blocked.id, CANONICAL_CSV), 423, 'account_blocked');
      expect((await countEntries(mine.id)) + (await countEntries(blocked.id))).toBe(0);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the same upload and refuses the key with another file', async () => {
      const { key, id } = await setup();
      const headers = { 'idempotency-key': `imp-${id}` };
      const first = await upload(key, id, CANONICAL_CSV, {}, 'statement.csv', headers);
      expect(first.statusCode).toBe(201);
      const replay = await upload(key, id, CANONICAL_CSV, {}, 'statement.csv', headers);
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json().id).toBe(first.json().id);
      expectProblem(await upload(key, id, `${CANONICAL_CSV}\nREL-9,1.00,BRL,2026-01-10,,x`, {}, 'statement.csv', headers), 422, 'idempotency_key_reused');
      expect(await countEntries(id)).toBe(4);
    });
  });

  describe('matching and deletion', () => {
    it('starts matching in AUTOMATIC mode when the import reaches expectedEntryCount', async () => {
      const { key, id } = await setup({ reconciliation: { mode: 'AUTOMATIC', expectedEntryCount: 4 } });
      expect((await upload(key, id, CANONICAL_CSV)).statusCode).toBe(201);
      const reconciliation = (await h.api.get(`/v1/reconciliations/${id}`, key)).json();
      expect(reconciliation.status).toBe('PROCESSING');
      expect(await h.db.count('outbox', `queue = 'matching' AND payload->>'reconciliationId' = $1`, [id])).toBe(1);
    });

    it('deletes an import: its entries go, the counters follow, the import stays as DELETED and the file can come again', async () => {
      const { key, id } = await setup();
      const kept = (await h.api.post(`/v1/reconciliations/${id}/statement-entries`, { entries: [{ externalId: 'API-1', amount: '1.00', currency: 'BRL', date: '2026-01-10' }] }, key)).json();
      expect(kept.created).toBe(1);
      const imported = (await upload(key, id, CANONICAL_CSV)).json();
      const deleted = await h.api.delete(`/v1/imports/${imported.id}`, key);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toMatchObject({ id: imported.id, status: 'DELETED', deletedAt: expect.any(String) });
      expect((await entries(id)).map((row) => row.external_id)).toEqual(['API-1']);
      expect((await h.api.get(`/v1/reconciliations/${id}`, key)).json().summary.statementEntries).toEqual({ count: 1, amount: '1.00' });
      expectProblem(await h.api.delete(`/v1/imports/${imported.id}`, key), 409, 'import_not_deletable');
      const again = await upload(key, id, CANONICAL_CSV);
      expect(again.statusCode).toBe(201);
      expect(again.json().id).not.toBe(imported.id);
    });

    it('refuses to delete an import whose rows a later import counted as duplicates, until that one is deleted', async () => {
      const { key, id } = await setup();
      const first = (await upload(key, id, CANONICAL_CSV)).json();
      const later = (await upload(key, id, `${CANONICAL_CSV}\nREL-3,7.00,BRL,2026-01-13,,Novo`)).json();
      expect(later.duplicates).toBe(4);
      const refused = expectProblem(await h.api.delete(`/v1/imports/${first.id}`, key), 409, 'import_not_deletable');
      expect(refused.detail).toContain(later.id);
      expect((await h.api.delete(`/v1/imports/${later.id}`, key)).statusCode).toBe(200);
      expect((await h.api.delete(`/v1/imports/${first.id}`, key)).statusCode).toBe(200);
      expect(await countEntries(id)).toBe(0);
    });

    it('refuses to delete an import whose entry is in an accepted match', async () => {
      const { key, id, accountId } = await setup();
      await h.api.post(`/v1/accounts/${accountId}/ledger-entries`, { entries: [{ externalId: 'PED-1', kind: 'ORDER', amount: '100.00', currency: 'BRL', date: '2026-01-10' }] }, key);
      const imported = (await upload(key, id, CANONICAL_CSV)).json();
      const [statement] = await h.db.query<{ id: string }>(`SELECT id FROM statement_entries WHERE reconciliation_id = $1 AND external_id = 'REL-1'`, [id]);
      const [ledger] = await h.db.query<{ id: string }>(`SELECT id FROM ledger_entries WHERE account_id = $1`, [accountId]);
      const match = await h.api.post(`/v1/reconciliations/${id}/manual-match`, { statementEntryIds: [statement.id], ledgerEntryIds: [ledger.id] }, key);
      expect(match.statusCode).toBe(201);
      expectProblem(await h.api.delete(`/v1/imports/${imported.id}`, key), 409, 'import_not_deletable');
      expect(await countEntries(id)).toBe(4);
    });
  });
});

describe('ledger imports (e2e)', () => {
  let h: IngestApiHarness;

  beforeAll(async () => {
    h = await startIngestApi();
  });

  afterAll(() => h.close());

  const ORDERS = ['externalId,kind,amount,currency,date,references,description', 'PED-1,ORDER,100.00,BRL,2026-01-10,PED-1,Pedido 1', 'PED-2,ORDER,55.10,BRL,2026-01-11,,Pedido 2'].join('\n');

  async function setup() {
    const tenant = await h.api.createTenant();
    const account = await h.api.createAccount(tenant.key);
    return { key: tenant.key, accountId: account.id };
  }

  const upload = (key: string, accountId: string, content: string, fields: Record<string, string> = {}) =>
    h.api.upload(`/v1/accounts/${accountId}/ledger-imports`, { file: { content, fileName: 'orders.csv' }, fields }, key);

  it('upserts an ERP export by externalId: created, then updated and unchanged', async () => {
    const { key, accountId } = await setup();
    const first = await upload(key, accountId, ORDERS);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ side: 'LEDGER', format: 'csv', imported: 2, duplicates: 0, created: 2, updated: 0, unchanged: 0 });
    const second = await upload(key, accountId, ORDERS.replace('55.10', '56.10'));
    expect(second.json()).toMatchObject({ imported: 1, duplicates: 1, created: 0, updated: 1, unchanged: 1 });
    const rows = await h.db.query<{ external_id: string; amount: string; refs: string[] }>(`SELECT external_id, amount::text, refs FROM ledger_entries WHERE account_id = $1 ORDER BY external_id`, [accountId]);
    expect(rows).toEqual([
      { external_id: 'PED-1', amount: '10000', refs: ['PED-1'] },
      { external_id: 'PED-2', amount: '5610', refs: [] },
    ]);
    const list = (await h.api.get(`/v1/accounts/${accountId}/ledger-imports`, key)).json();
    expect(list.data).toHaveLength(2);
  });

  it('answers 409 ledger_entry_locked when rows would change the amount of entries in accepted matches', async () => {
    const { key, accountId } = await setup();
    await upload(key, accountId, ORDERS);
    const reconciliation = await h.api.createReconciliation(key, accountId);
    const added = await h.api.post(`/v1/reconciliations/${reconciliation.id}/statement-entries`, { entries: [{ externalId: 'S-1', amount: '100.00', currency: 'BRL', date: '2026-01-10' }] }, key);
    expect(added.statusCode).toBe(200);
    const [statement] = await h.db.query<{ id: string }>(`SELECT id FROM statement_entries WHERE reconciliation_id = $1`, [reconciliation.id]);
    const [ledger] = await h.db.query<{ id: string }>(`SELECT id FROM ledger_entries WHERE account_id = $1 AND external_id = 'PED-1'`, [accountId]);
    const match = (await h.api.post(`/v1/reconciliations/${reconciliation.id}/manual-match`, { statementEntryIds: [statement.id], ledgerEntryIds: [ledger.id] }, key)).json();
    await h.api.post(`/v1/matches/${match.id}/accept`, {}, key);
    const body = expectProblem(await upload(key, accountId, ORDERS.replace('100.00', '101.00')), 409, 'ledger_entry_locked');
    expect(body.errors).toEqual([expect.objectContaining({ line: 2, field: 'amount', code: 'ledger_entry_locked' })]);
  });

  it('refuses a file that repeats an externalId, lacks a kind, or is not CSV; nothing is written', async () => {
    const { key, accountId } = await setup();
    const repeated = `${ORDERS}\nPED-1,ORDER,1.00,BRL,2026-01-12,,again\nPED-3,,1.00,BRL,2026-01-12,,no kind`;
    const body = expectProblem(await upload(key, accountId, repeated), 422, 'import_rows_invalid');
    expect(body.errors).toEqual([expect.objectContaining({ line: 4, field: 'externalId', code: 'duplicate_external_id' }), expect.objectContaining({ line: 5, field: 'kind' })]);
    expectProblem(await upload(key, accountId, CAMT_053), 422, 'validation_failed');
    expect(await h.db.count('ledger_entries', 'account_id = $1', [accountId])).toBe(0);
  });
});
