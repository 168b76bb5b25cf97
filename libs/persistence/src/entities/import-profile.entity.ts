import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A tenant's CSV mapping: delimiter, separators, date format, encoding, column → field, sign. */
@Entity({ name: 'import_profiles' })
@Index('ux_import_profiles_tenant_name', ['tenantId', 'name'], { unique: true })
export class ImportProfileEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16, default: 'csv' })
  format!: string;

  /** The validated profile (see @concilia/statement-files CsvProfile). */
  @Column({ type: 'jsonb' })
  settings!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
