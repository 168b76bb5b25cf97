import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type MatchingRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SUPERSEDED';

/** One matching pass of a reconciliation, with the rules it used (a snapshot), so it can be explained and replayed. */
@Entity({ name: 'matching_runs' })
@Index('ux_matching_runs_reconciliation_version', ['reconciliationId', 'runVersion'], { unique: true })
export class MatchingRunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  /** The reconciliation's run_version this pass holds: its fencing token. */
  @Column({ name: 'run_version', type: 'integer' })
  runVersion!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: MatchingRunStatus;

  @Column({ name: 'rules_snapshot', type: 'jsonb' })
  rulesSnapshot!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  stats!: Record<string, unknown> | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ type: 'integer', default: 1 })
  attempts!: number;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
