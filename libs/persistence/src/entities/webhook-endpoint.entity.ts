import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A tenant's URL that receives signed event notifications. The signing secret is needed in
 * clear to sign, so it lives only here: never in a job, a log or an answer after creation.
 */
@Entity({ name: 'webhook_endpoints' })
@Index('ix_webhook_endpoints_tenant', ['tenantId', 'id'])
export class WebhookEndpointEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** Event types delivered to this endpoint. */
  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Why the endpoint was disabled by the system (410 Gone, failing too long); null when a person did it or it is enabled. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason!: string | null;

  /** whsec_... */
  @Column({ type: 'text' })
  secret!: string;

  /** The secret before the last rotation: it keeps signing beside the new one until it expires. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** Start of the current run of failed deliveries (null after any success): drives auto-disable. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
