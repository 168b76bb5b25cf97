import { Webhook } from 'standardwebhooks';
import { TestDatabase } from '@concilia/testing';
import { startNotifier } from '../testing/notifier.harness';
import { WebhookReceiver } from '../testing/webhook-receiver';


/**
 * The whole retry schedule (10 attempts, ~3 days in production) scaled by 0.00001 so it runs
 * in about 3 s; and a graceful stop with an attempt in flight.
 */
describe('notifier-worker: retries exhausted, graceful stop (e2e)', () => {
  it('ends FAILED after the last of 10 attempts against a receiver that always answers 500, same webhook-id each time', async () => {
    const n = await startNotifier({ NOTIFIER_RETRY_SCALE: '0.00001' });
    const hook = await WebhookReceiver.start((_request, response) => {
      response.statusCode = 500;
      response.end('down');
    });
    try {
      const tenantId = await n.seedTenant();
      const endpoint = await n.seedEndpoint(tenantId, hook.url());
      const eventId = await n.emit(tenantId, 'reconciliation.completed', { attempt: 'all' });

      const delivery = await n.waitForDelivery(eventId, endpoint.id, ['FAILED']);
      expect(delivery).toMatchObject({ attempts: 10, last_status_code: 500, last_error: 'HTTP 500', next_attempt_at: null, delivered_at: null });
      const attempts = await n.attempts(delivery.id);
      expect(attempts.map((attempt) => attempt.status_code)).toEqual(Array(10).fill(500));
      expect(attempts.every((attempt) => attempt.response_excerpt === 'down')).toBe(true);
      expect(hook.requests).toHaveLength(10);
      expect(new Set(hook.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([eventId]));
      for (const request of hook.requests) expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId });
      // The waits grow along the schedule (5 s ... 24 h, scaled): the last is longer than the first.
      const gaps = hook.requests.slice(1).map((request, i) => request.at - hook.requests[i].at);
      expect(gaps[8]).toBeGreaterThan(gaps[0]);
      expect(gaps[8]).toBeGreaterThanOrEqual(24 * 3600 * 1000 * 0.00001 * 0.8);

      // Nothing more is scheduled after the last attempt.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(hook.requests).toHaveLength(10);
      expect(await n.deliveryQueue.getJobCounts('delayed', 'waiting', 'active')).toMatchObject({ delayed: 0, waiting: 0, active: 0 });
      // Failing for seconds, not days: the endpoint stays enabled, its streak recorded.
      const [state] = await n.db.query<{ enabled: boolean; failing_since: Date | null }>(`SELECT enabled, failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
      expect(state.enabled).toBe(true);
      expect(state.failing_since).toBeInstanceOf(Date);
    } finally {
      await hook.close();
      await n.close();
    }
  });

  it('finishes and records the attempt in flight when it is stopped', async () => {
    const n = await startNotifier();
    const db = await TestDatabase.connect();
    let closed = false;
    let answered = false;
    const hook = await WebhookReceiver.start(async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      response.end('finished');
      answered = true;
    });
    try {
      const tenantId = await n.seedTenant();
      const endpoint = await n.seedEndpoint(tenantId, hook.url());
      const eventId = await n.emit(tenantId, 'reconciliation.completed');
      await hook.waitForRequests(1);
      expect(answered).toBe(false);

      await n.close(); // what SIGTERM does: workers stop taking jobs, the running one completes
      closed = true;

      expect(answered).toBe(true);
      const [delivery] = await db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2`, [eventId, endpoint.id]);
      expect(delivery).toEqual({ status: 'SUCCEEDED', attempts: 1 });
    } finally {
      await hook.close();
      await db.close();
      if (!closed) await n.close();
    }
  });
});
