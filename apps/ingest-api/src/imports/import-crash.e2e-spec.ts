import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipartBody, TestDatabase } from '@concilia/testing';

/**
 * RELIABILITY.md, "API killed during an import": a real ingest-api process is killed with
 * SIGKILL while it writes a large file into Postgres. The import is absent (not half there), and
 * the same file uploaded to a new process is imported whole.
 */
const MAIN = join(__dirname, '../../dist/main.js');
const LINES = 200_000;

describe('API killed during an import (e2e, real processes)', () => {
  let db: TestDatabase;
  const processes: ChildProcess[] = [];
  let spoolDir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    db = await TestDatabase.connect(process.env['DATABASE_URL'] as string);
    spoolDir = await mkdtemp(join(tmpdir(), 'concilia-crash-spool-'));
  });

  afterAll(async () => {
    const running = processes.filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL'))));
    await db.close();
  });

  async function startApi(port: number): Promise<ChildProcess> {
    const env = { ...process.env, PORT: String(port), API_IMPORT_SPOOL_DIR: spoolDir, API_RATE_LIMIT_PER_SECOND: '10000' };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    processes.push(child);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return child;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('ingest-api did not become ready');
  }

  async function call(port: number, path: string, key: string, body: unknown): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  function upload(port: number, path: string, key: string, content: string): Promise<Response> {
    const { payload, contentType } = multipartBody({ file: { content, fileName: 'big.csv' } });
    return fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body: payload });
  }

  it('leaves nothing behind when killed mid-write, and the same file then imports whole', async () => {
    const first = await startApi(3961);
    const { apiKey } = await call(3961, '/v1/admin/tenants', process.env['ADMIN_TOKEN'] as string, { name: 'crash' });
    const key = apiKey.secret as string;
    const account = await call(3961, '/v1/accounts', key, { name: 'bank', kind: 'BANK', currency: 'EUR' });
    const reconciliation = await call(3961, '/v1/reconciliations', key, { accountId: account.id, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL' });
    const rows = Array.from({ length: LINES }, (_, i) => `B-${i},${(i % 5000) + 1}.25,EUR,2026-01-${String(1 + (i % 28)).padStart(2, '0')},Payment ${i}`);
    const file = `externalId,amount,currency,date,description\n${rows.join('\n')}\n`;
    const path = `/v1/reconciliations/${reconciliation.id}/imports`;

    const interrupted = upload(3961, path, key, file).then(
      (response) => response.status,
      () => 'connection lost',
    );
    // Wait until the rows are streaming into Postgres, then kill the process outright.
    for (const deadline = Date.now() + 60_000; ; ) {
      const [copying] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY statement_entries%'`);
      if (copying.n !== '0') break;
      if (Date.now() > deadline) throw new Error('the import never reached COPY');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.kill('SIGKILL');
    expect(await interrupted).toBe('connection lost');
    expect(await db.count('statement_entries', 'reconciliation_id = $1', [reconciliation.id])).toBe(0);
    expect(await db.count('imports', 'reconciliation_id = $1', [reconciliation.id])).toBe(0);

    await startApi(3962);
    const again = await upload(3962, path, key, file);
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ status: 'COMPLETED', imported: LINES, duplicates: 0 });
    expect(await db.count('statement_entries', 'reconciliation_id = $1', [reconciliation.id])).toBe(LINES);
    // The killed process's spool file is the only one left; the finished upload removed its own.
    expect((await readdir(spoolDir)).length).toBeLessThanOrEqual(1);
  });
});
