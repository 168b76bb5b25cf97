import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { loadSettings } from '@concilia/config';
import { bullConnection, DEFAULT_JOB_OPTIONS, JOB_NAMES, matchJobId, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';
import { seedReconciliation, startPass, TestDatabase, type SeededReconciliation } from '@concilia/testing';

/**
 * RELIABILITY.md, "matcher killed mid-run": a real matcher process is killed with SIGKILL while
 * its pass is reading, matching or writing; another matcher takes the job up once the lock
 * expires, and the run ends exactly as a fault-free run on the same data does.
 */
const MAIN = join(__dirname, '../../dist/main.js');
const ENTRIES = 40_000;

describe('matcher killed mid-run (e2e, real processes)', () => {
  const settings = loadSettings('matcher-worker', process.env);
  let db: TestDatabase;
  let queue: Queue;
  const matchers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    db = await TestDatabase.connect(settings.DATABASE_URL);
    queue = new Queue(QUEUES.matching, { connection: bullConnection(settings.REDIS_URL), prefix: settings.REDIS_PREFIX });
  });

  afterAll(async () => {
    const running = matchers.filter((matcher) => matcher.exitCode === null && matcher.signalCode === null);
    await Promise.all(running.map((matcher) => new Promise((resolve) => matcher.once('exit', resolve).kill('SIGKILL'))));
    await queue.close();
    await db.close();
  });

  /** A matcher process with a 2 s job lock, so a dead one's job is taken up within seconds. */
  async function startMatcherProcess(port: number): Promise<ChildProcess> {
    const env = { ...process.env, MATCHER_PORT: String(port), MATCHER_LOCK_DURATION_MS: '2000', MATCHER_STALLED_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    matchers.push(child);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
      if (ready) return child;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('matcher did not become ready');
  }

  /** 90 % by reference, 8 % by unique amount and date, 2 % orphans on each side: no ties, so the result does not depend on ids. */
  async function seed(): Promise<SeededReconciliation> {
    const target = await seedReconciliation(db);
    const { tenantId, accountId, reconciliationId } = target;
    await db.query(
      `INSERT INTO ledger_entries (id, tenant_id, account_id, external_id, kind, amount, currency, entry_date, refs, description)
       SELECT gen_random_uuid(), $1, $2, 'L-' || i, 'ORDER', i * 100 + 7, 'BRL', date '2026-01-01' + (i % 28), ARRAY['PED-' || i], 'Order ' || i
         FROM generate_series(1, $3) i`,
      [tenantId, accountId, ENTRIES],
    );
    await db.query(
      `INSERT INTO statement_entries (id, tenant_id, reconciliation_id, account_id, external_id, amount, currency, entry_date, refs, description)
       SELECT gen_random_uuid(), $1, $2, $3, 'S-' || i,
              CASE WHEN i % 50 = 0 THEN i * 100 + 3 ELSE i * 100 + 7 END, 'BRL', date '2026-01-01' + (i % 28) + (i % 3),
              CASE WHEN i % 50 = 0 OR i % 12 = 0 THEN '{}'::text[] ELSE ARRAY['PED-' || i] END, 'Payment ' || i
         FROM generate_series(1, $4) i`,
      [tenantId, reconciliationId, accountId, ENTRIES],
    );
    await db.query(`UPDATE reconciliations SET statement_entry_count = $2 WHERE id = $1`, [reconciliationId, ENTRIES]);
    return target;
  }

  async function enqueue(target: SeededReconciliation): Promise<void> {
    const runVersion = await startPass(db, target);
    const payload: MatchReconciliationPayload = { schemaVersion: 1, tenantId: target.tenantId, correlationId: 'crash-test', reconciliationId: target.reconciliationId, runVersion };
    await queue.add(JOB_NAMES.matchReconciliation, payload, { ...DEFAULT_JOB_OPTIONS, jobId: matchJobId(target.reconciliationId, runVersion) });
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const stateOf = async (id: string) =>
    (await db.query<{ status: string; stage: string | null }>(`SELECT status, progress->>'stage' AS stage FROM reconciliations WHERE id = $1`, [id]))[0];

  /** Each active match as its sorted statement and ledger external ids, with its status and difference. */
  async function matchSet(id: string): Promise<string[]> {
    const rows = await db.query<{ signature: string }>(
      `SELECT m.status || ' ' || m.difference || ' ' || string_agg(coalesce(se.external_id, le.external_id), ',' ORDER BY coalesce(se.external_id, le.external_id)) AS signature
         FROM matches m JOIN match_items mi ON mi.match_id = m.id
         LEFT JOIN statement_entries se ON se.id = mi.entry_id LEFT JOIN ledger_entries le ON le.id = mi.entry_id
        WHERE m.reconciliation_id = $1 AND m.status IN ('SUGGESTED', 'ACCEPTED') GROUP BY m.id, m.status, m.difference`,
      [id],
    );
    return rows.map((row) => row.signature).sort();
  }

  const discrepancyCounts = (id: string) =>
    db.query<{ type: string; count: string }>(`SELECT type, count(*)::text AS count FROM discrepancies WHERE reconciliation_id = $1 GROUP BY type ORDER BY type`, [id]);

  it('takes the run up in another matcher and ends as a fault-free run does', async () => {
    const faulted = await seed();
    const first = await startMatcherProcess(3951);
    await enqueue(faulted);
    const stage = await waitFor('the pass to be under way', async () => {
      const state = await stateOf(faulted.reconciliationId);
      return state.stage === 'matching' || state.stage === 'writing' ? state.stage : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(['matching', 'writing']).toContain(stage);
    expect((await stateOf(faulted.reconciliationId)).status).toBe('PROCESSING');

    await startMatcherProcess(3952);
    const ended = await waitFor('the run to end', async () => {
      const { status } = await stateOf(faulted.reconciliationId);
      return status === 'PROCESSING' ? undefined : status;
    });
    expect(ended).toBe('PARTIALLY_MATCHED');

    await expectSameAsFaultFree(faulted);
  });

  it('refuses the late write of a paused (zombie) matcher after another finished the run', async () => {
    const faulted = await seed();
    const zombie = await startMatcherProcess(3953);
    await enqueue(faulted);
    await waitFor('the pass to be under way', async () => ((await stateOf(faulted.reconciliationId)).stage === 'matching' ? true : undefined));
    zombie.kill('SIGSTOP');
    await startMatcherProcess(3954);
    await waitFor('the other matcher to finish the run', async () => ((await stateOf(faulted.reconciliationId)).status === 'PROCESSING' ? undefined : true));
    zombie.kill('SIGCONT');
    // Give the zombie time to reach its commit, which the fencing token refuses.
    await waitFor('the zombie to give up the pass', async () => {
      const [run] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM matching_runs WHERE reconciliation_id = $1 AND status = 'RUNNING'`, [faulted.reconciliationId]);
      return run.n === '0' ? true : undefined;
    });
    await expectSameAsFaultFree(faulted);
  });

  /** RELIABILITY.md invariants after a fault: one committed pass, no entry in two active matches, the fault-free match set. */
  async function expectSameAsFaultFree(faulted: SeededReconciliation): Promise<void> {
    const reference = await seed();
    await enqueue(reference);
    await waitFor('the fault-free run', async () => ((await stateOf(reference.reconciliationId)).status === 'PROCESSING' ? undefined : true));
    const [faultedMatches, referenceMatches] = [await matchSet(faulted.reconciliationId), await matchSet(reference.reconciliationId)];
    expect(faultedMatches.length).toBeGreaterThan(ENTRIES * 0.9);
    expect(faultedMatches).toEqual(referenceMatches);
    expect(await discrepancyCounts(faulted.reconciliationId)).toEqual(await discrepancyCounts(reference.reconciliationId));
    expect(await db.count('matching_runs', `reconciliation_id = $1 AND status = 'SUCCEEDED'`, [faulted.reconciliationId])).toBe(1);
    // No entry in two active matches, and the entries each active match lists are exactly those its links hold.
    const [check] = await db.query<{ doubled: string; astray: string }>(
      `WITH listed AS (SELECT m.id AS match_id, unnest(m.statement_entry_ids || m.ledger_entry_ids) AS entry_id
                         FROM matches m WHERE m.reconciliation_id = $1 AND m.status IN ('SUGGESTED', 'ACCEPTED')),
            held AS (SELECT match_id, entry_id FROM match_items WHERE reconciliation_id = $1)
       SELECT (SELECT count(*) FROM (SELECT entry_id FROM listed GROUP BY entry_id HAVING count(*) > 1) d)::text AS doubled,
              (SELECT count(*) FROM listed FULL JOIN held USING (match_id, entry_id) WHERE listed.entry_id IS NULL OR held.entry_id IS NULL)::text AS astray`,
      [faulted.reconciliationId],
    );
    expect(check).toEqual({ doubled: '0', astray: '0' });
  }
});
