#!/usr/bin/env node
// npm run bench:ingest -- [--entries 200000] [--batch 1000] [--clients 8] [--runs 3]
// Posts ledger entries through one running ingest-api process with several concurrent
// clients and reports entries/s and request latency, beside the floor: a bare COPY of the
// same rows into a table with the same keys and indexes, in the same run.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { ADMIN_TOKEN, args, deleteRedisKeys, percentile, record, scratchDatabase, startApp, stopApp, summarize, table } from './bench-kit.mjs';

const options = args({ entries: 200_000, batch: 1000, clients: 8, runs: 3 });
const PORT = 3900;
const PREFIX = `bench_ingest_${Date.now().toString(36)}`;
const BASE = `http://127.0.0.1:${PORT}`;

function entries(run, from, count) {
  const list = [];
  for (let i = from; i < from + count; i += 1) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    list.push({ externalId: `R${run}-PED-${i}`, kind: 'ORDER', amount: `${(i % 50000) + 1}.${String(i % 100).padStart(2, '0')}`, currency: 'BRL', date: `2026-01-${day}`, references: [`PED-${i}`], description: `Order ${i}` });
  }
  return list;
}

async function post(path, body, key) {
  const response = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function ingestRun(run, key, accountId) {
  const batches = Math.ceil(options.entries / options.batch);
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ entries: entries(run, b * options.batch, Math.min(options.batch, options.entries - b * options.batch)) }));
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (next < batches) {
        const body = bodies[next];
        next += 1;
        const t0 = performance.now();
        const response = await fetch(`${BASE}/v1/accounts/${accountId}/ledger-entries`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`ingest: ${response.status} ${text.slice(0, 300)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { entriesPerSecond: options.entries / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The floor: COPY of equivalent rows into a table shaped like ledger_entries (same keys and indexes). */
async function floorRun(url, run, tenantId, accountId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS ledger_entries_floor (LIKE ledger_entries INCLUDING ALL)');
  const started = performance.now();
  const copy = client.query(copyStreams.from('COPY ledger_entries_floor (id, tenant_id, account_id, external_id, kind, amount, currency, entry_date, refs, description) FROM STDIN'));
  const rows = (function* () {
    for (let i = 0; i < options.entries; i += 1) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      yield `${randomUUID()}\t${tenantId}\t${accountId}\tF${run}-PED-${i}\tORDER\t${(i % 50000) * 100 + (i % 100) + 100}\tBRL\t2026-01-${day}\t{PED-${i}}\tOrder ${i}\n`;
    }
  })();
  await pipeline(Readable.from(rows), copy);
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { entriesPerSecond: options.entries / seconds };
}

async function main() {
  const database = await scratchDatabase('ingest');
  const api = await startApp('ingest-api', { DATABASE_URL: database.url, PORT: String(PORT), ADMIN_TOKEN, LOG_LEVEL: 'warn', API_RATE_LIMIT_PER_SECOND: '100000', REDIS_PREFIX: PREFIX }, PORT);
  try {
    const { tenant, apiKey } = await post('/v1/admin/tenants', { name: 'bench' }, ADMIN_TOKEN);
    const account = await post('/v1/accounts', { name: 'bench', kind: 'MARKETPLACE', currency: 'BRL' }, apiKey.secret);
    const api_ = [];
    const floor = [];
    for (let run = 1; run <= options.runs; run += 1) {
      api_.push(await ingestRun(run, apiKey.secret, account.id));
      floor.push(await floorRun(database.url, run, tenant.id, account.id));
      console.error(`run ${run}: api ${Math.round(api_.at(-1).entriesPerSecond)} entries/s, floor ${Math.round(floor.at(-1).entriesPerSecond)} rows/s`);
    }
    const rate = summarize(api_.map((r) => r.entriesPerSecond));
    const floorRate = summarize(floor.map((r) => r.entriesPerSecond));
    const p50 = summarize(api_.map((r) => r.p50));
    const p99 = summarize(api_.map((r) => r.p99));
    console.log(`\nbench:ingest — ${options.entries} entries per run, ${options.batch} per request, ${options.clients} clients, ${options.runs} runs (median [min-max])`);
    const fmt = (s, digits = 0) => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]`;
    table([
      ['measure', 'value'],
      ['API entries/s', fmt(rate)],
      ['floor (COPY) rows/s', fmt(floorRate)],
      ['API / floor', (rate.median / floorRate.median).toFixed(2)],
      [`p50 per ${options.batch}-entry request (ms)`, fmt(p50, 1)],
      [`p99 per ${options.batch}-entry request (ms)`, fmt(p99, 1)],
    ]);
    record('ingest', { options, apiEntriesPerSecond: rate, floorRowsPerSecond: floorRate, ratio: rate.median / floorRate.median, p50Ms: p50, p99Ms: p99 });
  } finally {
    await stopApp(api);
    await database.drop();
    await deleteRedisKeys(PREFIX);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
