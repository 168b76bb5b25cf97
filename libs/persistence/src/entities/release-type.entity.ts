import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReleaseTypeCategory } from '@concilia/domain';

/** A release type a tenant added to a channel's catalogue (the built-in ones live in @concilia/domain). */
@Entity({ name: 'release_types' })
@Index('ux_release_types_tenant_channel_code', ['tenantId', 'channel', 'code'], { unique: true })
export class ReleaseTypeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 64 })
  channel!: string;

  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  category!: ReleaseTypeCategory;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
