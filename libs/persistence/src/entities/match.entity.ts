import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { decodeExplanation } from './explanation-codec';
import { bigintTransformer } from './transformers';

export type MatchStatus = 'SUGGESTED' | 'ACCEPTED' | 'REJECTED' | 'UNMATCHED' | 'SUPERSEDED';
export type MatchMethod = 'AUTO' | 'MANUAL';

/** A group linking statement entries to ledger entries (1:1, 1:N, N:1, N:M), with why it was made. */
@Entity({ name: 'matches' })
@Index('ix_matches_reconciliation', ['reconciliationId', 'id'])
export class MatchEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  /** The pass that proposed it; null for manual matches. */
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  method!: MatchMethod;

  /** REFERENCE, AMOUNT_DATE, AGGREGATE or MANUAL. */
  @Column({ type: 'varchar', length: 16 })
  rule!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: MatchStatus;

  @Column({ type: 'smallint' })
  confidence!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'statement_total', type: 'bigint', transformer: bigintTransformer })
  statementTotal!: bigint;

  @Column({ name: 'ledger_total', type: 'bigint', transformer: bigintTransformer })
  ledgerTotal!: bigint;

  /** statement_total - ledger_total. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  difference!: bigint;

  /**
   * Stored as json, not jsonb: written a million at a time and only ever read whole (jsonb's
   * parse cost a pass 1.5 s at 1M); known criteria stored as tuples (see explanation-codec).
   */
  @Column({ type: 'json', transformer: { to: (value: unknown) => value, from: decodeExplanation } })
  explanation!: unknown[];

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** The entries it links, as written (the links of an active match are also rows of match_items). */
  @Column({ name: 'statement_entry_ids', type: 'uuid', array: true })
  statementEntryIds!: string[];

  @Column({ name: 'ledger_entry_ids', type: 'uuid', array: true })
  ledgerEntryIds!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** API key id of the person or ERP that accepted, rejected or unmatched it. */
  @Column({ name: 'decided_by', type: 'varchar', length: 64, nullable: true })
  decidedBy!: string | null;
}
