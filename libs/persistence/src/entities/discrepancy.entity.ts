import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from './transformers';

/** Something a person or an ERP must look at: a difference inside a match, or an entry with no counterpart. */
@Entity({ name: 'discrepancies' })
@Index('ix_discrepancies_reconciliation', ['reconciliationId', 'id'])
export class DiscrepancyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  /** The pass that raised it; null when raised by a manual match. */
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ name: 'match_id', type: 'uuid', nullable: true })
  matchId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 8 })
  severity!: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount!: bigint;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'statement_entry_ids', type: 'uuid', array: true })
  statementEntryIds!: string[];

  @Column({ name: 'ledger_entry_ids', type: 'uuid', array: true })
  ledgerEntryIds!: string[];

  @Column({ type: 'text' })
  detail!: string;

  @Column({ type: 'varchar', length: 12, default: 'OPEN' })
  status!: string;

  @Column({ type: 'varchar', length: 12, default: 'PENDING' })
  resolution!: string;

  @Column({ name: 'adjusted_amount', type: 'bigint', nullable: true, transformer: bigintTransformer })
  adjustedAmount!: bigint | null;

  @Column({ type: 'text', nullable: true })
  remarks!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 64, nullable: true })
  resolvedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
