import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReconciliationEntity } from './reconciliation.entity';

export type ImportSide = 'STATEMENT' | 'LEDGER';
export type ImportStatus = 'COMPLETED' | 'FAILED' | 'DELETED';

/**
 * One uploaded file and what it produced. A file is imported whole or not at all: a FAILED
 * import stored no entries and keeps the reasons; the same file (sha256) is imported once per
 * reconciliation (statement side) or per account (ledger side).
 */
@Entity({ name: 'imports' })
@Index('ix_imports_reconciliation', ['reconciliationId', 'id'], { where: '"reconciliation_id" IS NOT NULL' })
@Index('ix_imports_account', ['accountId', 'id'])
@Index('ux_imports_reconciliation_sha256', ['reconciliationId', 'sha256'], {
  unique: true,
  where: `"status" = 'COMPLETED' AND "side" = 'STATEMENT'`,
})
@Index('ux_imports_account_sha256', ['accountId', 'sha256'], { unique: true, where: `"status" = 'COMPLETED' AND "side" = 'LEDGER'` })
export class ImportEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Statement imports only. */
  @Column({ name: 'reconciliation_id', type: 'uuid', nullable: true })
  reconciliationId!: string | null;

  @ManyToOne(() => ReconciliationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reconciliation_id', foreignKeyConstraintName: 'fk_imports_reconciliation' })
  reconciliation?: ReconciliationEntity;

  @Column({ type: 'varchar', length: 9 })
  side!: ImportSide;

  /** csv, camt.053 or mt940. */
  @Column({ type: 'varchar', length: 16 })
  format!: string;

  @Column({ type: 'varchar', length: 9 })
  status!: ImportStatus;

  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName!: string | null;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ name: 'profile_id', type: 'uuid', nullable: true })
  profileId!: string | null;

  /** Entries stored (statement) or created + updated (ledger). */
  @Column({ type: 'integer', default: 0 })
  imported!: number;

  /** Rows already stored (same externalId or same row of an earlier file), or ledger rows unchanged. */
  @Column({ type: 'integer', default: 0 })
  duplicates!: number;

  /** Rows read but deliberately not imported (e.g. camt entries not booked). */
  @Column({ type: 'integer', default: 0 })
  skipped!: number;

  /** Statements found in the file, ledger created/updated counts, and so on. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** FAILED: the code and the first bad rows. */
  @Column({ name: 'failure_code', type: 'varchar', length: 64, nullable: true })
  failureCode!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  errors!: Record<string, unknown>[] | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
