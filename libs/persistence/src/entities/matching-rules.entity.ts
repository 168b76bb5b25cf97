import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MatchingStrategy } from '@concilia/domain';
import { AccountEntity } from './account.entity';
import { bigintTransformer } from './transformers';

/** One row per account: how its reconciliations are matched. Money in the account's minor units. */
@Entity({ name: 'matching_rules' })
export class MatchingRulesEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @OneToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_matching_rules_account' })
  account?: AccountEntity;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'amount_tolerance', type: 'bigint', transformer: bigintTransformer })
  amountTolerance!: bigint;

  @Column({ name: 'amount_tolerance_bps', type: 'integer' })
  amountToleranceBps!: number;

  @Column({ name: 'date_window_days', type: 'integer' })
  dateWindowDays!: number;

  @Column({ name: 'reference_patterns', type: 'text', array: true })
  referencePatterns!: string[];

  @Column({ name: 'use_external_id_as_reference', type: 'boolean' })
  useExternalIdAsReference!: boolean;

  @Column({ type: 'text', array: true })
  strategies!: MatchingStrategy[];

  @Column({ name: 'auto_accept_threshold', type: 'smallint' })
  autoAcceptThreshold!: number;

  @Column({ name: 'suggest_threshold', type: 'smallint' })
  suggestThreshold!: number;

  @Column({ name: 'max_group_size', type: 'smallint' })
  maxGroupSize!: number;

  @Column({ name: 'severity_warning_amount', type: 'bigint', transformer: bigintTransformer })
  severityWarningAmount!: bigint;

  @Column({ name: 'severity_critical_amount', type: 'bigint', transformer: bigintTransformer })
  severityCriticalAmount!: bigint;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
