#!/usr/bin/env node
// npm run bench:import -- [--lines 1000000] [--runs 3]
// Uploads a generated CSV and a generated camt.053 file of `lines` entries through one running
// ingest-api process (multipart, streamed) into a fresh reconciliation each time, and reports the
// time from the first byte sent to the 201, entries/s and the API process's peak RSS growth,
// beside the floor: a bare COPY of the same rows into a table shaped like statement_entries.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { ADMIN_TOKEN, args, deleteRedisKeys, record, scratchDatabase, startApp, stopApp, summarize, table } from './bench-kit.mjs';

const options = args({ lines: 1_000_000, runs: 3 });
const PORT = 3910;
const PREFIX = `bench_import_${Date.now().toString(36)}`;
const BASE = `http://127.0.0.1:${PORT}`;

/** The i-th generated entry: deterministic, with a reference and an id, spread over January. */
function entry(i) {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const cents = (i * 7919) % 10_000_000;
  return { id: `BANK-${i}`, ref: `PED-${i}`, amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, credit: i % 10 !== 0, date: `2026-01-${day}` };
}

function* csvChunks(lines) {
  yield 'externalId,amount,currency,date,references,description\n';
  let chunk = '';
  for (let i = 0; i < lines; i += 1) {
    const e = entry(i);
    chunk += `${e.id},${e.credit ? '' : '-'}${e.amount},EUR,${e.date},${e.ref},Payment ${e.ref}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

function* camtChunks(lines) {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>` +
    `<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-01-31T18:00:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id><CreDtTm>2026-01-31T18:00:00</CreDtTm>` +
    `<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\n`;
  let chunk = '';
  for (let i = 0; i < lines; i += 1) {
    const e = entry(i);
    chunk +=
      `<Ntry><Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>${e.credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
      `<BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt><AcctSvcrRef>${e.id}</AcctSvcrRef>` +
      `<NtryDtls><TxDtls><Refs><EndToEndId>${e.ref}</EndToEndId></Refs><RmtInf><Ustrd>Payment ${e.ref}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}</Stmt></BkToCstmrStmt></Document>\n`;
}

async function writeFile(path, chunks) {
  await pipeline(Readable.from(chunks), createWriteStream(path));
  return statSync(path).size;
}

async function post(path, body, key) {
  const response = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A multipart body streamed from the file on disk, as curl -F file=@... sends it. */
async function* multipart(path, boundary, fileName) {
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  yield* createReadStream(path, { highWaterMark: 1024 * 1024 });
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function importRun(key, accountId, path, fileName, pid, run) {
  const reconciliation = await post('/v1/reconciliations', { accountId, periodStart: `20${26 + run}-01-01`, periodEnd: `20${26 + run}-01-31`, mode: 'MANUAL' }, key);
  const boundary = `bench${randomUUID()}`;
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
  const started = performance.now();
  const response = await fetch(`${BASE}/v1/reconciliations/${reconciliation.id}/imports`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${key}` },
    body: Readable.from(multipart(path, boundary, fileName)),
    duplex: 'half',
  });
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (response.status !== 201) throw new Error(`import: ${response.status} ${text.slice(0, 500)}`);
  const body = JSON.parse(text);
  if (body.imported !== options.lines) throw new Error(`imported ${body.imported} of ${options.lines}`);
  return { seconds, entriesPerSecond: options.lines / seconds, rssGrowthMb: (peak - baseline) / 1024 / 1024 };
}

/** The floor: COPY of the same rows, already parsed, into a table shaped like statement_entries. */
async function floorRun(url, tenantId, accountId, reconciliationId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS statement_entries_floor');
  await client.query('CREATE TABLE statement_entries_floor (LIKE statement_entries INCLUDING ALL)');
  const started = performance.now();
  const copy = client.query(copyStreams.from('COPY statement_entries_floor (id, tenant_id, reconciliation_id, account_id, external_id, amount, currency, entry_date, refs, description) FROM STDIN'));
  const rows = (function* () {
    for (let i = 0; i < options.lines; i += 1) {
      const e = entry(i);
      const minor = BigInt(e.amount.replace('.', '')) * (e.credit ? 1n : -1n);
      yield `${randomUUID()}\t${tenantId}\t${reconciliationId}\t${accountId}\t${e.id}\t${minor}\tEUR\t${e.date}\t{${e.ref}}\tPayment ${e.ref}\n`;
    }
  })();
  await pipeline(Readable.from(rows), copy);
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { seconds, rowsPerSecond: options.lines / seconds };
}

async function main() {
  const csvPath = join(tmpdir(), `concilia-bench-${process.pid}.csv`);
  const camtPath = join(tmpdir(), `concilia-bench-${process.pid}.xml`);
  const csvBytes = await writeFile(csvPath, csvChunks(options.lines));
  const camtBytes = await writeFile(camtPath, camtChunks(options.lines));
  const database = await scratchDatabase('import');
  const env = { DATABASE_URL: database.url, PORT: String(PORT), ADMIN_TOKEN, LOG_LEVEL: 'warn', API_RATE_LIMIT_PER_SECOND: '100000', API_IMPORT_MAX_BYTES: String(4 * 1024 ** 3), REDIS_PREFIX: PREFIX };
  const api = await startApp('ingest-api', env, PORT);
  try {
    const { tenant, apiKey } = await post('/v1/admin/tenants', { name: 'bench' }, ADMIN_TOKEN);
    const results = { csv: [], camt: [], floor: [] };
    let run = 0;
    for (let i = 1; i <= options.runs; i += 1) {
      const account = await post('/v1/accounts', { name: `bench ${i}`, kind: 'BANK', currency: 'EUR', externalId: 'DE89370400440532013000' }, apiKey.secret);
      results.csv.push(await importRun(apiKey.secret, account.id, csvPath, 'statement.csv', api.pid, (run += 1)));
      results.camt.push(await importRun(apiKey.secret, account.id, camtPath, 'statement.xml', api.pid, (run += 1)));
      results.floor.push(await floorRun(database.url, tenant.id, account.id, randomUUID()));
      console.error(`run ${i}: csv ${results.csv.at(-1).seconds.toFixed(2)} s, camt ${results.camt.at(-1).seconds.toFixed(2)} s, floor ${results.floor.at(-1).seconds.toFixed(2)} s`);
    }
    const fmt = (s, digits = 2) => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]`;
    const floor = summarize(results.floor.map((r) => r.seconds));
    const rows = [['measure', 'CSV', 'camt.053']];
    const of = (key, pick) => summarize(results[key].map(pick));
    rows.push(['file size (MB)', (csvBytes / 1024 ** 2).toFixed(0), (camtBytes / 1024 ** 2).toFixed(0)]);
    rows.push(['upload to 201 (s)', fmt(of('csv', (r) => r.seconds)), fmt(of('camt', (r) => r.seconds))]);
    rows.push(['entries/s', fmt(of('csv', (r) => r.entriesPerSecond), 0), fmt(of('camt', (r) => r.entriesPerSecond), 0)]);
    rows.push(['API peak RSS growth (MB)', fmt(of('csv', (r) => r.rssGrowthMb), 0), fmt(of('camt', (r) => r.rssGrowthMb), 0)]);
    rows.push(['floor: COPY of the rows (s)', fmt(floor), fmt(floor)]);
    rows.push(['ratio to floor', (of('csv', (r) => r.seconds).median / floor.median).toFixed(2), (of('camt', (r) => r.seconds).median / floor.median).toFixed(2)]);
    console.log(`\nbench:import — ${options.lines} entries per file, ${options.runs} runs (median [min-max])`);
    table(rows);
    record('import', {
      options,
      csv: { seconds: of('csv', (r) => r.seconds), rssGrowthMb: of('csv', (r) => r.rssGrowthMb), bytes: csvBytes },
      camt: { seconds: of('camt', (r) => r.seconds), rssGrowthMb: of('camt', (r) => r.rssGrowthMb), bytes: camtBytes },
      floorSeconds: floor,
    });
  } finally {
    await stopApp(api);
    await database.drop();
    await deleteRedisKeys(PREFIX);
    unlinkSync(csvPath);
    unlinkSync(camtPath);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
