// Shared pieces of the benchmark scripts: argument parsing, a scratch database, the built
// apps as child processes, statistics and the results file. Loopback only.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

export function args(defaults) {
  const parsed = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in defaults)) throw new Error(`unknown option --${name}; known: ${Object.keys(defaults).join(', ')}`);
    parsed[name] = Number(argv[i + 1]);
    i += 1;
  }
  return parsed;
}

/**
 * A fresh, migrated database for one benchmark run; dropped by the returned cleanup, unless
 * BENCH_KEEP_DATABASE=1 (then its URL is printed, to study the rows a run left).
 */
export async function scratchDatabase(label) {
  const name = `concilia_bench_${label}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  execFileSync(process.execPath, [join(ROOT, 'libs/persistence/dist/migrate.js')], { env: { ...process.env, DATABASE_URL: url }, stdio: 'pipe' });
  return {
    url,
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE === '1') return void console.error(`kept database ${url}`);
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Node flags from an environment variable such as BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
/** Deletes a benchmark's Redis keys (under its own prefix) once it is done, as the tests' teardown does. */
export async function deleteRedisKeys(prefix) {
  const { deleteRedisKeys: deleteKeys } = createRequire(import.meta.url)(join(ROOT, 'libs/testing/dist/redis-keys.js'));
  await deleteKeys(prefix);
}

export function nodeArgsOf(variable) {
  return (process.env[variable] ?? '').split(' ').filter(Boolean);
}

/**
 * Starts a built app (of this checkout, or of the checkout at `root`) and resolves once its
 * /health/ready answers 200. BENCH_NODE_ARGS passes flags to the app's node.
 */
export async function startApp(app, env, port, root = ROOT, nodeArgs = nodeArgsOf('BENCH_NODE_ARGS')) {
  const child = spawn(process.execPath, [...nodeArgs, join(root, `apps/${app}/dist/main.js`)], { env: { ...process.env, ...env }, stdio: ['ignore', process.env.BENCH_APP_STDOUT === '1' ? 'inherit' : 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${app} did not become ready on port ${port}`);
}

export function stopApp(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0], max: sorted[sorted.length - 1] };
}

export function record(benchmark, result) {
  const dir = join(ROOT, 'tools/bench/results');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${benchmark}.jsonl`), `${JSON.stringify({ benchmark, at: new Date().toISOString(), ...result })}\n`);
}

export function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
}
