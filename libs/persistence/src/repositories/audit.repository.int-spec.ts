import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { Database, pgErrorCode } from '../database';
import { AuditRepository, type NewAuditEvent } from './audit.repository';

interface AuditRow {
  id: string;
  tenant_id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  ip_address: string | null;
  request_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  created_at: Date;
}

/** SQLSTATE of the append-only trigger (ERRCODE = 'insufficient_privilege'). */
const INSUFFICIENT_PRIVILEGE = '42501';

describe('AuditRepository (integration)', () => {
  let dataSource: DataSource;
  let database: Database;
  const audit = new AuditRepository();

  beforeAll(async () => {
    const url = process.env['DATABASE_URL'];
    if (!url) throw new Error('DATABASE_URL is not set: run through jest (the global setup sets it)');
    dataSource = createDataSource({ url, poolSize: 4, applicationName: 'audit-int-spec' });
    await dataSource.initialize();
    database = new Database(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  function event(overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
    return {
      tenantId: randomUUID(),
      actorType: 'api_key',
      actorId: randomUUID(),
      action: 'account.updated',
      targetType: 'account',
      targetId: randomUUID(),
      ipAddress: '203.0.113.7',
      requestId: `req-${randomUUID()}`,
      before: { status: 'ACTIVE', name: 'Loja "antiga"', maxPeriodDays: 90 },
      after: { status: 'BLOCKED', name: 'Loja ação', maxPeriodDays: 31, tags: ['a', null, { deep: true }] },
      ...overrides,
    };
  }

  /** Each test uses a tenant id of its own: rows of other tests and files are never looked at. */
  async function rowsOf(tenantId: string): Promise<AuditRow[]> {
    return dataSource.query('SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY id', [tenantId]).then((rows: AuditRow[]) =>
      rows.map((row) => ({ ...row, id: String(row.id) })),
    );
  }

  async function appendOne(overrides: Partial<NewAuditEvent> = {}): Promise<{ given: NewAuditEvent; row: AuditRow }> {
    const given = event(overrides);
    await database.transaction((tx) => audit.append(tx, given));
    const rows = await rowsOf(given.tenantId);
    expect(rows).toHaveLength(1);
    return { given, row: rows[0] };
  }

  describe('append', () => {
    it('writes a row with every field', async () => {
      const { given, row } = await appendOne();
      expect(row).toEqual({
        id: expect.stringMatching(/^\d+$/),
        tenant_id: given.tenantId,
        actor_type: 'api_key',
        actor_id: given.actorId,
        action: 'account.updated',
        target_type: 'account',
        target_id: given.targetId,
        ip_address: '203.0.113.7',
        request_id: given.requestId,
        before: given.before,
        after: given.after,
        created_at: expect.any(Date),
      });
      expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('stores nulls for the optional fields (an admin or system action)', async () => {
      const { row } = await appendOne({ actorType: 'system', actorId: null, targetId: null, ipAddress: null, requestId: null, before: null, after: null });
      expect(row).toMatchObject({ actor_type: 'system', actor_id: null, target_id: null, ip_address: null, request_id: null, before: null, after: null });
    });

    it('appends within the caller’s transaction: nothing is written when it rolls back', async () => {
      const given = event();
      await expect(
        database.transaction(async (tx) => {
          await audit.append(tx, given);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await rowsOf(given.tenantId)).toEqual([]);
    });

    it('keeps every event of a tenant, in order', async () => {
      const tenantId = randomUUID();
      for (const action of ['account.created', 'account.updated', 'account.blocked']) {
        await database.transaction((tx) => audit.append(tx, event({ tenantId, action })));
      }
      expect((await rowsOf(tenantId)).map((row) => row.action)).toEqual(['account.created', 'account.updated', 'account.blocked']);
    });
  });

  describe('append-only (enforced by the database)', () => {
    async function expectRefused(sql: string, params: unknown[]): Promise<void> {
      let failure: unknown;
      try {
        await dataSource.query(sql, params);
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(Error);
      expect(pgErrorCode(failure)).toBe(INSUFFICIENT_PRIVILEGE);
      expect((failure as Error).message).toMatch(/audit_events is append-only/);
    }

    it('refuses an UPDATE, and the row is unchanged', async () => {
      const { given, row } = await appendOne();
      await expectRefused(`UPDATE audit_events SET action = 'forged', after = '{"status":"ACTIVE"}' WHERE id = $1`, [row.id]);
      await expectRefused(`UPDATE audit_events SET tenant_id = $2 WHERE id = $1`, [row.id, randomUUID()]);
      expect(await rowsOf(given.tenantId)).toEqual([row]);
    });

    it('refuses a DELETE, and the row is still there', async () => {
      const { given, row } = await appendOne();
      await expectRefused('DELETE FROM audit_events WHERE id = $1', [row.id]);
      await expectRefused('DELETE FROM audit_events WHERE tenant_id = $1', [given.tenantId]);
      expect(await rowsOf(given.tenantId)).toEqual([row]);
    });

    it('refuses an UPDATE inside a transaction, which then rolls back whole', async () => {
      const { given, row } = await appendOne();
      const other = event();
      await expect(
        database.transaction(async (tx) => {
          await audit.append(tx, other);
          await tx.query(`UPDATE audit_events SET action = 'forged' WHERE id = $1`, [row.id]);
        }),
      ).rejects.toThrow(/audit_events is append-only/);
      expect(await rowsOf(given.tenantId)).toEqual([row]);
      expect(await rowsOf(other.tenantId)).toEqual([]);
    });
  });
});
