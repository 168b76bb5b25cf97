import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { LedgerEntryKind } from '@concilia/domain';
import { AccountEntity } from './account.entity';
import { bigintTransformer } from './transformers';

/**
 * The expected side: an order, invoice or GL line. Unique per account by external_id.
 * Ids are UUIDv7 (time-ordered) so the primary key b-tree grows at its right edge.
 */
@Entity({ name: 'ledger_entries' })
@Index('ux_ledger_entries_account_external_id', ['accountId', 'externalId'], { unique: true })
@Index('ix_ledger_entries_account_date', ['accountId', 'entryDate'])
export class LedgerEntryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_ledger_entries_account' })
  account?: AccountEntity;

  @Column({ name: 'external_id', type: 'varchar', length: 255 })
  externalId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: LedgerEntryKind;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount!: bigint;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'entry_date', type: 'date' })
  entryDate!: string;

  @Column({ name: 'expected_settlement_date', type: 'date', nullable: true })
  expectedSettlementDate!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  status!: string | null;

  /** Payment references as the client sent them ("references" is an SQL keyword). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  refs!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  counterparty!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
