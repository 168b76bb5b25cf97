import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AccountKind, AccountStatus } from '@concilia/domain';
import { TenantEntity } from './tenant.entity';

@Entity({ name: 'accounts' })
@Index('ix_accounts_tenant', ['tenantId', 'id'])
export class AccountEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_accounts_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AccountKind;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  channel!: string | null;

  /** The account's identifier elsewhere (an IBAN, a store id); checked against statement files. */
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'ACTIVE' })
  status!: AccountStatus;

  @Column({ name: 'max_period_days', type: 'integer', default: 90 })
  maxPeriodDays!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
