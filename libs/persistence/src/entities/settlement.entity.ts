import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from './transformers';

/** The ERP's feed: per ledger entry in an accepted match, what to post and whether it was posted. */
@Entity({ name: 'settlements' })
@Index('ix_settlements_tenant_status', ['tenantId', 'status', 'id'])
// A match's only settlement has the match's id (the primary key keeps it unique): only the others are in this index.
@Index('ux_settlements_match_ledger_entry', ['matchId', 'ledgerEntryId'], { unique: true, where: '"id" <> "match_id"' })
export class SettlementEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  @Column({ name: 'match_id', type: 'uuid' })
  matchId!: string;

  @Column({ name: 'ledger_entry_id', type: 'uuid' })
  ledgerEntryId!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'expected_amount', type: 'bigint', transformer: bigintTransformer })
  expectedAmount!: bigint;

  @Column({ name: 'received_amount', type: 'bigint', transformer: bigintTransformer })
  receivedAmount!: bigint;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  difference!: bigint;

  /** Release type → minor units as a decimal string ({"SALE":"10000","COMMISSION":"-1200"}); json, as explanation. */
  @Column({ type: 'json' })
  breakdown!: Record<string, string>;

  @Column({ type: 'varchar', length: 12, default: 'PENDING' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  remarks!: string | null;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
