import type { Tx } from '../database';
import type { AuditActorType } from '../entities';

export interface NewAuditEvent {
  tenantId: string;
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  ipAddress: string | null;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Append-only: there is no update or delete here, and the database refuses both. */
export class AuditRepository {
  async append(tx: Tx, event: NewAuditEvent): Promise<void> {
    await tx.query(
      `INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, target_type, target_id, ip_address, request_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        event.tenantId,
        event.actorType,
        event.actorId,
        event.action,
        event.targetType,
        event.targetId,
        event.ipAddress,
        event.requestId,
        event.before === null ? null : JSON.stringify(event.before),
        event.after === null ? null : JSON.stringify(event.after),
      ],
    );
  }
}
