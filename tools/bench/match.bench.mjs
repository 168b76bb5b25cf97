#!/usr/bin/env node
// npm run bench:match -- [--size 100000] [--runs 3]
// Loads size × size entries (90 % matchable by reference, 8 % by amount and date, 2 % orphans
// on each side), then times matching passes of the real matcher-worker process from job pickup
// to commit (BullMQ's processedOn → finishedOn), beside two floors in the same run:
// - the whole floor, as PERFORMANCE.md defines it ("COPY 1M + 1M in, match, write results and
//   summary", ~5 s at 1M there): the same rows copied into bare tables, matched in set-based SQL,
//   the pairs and an unmatched summary written, committed. The target is ≤ 2 × this.
// - the join alone: the same set-based SQL on the stored rows, the pairs into a temporary table.
// Prints both, the ratios and the matcher's peak RSS.
// BENCH_BASELINE_ROOT=<another built checkout, same schema> also runs that checkout's matcher on
// the same rows in every run (the two in alternating order) and prints the ratio of the two:
// how a change compares on a noisy machine, within one run. BENCH_BASELINE_NODE_ARGS gives the
// baseline's node its own flags (BENCH_BASELINE_ROOT=. then compares node flags on this code).
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { args, deleteRedisKeys, nodeArgsOf, record, scratchDatabase, startApp, stopApp, summarize, table } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const { Queue } = require('bullmq');
// Entry ids are time-ordered (v7), as the API and file imports make them.
const { v7: uuidv7 } = require('uuid');
const options = args({ size: 100_000, runs: 3 });
const PORT = 3901;
const BASELINE_PORT = 3902;
const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT;
const PREFIX = `bench_match_${Date.now().toString(36)}`;

function dayOf(i) {
  return `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`;
}

/** Rows for COPY: ledger and statement sides with the planned mix. */
function* ledgerRows(ids, tenantId, accountId) {
  for (let i = 0; i < options.size; i += 1) {
    const kind = i % 50 === 0 ? 'orphan' : i % 100 < 90 ? 'reference' : 'amount';
    const refs = kind === 'reference' ? `{PED-${i}}` : '{}';
    yield `${ids[i]}\t${tenantId}\t${accountId}\tPED-${i}\tORDER\t${100_00 + i}\tBRL\t${dayOf(i)}\t${refs}\n`;
  }
}

function* statementRows(tenantId, accountId, reconciliationId) {
  for (let i = 0; i < options.size; i += 1) {
    const kind = i % 50 === 0 ? 'orphan' : i % 100 < 90 ? 'reference' : 'amount';
    const amount = kind === 'orphan' ? 9_000_000_00 + i : 100_00 + i;
    const refs = kind === 'reference' ? `{PED-${i}}` : '{}';
    const day = kind === 'amount' ? dayOf(i + 1) : dayOf(i);
    yield `${uuidv7()}\t${tenantId}\t${reconciliationId}\t${accountId}\tS-${i}\t${amount}\tBRL\t${day}\t${refs}\tSALE\n`;
  }
}

const LEDGER_COLUMNS = 'id, tenant_id, account_id, external_id, kind, amount, currency, entry_date, refs';
const STATEMENT_COLUMNS = 'id, tenant_id, reconciliation_id, account_id, external_id, amount, currency, entry_date, refs, release_type';

async function copy(client, sql, rows) {
  await pipeline(Readable.from(rows), client.query(copyStreams.from(sql)));
}

/** Rows for COPY made ahead of timing, in 1 MB buffers, so that the whole floor times Postgres, not the generator. */
function prepared(rows) {
  const chunks = [];
  let parts = [];
  let size = 0;
  for (const row of rows) {
    parts.push(row);
    size += row.length;
    if (size >= 1 << 20) {
      chunks.push(Buffer.from(parts.join('')));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) chunks.push(Buffer.from(parts.join('')));
  return chunks;
}

async function load(client) {
  const tenantId = randomUUID();
  const accountId = randomUUID();
  const reconciliationId = randomUUID();
  await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [tenantId]);
  await client.query(`INSERT INTO accounts (id, tenant_id, name, kind, currency) VALUES ($1, $2, 'bench', 'MARKETPLACE', 'BRL')`, [accountId, tenantId]);
  await client.query(
    `INSERT INTO matching_rules (account_id, tenant_id, amount_tolerance, amount_tolerance_bps, date_window_days, reference_patterns, use_external_id_as_reference, strategies,
                                 auto_accept_threshold, suggest_threshold, max_group_size, severity_warning_amount, severity_critical_amount)
     VALUES ($1, $2, 0, 0, 3, '{}', false, '{REFERENCE,AMOUNT_DATE,AGGREGATE}', 90, 60, 5, 100, 10000)`,
    [accountId, tenantId],
  );
  await client.query(
    `INSERT INTO reconciliations (id, tenant_id, account_id, currency, period_start, period_end, mode, status, statement_entry_count) VALUES ($1, $2, $3, 'BRL', '2026-01-01', '2026-01-31', 'MANUAL', 'PENDING', $4)`,
    [reconciliationId, tenantId, accountId, options.size],
  );
  const ledgerIds = Array.from({ length: options.size }, () => uuidv7());
  const ledger = prepared(ledgerRows(ledgerIds, tenantId, accountId));
  const statement = prepared(statementRows(tenantId, accountId, reconciliationId));
  await copy(client, `COPY ledger_entries (${LEDGER_COLUMNS}) FROM STDIN`, ledger);
  await copy(client, `COPY statement_entries (${STATEMENT_COLUMNS}) FROM STDIN`, statement);
  await client.query('ANALYZE');
  return { tenantId, accountId, reconciliationId, rows: { ledger, statement } };
}

async function resetResults(client, reconciliationId) {
  await client.query(`DELETE FROM settlements WHERE reconciliation_id = $1`, [reconciliationId]);
  await client.query(`DELETE FROM discrepancies WHERE reconciliation_id = $1`, [reconciliationId]);
  await client.query(`DELETE FROM match_items WHERE reconciliation_id = $1`, [reconciliationId]);
  await client.query(`DELETE FROM released_match_items WHERE reconciliation_id = $1`, [reconciliationId]);
  await client.query(`DELETE FROM matches WHERE reconciliation_id = $1`, [reconciliationId]);
  const { rows } = await client.query(`UPDATE reconciliations SET status = 'PROCESSING', run_version = run_version + 1 WHERE id = $1 RETURNING run_version`, [reconciliationId]);
  await client.query('VACUUM ANALYZE match_items, released_match_items, matches, discrepancies, settlements');
  return rows[0].run_version;
}

/** One pass of the matcher listening on `queue`: its time from pickup to commit and the stats it stored. */
async function matcherPass(queue, client, target) {
  const runVersion = await resetResults(client, target.reconciliationId);
  const jobId = `match-${target.reconciliationId}-${runVersion}`;
  await queue.add('match-reconciliation', { schemaVersion: 1, tenantId: target.tenantId, correlationId: 'bench', reconciliationId: target.reconciliationId, runVersion }, { jobId, attempts: 1 });
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed') {
      // Read once completed: a job read while still active carries no finishedOn.
      const job = await queue.getJob(jobId);
      const { rows } = await client.query(`SELECT stats FROM matching_runs WHERE reconciliation_id = $1 AND run_version = $2`, [target.reconciliationId, runVersion]);
      return { seconds: (job.finishedOn - job.processedOn) / 1000, outcome: job.returnvalue, stages: rows[0]?.stats ?? {} };
    }
    if (state === 'failed') throw new Error(`matching failed: ${(await queue.getJob(jobId))?.failedReason}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A matcher process and the queue it listens on (its own Redis prefix). With a baseline beside
 * it, neither sweeps for stalled runs: each would find the other's run missing from its own
 * queue and run it a second time, at once.
 */
async function startMatcher(databaseUrl, port, prefix, root, nodeArgs) {
  const queue = new Queue('matching', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
  const env = { DATABASE_URL: databaseUrl, MATCHER_PORT: String(port), LOG_LEVEL: 'warn', REDIS_PREFIX: prefix, MATCHER_CONCURRENCY: '1' };
  if (BASELINE_ROOT) env.MATCHER_STALL_AFTER_MS = String(24 * 3600 * 1000);
  const app = await startApp('matcher-worker', env, port, root, nodeArgs);
  return { queue, app };
}

async function stopMatcher(matcher) {
  await matcher.queue.close();
  await stopApp(matcher.app);
}

/** The stages of a pass's stats as `name ms, ...` (suffix Ms, CpuMs or RssMb). */
function stagesOf(stats, suffix) {
  return Object.entries(stats)
    .filter(([name]) => name.endsWith(suffix) && (suffix !== 'Ms' || !name.endsWith('CpuMs')))
    .map(([name, value]) => `${name.slice(0, -suffix.length)} ${value}`)
    .join(', ');
}

/**
 * The whole floor of PERFORMANCE.md: COPY both sides in (the same rows, into bare tables
 * without indexes), match them with the same two joins, write the pairs and an unmatched
 * summary, commit. Dropped afterwards, outside the timing.
 */
async function wholeFloorPass(client, target) {
  const started = performance.now();
  await client.query('BEGIN');
  await client.query(`CREATE TABLE floor_ledger (LIKE ledger_entries INCLUDING DEFAULTS)`);
  await client.query(`CREATE TABLE floor_statement (LIKE statement_entries INCLUDING DEFAULTS)`);
  await client.query(`CREATE TABLE floor_results (statement_id uuid, ledger_id uuid)`);
  await client.query(`CREATE TABLE floor_summary (side text, unmatched bigint, unmatched_amount numeric)`);
  await copy(client, `COPY floor_ledger (${LEDGER_COLUMNS}) FROM STDIN`, target.rows.ledger);
  await copy(client, `COPY floor_statement (${STATEMENT_COLUMNS}) FROM STDIN`, target.rows.statement);
  await client.query(
    `INSERT INTO floor_results SELECT s.id, l.id FROM floor_statement s JOIN floor_ledger l ON l.external_id = s.refs[1] WHERE cardinality(s.refs) > 0`,
  );
  await client.query(
    `INSERT INTO floor_results SELECT DISTINCT ON (s.id) s.id, l.id FROM floor_statement s
       JOIN floor_ledger l ON l.amount = s.amount AND l.entry_date BETWEEN s.entry_date - 3 AND s.entry_date + 3
      WHERE cardinality(s.refs) = 0 AND cardinality(l.refs) = 0
      ORDER BY s.id, abs(l.entry_date - s.entry_date), l.id`,
  );
  await client.query(
    `INSERT INTO floor_summary
     SELECT 'statement', count(*), sum(amount) FROM floor_statement s WHERE NOT EXISTS (SELECT 1 FROM floor_results r WHERE r.statement_id = s.id)
     UNION ALL
     SELECT 'ledger', count(*), sum(amount) FROM floor_ledger l WHERE NOT EXISTS (SELECT 1 FROM floor_results r WHERE r.ledger_id = l.id)`,
  );
  const { rows } = await client.query(`SELECT (SELECT count(*) FROM floor_results) AS pairs`);
  await client.query('COMMIT');
  const seconds = (performance.now() - started) / 1000;
  await client.query('DROP TABLE floor_ledger, floor_statement, floor_results, floor_summary');
  return { seconds, pairs: Number(rows[0].pairs) };
}

/** The join alone: the same two joins in set-based SQL on the stored rows, writing the pairs and a count summary. */
async function floorPass(client, target) {
  const started = performance.now();
  await client.query('BEGIN');
  await client.query(`CREATE TEMP TABLE floor_pairs (statement_id uuid, ledger_id uuid) ON COMMIT DROP`);
  await client.query(
    `INSERT INTO floor_pairs SELECT s.id, l.id FROM statement_entries s JOIN ledger_entries l ON l.account_id = $2 AND l.external_id = s.refs[1]
      WHERE s.reconciliation_id = $1 AND cardinality(s.refs) > 0`,
    [target.reconciliationId, target.accountId],
  );
  await client.query(
    `INSERT INTO floor_pairs SELECT DISTINCT ON (s.id) s.id, l.id FROM statement_entries s
       JOIN ledger_entries l ON l.account_id = $2 AND l.amount = s.amount AND l.entry_date BETWEEN s.entry_date - 3 AND s.entry_date + 3
      WHERE s.reconciliation_id = $1 AND cardinality(s.refs) = 0 AND cardinality(l.refs) = 0
      ORDER BY s.id, abs(l.entry_date - s.entry_date), l.id`,
    [target.reconciliationId, target.accountId],
  );
  const { rows } = await client.query(
    `SELECT (SELECT count(*) FROM floor_pairs) AS pairs,
            (SELECT count(*) FROM statement_entries s WHERE s.reconciliation_id = $1 AND NOT EXISTS (SELECT 1 FROM floor_pairs p WHERE p.statement_id = s.id)) AS unmatched`,
    [target.reconciliationId],
  );
  await client.query('COMMIT');
  return { seconds: (performance.now() - started) / 1000, pairs: Number(rows[0].pairs), unmatched: Number(rows[0].unmatched) };
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function main() {
  const database = await scratchDatabase('match');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const matchers = [];
  try {
    const loadStarted = performance.now();
    const target = await load(client);
    console.error(`loaded ${options.size} × ${options.size} entries in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const matcher = await startMatcher(database.url, PORT, PREFIX, undefined);
    matchers.push(matcher);
    // BENCH_BASELINE_NODE_ARGS, when set, replaces BENCH_NODE_ARGS for the baseline.
    const baselineArgs = process.env.BENCH_BASELINE_NODE_ARGS === undefined ? undefined : nodeArgsOf('BENCH_BASELINE_NODE_ARGS');
    const baseline = BASELINE_ROOT ? await startMatcher(database.url, BASELINE_PORT, `${PREFIX}_baseline`, BASELINE_ROOT, baselineArgs) : null;
    if (baseline) matchers.push(baseline);
    const passes = [];
    const baselinePasses = [];
    const floors = [];
    const wholeFloors = [];
    for (let run = 1; run <= options.runs; run += 1) {
      // With a baseline, the two take turns going first, so that neither always follows a floor.
      if (baseline && run % 2 === 1) baselinePasses.push(await matcherPass(baseline.queue, client, target));
      passes.push(await matcherPass(matcher.queue, client, target));
      if (baseline && run % 2 === 0) baselinePasses.push(await matcherPass(baseline.queue, client, target));
      floors.push(await floorPass(client, target));
      wholeFloors.push(await wholeFloorPass(client, target));
      const baselineNote = baseline ? `, baseline ${baselinePasses.at(-1).seconds.toFixed(2)} s` : '';
      console.error(
        `run ${run}: matcher ${passes.at(-1).seconds.toFixed(2)} s (${passes.at(-1).outcome})${baselineNote}, whole floor ${wholeFloors.at(-1).seconds.toFixed(2)} s, join alone ${floors.at(-1).seconds.toFixed(2)} s`,
      );
    }
    const rss = peakRssMb(matcher.app.pid);
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM matches WHERE reconciliation_id = $1 AND status = 'ACCEPTED') AS accepted,
              (SELECT count(*) FROM discrepancies WHERE reconciliation_id = $1) AS discrepancies`,
      [target.reconciliationId],
    );
    const stages = passes.at(-1).stages;
    const matcherTime = summarize(passes.map((p) => p.seconds));
    const floorTime = summarize(floors.map((f) => f.seconds));
    const wholeFloorTime = summarize(wholeFloors.map((f) => f.seconds));
    const baselineTime = baseline ? summarize(baselinePasses.map((p) => p.seconds)) : null;
    console.log(`\nbench:match — ${options.size} × ${options.size} entries, ${options.runs} runs (median [min-max])`);
    const fmt = (s) => `${s.median.toFixed(2)} [${s.min.toFixed(2)}-${s.max.toFixed(2)}]`;
    const baselineRows = baseline
      ? [
          [`baseline matcher (${BASELINE_ROOT}) (s)`, fmt(baselineTime)],
          ['matcher / baseline, per run', passes.map((p, i) => (p.seconds / baselinePasses[i].seconds).toFixed(2)).join(', ')],
          ['baseline last pass by stage (ms)', stagesOf(baselinePasses.at(-1).stages, 'Ms')],
        ]
      : [];
    table([
      ['measure', 'value'],
      ['matcher pass, pickup to commit (s)', fmt(matcherTime)],
      ['whole floor: COPY in, match, write pairs and summary (s)', fmt(wholeFloorTime)],
      ['matcher / whole floor (target ≤ 2)', (matcherTime.median / wholeFloorTime.median).toFixed(2)],
      ['matcher / whole floor, per run', passes.map((p, i) => (p.seconds / wholeFloors[i].seconds).toFixed(2)).join(', ')],
      ['join alone, set-based SQL on the stored rows (s)', fmt(floorTime)],
      ['matcher / join alone', (matcherTime.median / floorTime.median).toFixed(2)],
      ...baselineRows,
      ['matcher peak RSS (MB)', rss.toFixed(0)],
      ['accepted matches (last run)', rows[0].accepted],
      ['discrepancies (last run)', rows[0].discrepancies],
      ['floor pairs (last run: whole floor / join alone)', `${wholeFloors.at(-1).pairs} / ${floors.at(-1).pairs}`],
      ['last pass by stage (ms)', stagesOf(stages, 'Ms')],
      ['matcher CPU in each stage (ms)', stagesOf(stages, 'CpuMs')],
      ['matcher RSS after each stage (MB)', stagesOf(stages, 'RssMb')],
    ]);
    record('match', {
      options,
      matcherSeconds: matcherTime,
      wholeFloorSeconds: wholeFloorTime,
      ratio: matcherTime.median / wholeFloorTime.median,
      joinAloneSeconds: floorTime,
      joinAloneRatio: matcherTime.median / floorTime.median,
      ...(baseline ? { baselineRoot: BASELINE_ROOT, baselineSeconds: baselineTime } : {}),
      peakRssMb: rss,
      lastPassStagesMs: stages,
    });
  } finally {
    for (const matcher of matchers) await stopMatcher(matcher);
    await client.end();
    await database.drop();
    for (const prefix of [PREFIX, `${PREFIX}_baseline`]) await deleteRedisKeys(prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
