import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReconciliationEntity } from './reconciliation.entity';
import { bigintTransformer } from './transformers';

/** The actual side: a bank line, a marketplace release, an acquirer transaction. Never exists without its reconciliation. */
@Entity({ name: 'statement_entries' })
@Index('ix_statement_entries_reconciliation', ['reconciliationId', 'id'])
@Index('ux_statement_entries_reconciliation_external_id', ['reconciliationId', 'externalId'], {
  unique: true,
  where: '"external_id" IS NOT NULL',
})
@Index('ux_statement_entries_reconciliation_import_row_key', ['reconciliationId', 'importRowKey'], {
  unique: true,
  where: '"import_row_key" IS NOT NULL',
})
@Index('ix_statement_entries_import', ['importId'], { where: '"import_id" IS NOT NULL' })
export class StatementEntryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  @ManyToOne(() => ReconciliationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reconciliation_id', foreignKeyConstraintName: 'fk_statement_entries_reconciliation' })
  reconciliation?: ReconciliationEntity;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount!: bigint;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'entry_date', type: 'date' })
  entryDate!: string;

  @Column({ name: 'value_date', type: 'date', nullable: true })
  valueDate!: string | null;

  /** SALE, COMMISSION, SHIPPING...; unknown types are kept as sent. */
  @Column({ name: 'release_type', type: 'varchar', length: 64, nullable: true })
  releaseType!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  refs!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  status!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  counterparty!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;

  /** Set aside by a person (no longer counts as unmatched): when, why (DUPLICATE, NOT_APPLICABLE, WRITTEN_OFF, OTHER), and a note. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_reason', type: 'varchar', length: 32, nullable: true })
  closedReason!: string | null;

  @Column({ name: 'closed_note', type: 'text', nullable: true })
  closedNote!: string | null;

  /** The file it came from, when it came from one. */
  @Column({ name: 'import_id', type: 'uuid', nullable: true })
  importId!: string | null;

  /**
   * For file rows without an externalId: a hash of the row's content plus its occurrence in the
   * file, so identical rows in one file are all kept while the same rows in a later, overlapping
   * file are recognised as duplicates.
   */
  @Column({ name: 'import_row_key', type: 'varchar', length: 80, nullable: true })
  importRowKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
