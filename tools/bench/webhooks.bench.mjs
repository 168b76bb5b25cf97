#!/usr/bin/env node
// npm run bench:webhooks -- [--events 5000] [--runs 3] [--trickle 200] [--endpointConcurrency 4] [--concurrency 50]
// One built notifier-worker process delivers to a loopback receiver (127.0.0.1, allowed through
// WEBHOOK_ALLOWED_CIDRS). Each run commits `events` events for ONE endpoint in one transaction
// (events + outbox rows, as a producer does), publishes their dispatch jobs right after commit,
// and times commit → receipt of every signed POST: p50/p99 and deliveries/s. Then `trickle`
// events, one every 20 ms, give the latency of an event on a quiet notifier. The floor, in the
// same run: bare undici POSTs of the same signed bodies to the same receiver, keep-alive, 50 in
// flight. Prints both and their ratio; appends a JSON line to tools/bench/results/webhooks.jsonl.
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { args, deleteRedisKeys, percentile, record, scratchDatabase, startApp, stopApp, summarize, table } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const { Queue } = require('bullmq');
const { Agent, request } = require('undici');
const { Webhook } = require('standardwebhooks');

const options = args({ events: 5000, runs: 3, trickle: 200, endpointConcurrency: 4, concurrency: 50 });
const PORT = 3902;
const PREFIX = `bench_webhooks_${Date.now().toString(36)}`;
const FLOOR_IN_FLIGHT = 50;
const now = () => performance.timeOrigin + performance.now();

/** The receiver: notes when each webhook-id arrived, answers 200 "ok". */
async function startReceiver() {
  const received = new Map();
  const waiters = new Set();
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (!received.has(id)) received.set(id, now());
      for (const waiter of waiters) waiter();
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    received,
    async waitFor(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!ids.every((id) => received.has(id))) {
        if (Date.now() > deadline) throw new Error(`only ${ids.filter((id) => received.has(id)).length}/${ids.length} webhooks received within ${timeoutMs} ms`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.add(() => (clearTimeout(timer), resolve()));
        });
        waiters.clear();
      }
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

/** Events and their outbox rows in one transaction, as EventRecorder writes them; returns the commit time. */
async function commitEvents(client, tenantId, ids) {
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO events (id, tenant_id, type, data)
     SELECT id, $1::uuid, 'reconciliation.completed', jsonb_build_object('reconciliationId', id, 'status', 'COMPLETED') FROM unnest($2::uuid[]) AS id`,
    [tenantId, ids],
  );
  const { rows } = await client.query(
    `INSERT INTO outbox (tenant_id, queue, job_name, job_id, payload)
     SELECT $1::uuid, 'webhook-dispatch', 'dispatch-event', 'event-' || id,
            jsonb_build_object('schemaVersion', 1, 'tenantId', $1::text, 'correlationId', 'bench', 'eventId', id, 'eventType', 'reconciliation.completed')
       FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n) ORDER BY n
     RETURNING id::text, job_id, payload`,
    [tenantId, ids],
  );
  await client.query('COMMIT');
  return { committedAt: now(), messages: rows };
}

/** What a producer's publishAfterCommit does: the dispatch jobs on the queue, then the rows marked published. */
async function publish(client, queue, messages) {
  await queue.addBulk(
    messages.map((message) => ({
      name: 'dispatch-event',
      data: message.payload,
      opts: { jobId: message.job_id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 3600, count: 10_000 } },
    })),
  );
  await client.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [messages.map((message) => message.id)]);
}

async function burst(client, queue, receiver, tenantId) {
  const ids = Array.from({ length: options.events }, () => randomUUID());
  const { committedAt, messages } = await commitEvents(client, tenantId, ids);
  await publish(client, queue, messages);
  await receiver.waitFor(ids, 600_000);
  const latencies = ids.map((id) => receiver.received.get(id) - committedAt).sort((a, b) => a - b);
  // Every receipt is recorded as SUCCEEDED right after the answer.
  for (let waited = 0; ; waited += 50) {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'SUCCEEDED'`, [ids]);
    if (rows[0].n === ids.length) break;
    if (waited > 30_000) throw new Error(`${rows[0].n}/${ids.length} deliveries SUCCEEDED`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = latencies.at(-1) / 1000;
  return { perSecond: ids.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), seconds };
}

async function trickle(client, queue, receiver, tenantId) {
  const latencies = [];
  for (let i = 0; i < options.trickle; i += 1) {
    const id = randomUUID();
    const { committedAt, messages } = await commitEvents(client, tenantId, [id]);
    await publish(client, queue, messages);
    const started = Date.now();
    await receiver.waitFor([id], 30_000);
    latencies.push(receiver.received.get(id) - committedAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20 - (Date.now() - started))));
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The floor: the same signed bodies POSTed with a bare keep-alive undici Agent, 50 in flight. */
async function floor(receiver, secret) {
  const webhook = new Webhook(secret);
  const bodies = Array.from({ length: options.events }, () => {
    const id = randomUUID();
    const body = JSON.stringify({ id, type: 'reconciliation.completed', createdAt: new Date().toISOString(), data: { reconciliationId: id, status: 'COMPLETED' } });
    const at = new Date();
    return { id, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': webhook.sign(id, at, body) } };
  });
  const agent = new Agent({ keepAliveTimeout: 4000, connections: FLOOR_IN_FLIGHT });
  const started = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: FLOOR_IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const item = bodies[next++];
        const response = await request(receiver.url, { dispatcher: agent, method: 'POST', headers: item.headers, body: item.body });
        await response.body.text();
        if (response.statusCode !== 200) throw new Error(`floor got ${response.statusCode}`);
      }
    }),
  );
  await agent.close();
  const latencies = bodies.map((item) => receiver.received.get(item.id) - started).sort((a, b) => a - b);
  return { perSecond: bodies.length / (latencies.at(-1) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  const database = await scratchDatabase('webhooks');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const receiver = await startReceiver();
  const queue = new Queue('webhook-dispatch', { connection: { host: '127.0.0.1', port: 6379 }, prefix: PREFIX });
  let notifier;
  try {
    const tenantId = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [tenantId]);
    await client.query(`INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret) VALUES ($1, $2, $3, '{reconciliation.completed}', $4)`, [randomUUID(), tenantId, receiver.url, secret]);
    notifier = await startApp(
      'notifier-worker',
      {
        DATABASE_URL: database.url,
        NOTIFIER_PORT: String(PORT),
        LOG_LEVEL: 'warn',
        REDIS_PREFIX: PREFIX,
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
        NOTIFIER_CONCURRENCY: String(options.concurrency),
        NOTIFIER_ENDPOINT_CONCURRENCY: String(options.endpointConcurrency),
      },
      PORT,
    );
    // Warm-up: connections, prepared plans, JIT.
    await burst(client, queue, receiver, tenantId).catch((error) => Promise.reject(new Error(`warm-up: ${error.message}`)));
    const bursts = [];
    const floors = [];
    const trickles = [];
    for (let run = 1; run <= options.runs; run += 1) {
      bursts.push(await burst(client, queue, receiver, tenantId));
      floors.push(await floor(receiver, secret));
      if (options.trickle > 0) trickles.push(await trickle(client, queue, receiver, tenantId));
      const b = bursts.at(-1);
      const f = floors.at(-1);
      console.error(
        `run ${run}: notifier ${b.perSecond.toFixed(0)}/s (p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms), floor ${f.perSecond.toFixed(0)}/s` +
          (trickles.length ? `, quiet p50 ${trickles.at(-1).p50.toFixed(1)} ms p99 ${trickles.at(-1).p99.toFixed(1)} ms` : ''),
      );
    }
    const fmt = (values, digits = 0) => {
      const s = summarize(values);
      return `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]`;
    };
    const notifierRate = summarize(bursts.map((b) => b.perSecond));
    const floorRate = summarize(floors.map((f) => f.perSecond));
    console.log(
      `\nbench:webhooks — ${options.events} events at once for one endpoint, ${options.runs} runs (median [min-max]); ` +
        `NOTIFIER_CONCURRENCY=${options.concurrency}, NOTIFIER_ENDPOINT_CONCURRENCY=${options.endpointConcurrency}`,
    );
    const rows = [
      ['measure', 'value'],
      ['notifier deliveries/s (commit → last receipt)', fmt(bursts.map((b) => b.perSecond))],
      ['notifier burst latency p50 (ms, commit → receipt)', fmt(bursts.map((b) => b.p50))],
      ['notifier burst latency p99 (ms)', fmt(bursts.map((b) => b.p99))],
      [`floor deliveries/s (bare undici, ${FLOOR_IN_FLIGHT} in flight)`, fmt(floors.map((f) => f.perSecond))],
      ['floor burst latency p50 (ms, start → receipt)', fmt(floors.map((f) => f.p50))],
      ['floor burst latency p99 (ms)', fmt(floors.map((f) => f.p99))],
      ['notifier / floor (deliveries/s)', (notifierRate.median / floorRate.median).toFixed(2)],
    ];
    if (trickles.length) {
      rows.push([`quiet latency p50 (ms, ${options.trickle} events, one per 20 ms)`, fmt(trickles.map((t) => t.p50), 1)]);
      rows.push(['quiet latency p99 (ms)', fmt(trickles.map((t) => t.p99), 1)]);
    }
    table(rows);
    record('webhooks', {
      options,
      notifier: { perSecond: notifierRate, p50Ms: summarize(bursts.map((b) => b.p50)), p99Ms: summarize(bursts.map((b) => b.p99)) },
      floor: { perSecond: floorRate, p50Ms: summarize(floors.map((f) => f.p50)), p99Ms: summarize(floors.map((f) => f.p99)) },
      quiet: trickles.length ? { p50Ms: summarize(trickles.map((t) => t.p50)), p99Ms: summarize(trickles.map((t) => t.p99)) } : null,
      ratio: notifierRate.median / floorRate.median,
    });
  } finally {
    await queue.close();
    if (notifier) await stopApp(notifier);
    await receiver.close();
    await client.end();
    await database.drop();
    await deleteRedisKeys(PREFIX);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
