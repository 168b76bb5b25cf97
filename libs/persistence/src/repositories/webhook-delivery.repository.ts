import type { Database, Tx } from '../database';

/** The stored event a delivery sends: the envelope is rebuilt from it on every attempt. */
export interface StoredEvent {
  id: string;
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Everything one attempt needs, read in one query. Holds the endpoint's secrets: never log it. */
export interface DeliveryTarget {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  nextAttemptAt: Date | null;
  /** null when the endpoint was deleted. */
  endpoint: {
    url: string;
    enabled: boolean;
    secret: string;
    previousSecret: string | null;
    previousSecretExpiresAt: Date | null;
  } | null;
  /** null when the event is gone (never expected: events are kept). */
  event: StoredEvent | null;
}

export interface AttemptRecord {
  deliveryId: string;
  tenantId: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/** An event to fan out and the endpoints that receive it. */
export interface FanOutTarget {
  eventId: string;
  tenantId: string;
  type: string;
  endpointIds: string[];
}

export interface NewDelivery {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
}

export interface DeliveryKey {
  id: string;
  tenantId: string;
  eventId: string;
}

/** How an endpoint came out of a failed attempt. */
export interface EndpointFailureOutcome {
  /** True when this failure disabled the endpoint (410, or failing for too long). */
  disabled: boolean;
  disabledReason: string | null;
}

/** TypeORM answers an UPDATE ... RETURNING with [rows, rowCount], a SELECT or INSERT with the rows: these are the rows either way. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

interface TargetRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  status: DeliveryTarget['status'];
  attempts: number;
  next_attempt_at: Date | null;
  url: string | null;
  enabled: boolean | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  event_type: string | null;
  event_data: Record<string, unknown> | null;
  event_created_at: Date | null;
}

function targetOf(row: TargetRow): DeliveryTarget {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    endpoint:
      row.url === null || row.secret === null
        ? null
        : { url: row.url, enabled: row.enabled === true, secret: row.secret, previousSecret: row.previous_secret, previousSecretExpiresAt: row.previous_secret_expires_at },
    event:
      row.event_type === null || row.event_created_at === null
        ? null
        : { id: row.event_id, tenantId: row.tenant_id, type: row.event_type, data: row.event_data ?? {}, createdAt: row.event_created_at },
  };
}

/**
 * Webhook fan-out and delivery state, for the notifier-worker. Every query is scoped by tenant;
 * the unique (event_id, endpoint_id) key makes a repeated dispatch create nothing, and the
 * `attempts` counter guards each attempt's result so a repeated job records nothing twice.
 * The hot paths take many keys at once: the notifier batches the jobs it runs side by side
 * into one round trip (the per-query cost, not Postgres, is what limits a notifier).
 */
export class WebhookDeliveryRepository {
  constructor(private readonly database: Database) {}

  /**
   * The events of these dispatch jobs (each looked up in its own tenant) with the endpoints that
   * receive them: the tenant's enabled endpoints subscribed to the type or, for `webhook.test`,
   * only the endpoint the event names (enabled or not: testing a disabled endpoint before
   * enabling it again is the point). Events not found (in that tenant) are absent.
   */
  async fanOutTargets(keys: readonly { tenantId: string; eventId: string }[]): Promise<Map<string, FanOutTarget>> {
    const targets = new Map<string, FanOutTarget>();
    if (keys.length === 0) return targets;
    const rows: { event_id: string; tenant_id: string; type: string; endpoint_id: string | null }[] = await this.database.manager.query(
      `SELECT ev.id AS event_id, ev.tenant_id, ev.type, ep.id AS endpoint_id
         FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[]) AS k(event_id, tenant_id)) k
         JOIN events ev ON ev.id = k.event_id AND ev.tenant_id = k.tenant_id
         LEFT JOIN webhook_endpoints ep ON ep.tenant_id = ev.tenant_id AND CASE
              WHEN ev.type = 'webhook.test'
                THEN ep.id = CASE WHEN ev.data->>'endpointId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (ev.data->>'endpointId')::uuid END
              ELSE ep.enabled AND ev.type = ANY(ep.events) END
        ORDER BY ev.id, ep.id`,
      [keys.map((key) => key.eventId), keys.map((key) => key.tenantId)],
    );
    for (const row of rows) {
      const target = targets.get(row.event_id) ?? { eventId: row.event_id, tenantId: row.tenant_id, type: row.type, endpointIds: [] };
      if (row.endpoint_id !== null) target.endpointIds.push(row.endpoint_id);
      targets.set(row.event_id, target);
    }
    return targets;
  }

  /**
   * One delivery per (event, endpoint); existing ones are left alone (unique key). Returns the
   * new deliveries and, for the events given, those that already existed but were never
   * attempted (their first job may have been lost), so the caller can (re-)enqueue every first
   * attempt: the job id makes a repeat harmless.
   */
  async createDeliveries(deliveries: readonly NewDelivery[], events: readonly { tenantId: string; eventId: string }[]): Promise<{ created: DeliveryKey[]; unattempted: DeliveryKey[] }> {
    if (events.length === 0) return { created: [], unattempted: [] };
    const rows: { id: string; tenant_id: string; event_id: string; created: boolean }[] = await this.database.manager.query(
      `WITH ins AS (
         INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::varchar[])
         ON CONFLICT (event_id, endpoint_id) DO NOTHING
         RETURNING id, tenant_id, event_id)
       SELECT id, tenant_id, event_id, true AS created FROM ins
       UNION ALL
       SELECT d.id, d.tenant_id, d.event_id, false AS created
         FROM webhook_deliveries d
         JOIN (SELECT DISTINCT * FROM unnest($6::uuid[], $7::uuid[]) AS k(event_id, tenant_id)) k ON d.event_id = k.event_id AND d.tenant_id = k.tenant_id
        WHERE d.status = 'PENDING' AND d.attempts = 0`,
      [
        deliveries.map((delivery) => delivery.id),
        deliveries.map((delivery) => delivery.tenantId),
        deliveries.map((delivery) => delivery.endpointId),
        deliveries.map((delivery) => delivery.eventId),
        deliveries.map((delivery) => delivery.eventType),
        events.map((event) => event.eventId),
        events.map((event) => event.tenantId),
      ],
    );
    const keyOf = (row: { id: string; tenant_id: string; event_id: string }): DeliveryKey => ({ id: row.id, tenantId: row.tenant_id, eventId: row.event_id });
    return { created: rows.filter((row) => row.created).map(keyOf), unattempted: rows.map(keyOf) };
  }

  /** The deliveries with their endpoint (and secrets) and event, in one query, each scoped by its tenant. */
  async findTargets(keys: readonly { tenantId: string; deliveryId: string }[]): Promise<Map<string, DeliveryTarget>> {
    const targets = new Map<string, DeliveryTarget>();
    if (keys.length === 0) return targets;
    const rows: TargetRow[] = await this.database.manager.query(
      `SELECT d.id, d.tenant_id, d.endpoint_id, d.event_id, d.status, d.attempts, d.next_attempt_at,
              ep.url, ep.enabled, ep.secret, ep.previous_secret, ep.previous_secret_expires_at,
              ev.type AS event_type, ev.data AS event_data, ev.created_at AS event_created_at
         FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[]) AS k(id, tenant_id)) k
         JOIN webhook_deliveries d ON d.id = k.id AND d.tenant_id = k.tenant_id
         LEFT JOIN webhook_endpoints ep ON ep.id = d.endpoint_id AND ep.tenant_id = d.tenant_id
         LEFT JOIN events ev ON ev.id = d.event_id AND ev.tenant_id = d.tenant_id`,
      [keys.map((key) => key.deliveryId), keys.map((key) => key.tenantId)],
    );
    for (const row of rows) targets.set(row.id, targetOf(row));
    return targets;
  }

  /**
   * Records successful attempts in one statement: their attempt rows, each delivery SUCCEEDED
   * (only if its attempt is still the next one: a repeated job changes nothing), and their
   * endpoints' failing streaks ended. Returns the deliveries whose state this changed.
   */
  async recordSuccesses(successes: readonly { attempt: number; record: AttemptRecord }[]): Promise<Set<string>> {
    if (successes.length === 0) return new Set();
    const records = successes.map((success) => success.record);
    const rows: { id: string }[] = await this.database.manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::smallint[], $5::timestamptz[], $6::int[], $7::text[], $8::text[])
                    AS i(delivery_id, tenant_id, attempt, status_code, attempted_at, duration_ms, error, excerpt)),
       d AS (
         UPDATE webhook_deliveries w
            SET attempts = i.attempt, status = 'SUCCEEDED', delivered_at = i.attempted_at, next_attempt_at = NULL, last_status_code = i.status_code, last_error = NULL
           FROM input i
          WHERE w.id = i.delivery_id AND w.tenant_id = i.tenant_id AND w.attempts = i.attempt - 1
          RETURNING w.id, w.tenant_id, w.endpoint_id),
       a AS (
         INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, status_code, duration_ms, error, response_excerpt)
         SELECT delivery_id, tenant_id, attempted_at, status_code, duration_ms, error, excerpt FROM input),
       e AS (
         UPDATE webhook_endpoints ep SET failing_since = NULL
           FROM (SELECT DISTINCT endpoint_id, tenant_id FROM d) x
          WHERE ep.id = x.endpoint_id AND ep.tenant_id = x.tenant_id AND ep.failing_since IS NOT NULL)
       SELECT id FROM d`,
      [
        records.map((record) => record.deliveryId),
        records.map((record) => record.tenantId),
        successes.map((success) => success.attempt),
        records.map((record) => record.statusCode),
        records.map((record) => record.attemptedAt),
        records.map((record) => record.durationMs),
        records.map((record) => record.error),
        records.map((record) => record.responseExcerpt),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Claims the result of failed attempt `attempt` inside `tx` and stores its attempt row.
   * Returns the endpoint id, or null when this attempt had already been recorded (a repeated job).
   */
  async claimFailedAttempt(tx: Tx, attempt: number, record: AttemptRecord): Promise<string | null> {
    const claimed = rowsOf<{ endpoint_id: string }>(
      await tx.query(
        `UPDATE webhook_deliveries SET attempts = $3, last_status_code = $4, last_error = $5
          WHERE id = $1 AND tenant_id = $2 AND attempts = $3 - 1
          RETURNING endpoint_id`,
        [record.deliveryId, record.tenantId, attempt, record.statusCode, record.error],
      ),
    );
    await this.insertAttempt(tx, record);
    return claimed[0]?.endpoint_id ?? null;
  }

  async insertAttempt(tx: Tx, record: AttemptRecord): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, status_code, duration_ms, error, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [record.deliveryId, record.tenantId, record.attemptedAt, record.statusCode, record.durationMs, record.error, record.responseExcerpt],
    );
  }

  /** The receiver answered 410 Gone: it wants nothing more. */
  async disableEndpoint(tx: Tx, tenantId: string, endpointId: string, reason: string): Promise<EndpointFailureOutcome> {
    const rows = rowsOf<{ id: string }>(
      await tx.query(
        `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND enabled RETURNING id`,
        [endpointId, tenantId, reason],
      ),
    );
    return { disabled: rows.length > 0, disabledReason: rows.length > 0 ? reason : null };
  }

  /**
   * Notes a failure against the endpoint: starts its failing streak, or disables it when the
   * streak began before `disableCutoff` without a success since. Returns whether it disabled it.
   */
  async noteEndpointFailure(tx: Tx, tenantId: string, endpointId: string, failedAt: Date, disableCutoff: Date): Promise<EndpointFailureOutcome> {
    const rows = rowsOf<{ enabled: boolean; disabled_reason: string | null }>(
      await tx.query(
        `UPDATE webhook_endpoints
            SET failing_since = COALESCE(failing_since, $3),
                enabled = CASE WHEN failing_since <= $4 THEN false ELSE enabled END,
                disabled_reason = CASE WHEN failing_since <= $4
                                       THEN 'failing since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                       ELSE disabled_reason END,
                updated_at = CASE WHEN failing_since <= $4 THEN now() ELSE updated_at END
          WHERE id = $1 AND tenant_id = $2 AND (failing_since IS NULL OR (enabled AND failing_since <= $4))
          RETURNING enabled, disabled_reason`,
        [endpointId, tenantId, failedAt, disableCutoff],
      ),
    );
    const row = rows[0];
    return row && !row.enabled ? { disabled: true, disabledReason: row.disabled_reason } : { disabled: false, disabledReason: null };
  }

  /** After a claimed failure: wait for the next attempt, or stop for good. */
  async scheduleNext(tx: Tx, tenantId: string, deliveryId: string, nextAttemptAt: Date): Promise<void> {
    await tx.query(`UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = $3 WHERE id = $1 AND tenant_id = $2`, [deliveryId, tenantId, nextAttemptAt]);
  }

  async markFailed(tx: Tx, tenantId: string, deliveryId: string, lastError?: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'FAILED', next_attempt_at = NULL, last_error = COALESCE($3::text, last_error) WHERE id = $1 AND tenant_id = $2`,
      [deliveryId, tenantId, lastError ?? null],
    );
  }

  /**
   * Gives up a delivery without an attempt (its endpoint was disabled or deleted). Only while
   * it still waits at `attempts`, so a retry asked for meanwhile is not overwritten.
   */
  async abandon(tenantId: string, deliveryId: string, attempts: number, reason: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await this.database.manager.query(
        `UPDATE webhook_deliveries SET status = 'FAILED', next_attempt_at = NULL, last_error = $4
          WHERE id = $1 AND tenant_id = $2 AND attempts = $3 AND status = 'PENDING'
          RETURNING id`,
        [deliveryId, tenantId, attempts, reason],
      ),
    );
    return rows.length > 0;
  }
}
