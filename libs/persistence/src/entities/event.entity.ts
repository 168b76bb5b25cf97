import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A notification of something that happened (reconciliation.completed, ...), written in the
 * transaction of the change it reports. The envelope delivered to webhooks is built from it;
 * jobs carry only its id.
 */
@Entity({ name: 'events' })
@Index('ix_events_tenant', ['tenantId', 'id'])
export class EventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
