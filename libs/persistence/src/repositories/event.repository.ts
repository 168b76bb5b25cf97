import type { Tx } from '../database';

export interface NewEvent {
  id: string;
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
}

/** The durable record of events; their delivery is queued through the outbox. */
export class EventRepository {
  async insert(tx: Tx, event: NewEvent): Promise<void> {
    await tx.query(`INSERT INTO events (id, tenant_id, type, data) VALUES ($1, $2, $3, $4)`, [event.id, event.tenantId, event.type, JSON.stringify(event.data)]);
  }
}
