import { Column, CreateDateColumn, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ReconciliationMode, ReconciliationStatus } from '@concilia/domain';
import { AccountEntity } from './account.entity';
import { bigintTransformer } from './transformers';

/**
 * One run of one account over one period. The exclusion constraint is what makes
 * "no two reconciliations of an account overlap" hold under concurrent creates.
 */
@Entity({ name: 'reconciliations' })
@Index('ix_reconciliations_tenant', ['tenantId', 'id'])
@Exclusion('ex_reconciliations_period', `USING gist ("account_id" WITH =, daterange("period_start", "period_end", '[]') WITH &&)`)
export class ReconciliationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_reconciliations_account' })
  account?: AccountEntity;

  /** The account's currency (immutable), copied so a reconciliation presents its amounts on its own. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  @Column({ type: 'varchar', length: 16 })
  mode!: ReconciliationMode;

  @Column({ type: 'varchar', length: 24 })
  status!: ReconciliationStatus;

  /** The status to return to on reopen. */
  @Column({ name: 'previous_status', type: 'varchar', length: 24, nullable: true })
  previousStatus!: ReconciliationStatus | null;

  @Column({ name: 'expected_entry_count', type: 'integer', nullable: true })
  expectedEntryCount!: number | null;

  @Column({ name: 'statement_entry_count', type: 'integer', default: 0 })
  statementEntryCount!: number;

  /** Sum of the statement entries in the reconciliation's currency, in minor units (others are not added). */
  @Column({ name: 'statement_entry_total', type: 'bigint', default: 0, transformer: bigintTransformer })
  statementEntryTotal!: bigint;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** Fencing token: bumped for every matching pass; a pass commits only while it is current. */
  @Column({ name: 'run_version', type: 'integer', default: 0 })
  runVersion!: number;

  /** Entries arrived while a pass was running: the matcher runs a follow-up pass before reporting. */
  @Column({ name: 'rematch_requested', type: 'boolean', default: false })
  rematchRequested!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  summary!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  progress!: Record<string, unknown> | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'last_matched_at', type: 'timestamptz', nullable: true })
  lastMatchedAt!: Date | null;

  @Column({ name: 'finalized_at', type: 'timestamptz', nullable: true })
  finalizedAt!: Date | null;

  @Column({ name: 'finalized_by', type: 'varchar', length: 64, nullable: true })
  finalizedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
