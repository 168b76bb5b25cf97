import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { addDays, matchEntries, type MatchingRules, type MatchingStrategy, type MatchRule, type RuleStats } from '@concilia/domain';
import {
  AccountRepository,
  advanceLedgerVersion,
  Database,
  MatchingRepository,
  OutboxRepository,
  ReconciliationRepository,
  ledgerTotals,
  readLedgerVersion,
  storedResultCounts,
  summaryOf,
  type OutboxMessage,
  type ReconciliationEntity,
  type MatchingRulesEntity,
  type SideTotals,
  type Tx,
} from '@concilia/persistence';
import { EventRecorder, OutboxPublisher } from '@concilia/platform';
import { JOB_NAMES, matchJobId, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';
import { finalStatus, ResultRows } from './match-results';
import { ledgerTotalsAfterPass, statementTotalsAfterPass, withPassResults, type PassLedgerEntries } from './pass-summary';

export type RunOutcome = 'completed' | 'follow_up' | 'stale' | 'fenced_out';

/** What a pass did, and (when it committed) how many entries each strategy matched. */
export interface RunReport {
  outcome: RunOutcome;
  stats?: Partial<Record<MatchRule, RuleStats>>;
  /** Entries the pass read, both sides (when it got that far). */
  entriesRead?: number;
}

/**
 * One matching pass: read both sides in bulk, run the pure engine, and write every result in
 * one transaction that commits only while the pass still holds the reconciliation's current
 * run_version (its fencing token). A late, paused or duplicated pass writes nothing.
 */
@Injectable()
export class MatchingRunService {
  private readonly logger = new Logger(MatchingRunService.name);

  constructor(
    private readonly database: Database,
    private readonly reconciliations: ReconciliationRepository,
    private readonly accounts: AccountRepository,
    private readonly matching: MatchingRepository,
    private readonly outbox: OutboxRepository,
    private readonly events: EventRecorder,
    private readonly publisher: OutboxPublisher,
  ) {}

  async run(job: MatchReconciliationPayload, onProgress: (stage: string) => Promise<void> = async () => undefined): Promise<RunReport> {
    const reconciliation = await this.reconciliations.findById(job.tenantId, job.reconciliationId);
    if (!reconciliation || reconciliation.status !== 'PROCESSING' || reconciliation.runVersion !== job.runVersion) return { outcome: 'stale' };
    // Before anything the pass reads, the rules (their date window sets the ledger's reach) included.
    const ledgerVersionRead = await readLedgerVersion(this.database.manager, reconciliation.accountId);
    const rulesRow = await this.accounts.findRules(job.tenantId, reconciliation.accountId);
    if (!rulesRow) return { outcome: 'stale' };
    const rules = toRules(rulesRow);
    const runId = await this.matching.startRun({ id: uuidv7(), tenantId: job.tenantId, reconciliationId: reconciliation.id, runVersion: job.runVersion, rulesSnapshot: snapshot(rules) });
    await this.progress(job, onProgress, 'reading');

    const timings = new StageTimer();
    const from = addDays(reconciliation.periodStart, -rules.dateWindowDays);
    const to = addDays(reconciliation.periodEnd, rules.dateWindowDays);
    const [statementRead, ledger, kept, rejected] = await Promise.all([
      this.matching.statementItems(reconciliation.id, { externalIds: rules.useExternalIdAsReference }),
      this.matching.ledgerItems(reconciliation.accountId, reconciliation.id, from, to),
      this.matching.keptMatchEntries(reconciliation.id),
      this.matching.rejectedPairs(reconciliation.id),
    ]);
    const statement = statementRead.open;
    timings.lap('readMs');
    await this.progress(job, onProgress, 'matching', { statementEntries: statement.length, ledgerEntries: ledger.length });
    const result = matchEntries({ statement, ledger, rules, lockedStatementIds: kept.statementIds, lockedLedgerIds: kept.ledgerIds, rejectedPairs: rejected });
    const rows = new ResultRows(result);
    timings.lap('matchMs');
    await this.progress(job, onProgress, 'writing', { matches: result.matchList.length });

    const outcome = await this.database.transaction(async (tx) => {
      const current = await this.reconciliations.lockForRun(tx, reconciliation.id, job.runVersion);
      if (!current) return { outcome: 'fenced_out' as const, messages: [] };
      const scope = { tenantId: job.tenantId, reconciliationId: current.id, accountId: current.accountId, runId };
      await this.matching.supersedeOwnProposals(tx, current.id);
      const keptResults = await storedResultCounts(tx, current.id);
      timings.lap('supersedeMs');
      await this.matching.insertMatchList(tx, scope, result.matchList, rows.matchIds);
      timings.lap('writeMatchesMs');
      await this.matching.insertDiscrepancies(tx, scope, rows.discrepancies);
      await this.matching.insertMatchListSettlements(tx, scope, result.matchList, rows.matchIds);
      timings.lap('writeOthersMs');
      const statementSide = statementTotalsAfterPass(current.currency, { open: statement, closed: statementRead.closed, outsideMatches: result.outsideMatches.statement });
      const ledgerSide = await this.ledgerSideAtCommit(tx, current, ledgerVersionRead, { entries: ledger, outsideMatches: result.outsideMatches.ledger });
      const computed = summaryOf(current.currency, { statement: statementSide, ledger: ledgerSide.totals }, withPassResults(keptResults, result.matchList, rows.discrepancies));
      timings.lap('summaryMs');
      const summary = computed.summary;
      const stats = { ...result.stats, matches: result.matchList.length, discrepancies: rows.discrepancies.length, ledgerSideFromRead: ledgerSide.fromRead, ...timings.laps };
      await this.matching.finishRun(tx, runId, 'SUCCEEDED', stats, null);
      if (current.rematchRequested) return { outcome: 'follow_up' as const, messages: [await this.followUp(tx, current, summary, job)] };
      const status = finalStatus(computed);
      await this.reconciliations.update(tx, current, { status, previousStatus: 'PROCESSING', summary, progress: null, lastMatchedAt: new Date(), failureReason: null });
      const event = await this.events.record(tx, {
        tenantId: current.tenantId,
        type: 'reconciliation.completed',
        correlationId: job.correlationId,
        data: { reconciliationId: current.id, accountId: current.accountId, status, runVersion: current.runVersion, summary },
      });
      return { outcome: 'completed' as const, messages: [event] };
    });
    this.publisher.publishAfterCommit(outcome.messages);
    if (outcome.outcome === 'fenced_out') {
      this.logger.warn(`pass ${job.runVersion} of ${job.reconciliationId} was superseded; its results were discarded`);
      return { outcome: outcome.outcome, entriesRead: statement.length + ledger.length };
    }
    const { REFERENCE, AMOUNT_DATE, AGGREGATE } = result.stats;
    return { outcome: outcome.outcome, stats: { REFERENCE, AMOUNT_DATE, AGGREGATE }, entriesRead: statement.length + ledger.length };
  }

  /** Retries are exhausted: the run ends FAILED with its reason and no partial results. */
  async fail(job: MatchReconciliationPayload, reason: string): Promise<boolean> {
    const messages = await this.database.transaction(async (tx) => {
      const current = await this.reconciliations.lockForRun(tx, job.reconciliationId, job.runVersion);
      if (!current) return null;
      await tx.query(`UPDATE matching_runs SET status = 'FAILED', failure_reason = $3, finished_at = now() WHERE reconciliation_id = $1 AND run_version = $2`, [
        current.id,
        job.runVersion,
        reason,
      ]);
      await this.reconciliations.update(tx, current, { status: 'FAILED', previousStatus: 'PROCESSING', failureReason: reason, progress: null, rematchRequested: false });
      return [
        await this.events.record(tx, {
          tenantId: current.tenantId,
          type: 'reconciliation.failed',
          correlationId: job.correlationId,
          data: { reconciliationId: current.id, accountId: current.accountId, status: 'FAILED', runVersion: current.runVersion, failureReason: reason },
        }),
      ];
    });
    if (messages) this.publisher.publishAfterCommit(messages);
    return messages !== null;
  }

  /**
   * The ledger side of the summary: from what the pass read when the account's ledger version,
   * moved on now by this pass (its links change what the account's other reconciliations reach),
   * shows no other change since the read; else from the database as it is at commit. A change
   * already visible is counted before the version's row is taken: ledger writers and review
   * actions of the account wait for that row, so it is held for the rest of the commit only.
   */
  private async ledgerSideAtCommit(tx: Tx, reconciliation: ReconciliationEntity, versionRead: bigint, read: PassLedgerEntries): Promise<{ totals: SideTotals; fromRead: boolean }> {
    if ((await readLedgerVersion(tx, reconciliation.accountId)) !== versionRead) {
      const { totals } = await ledgerTotals(tx, reconciliation.id);
      await advanceLedgerVersion(tx, reconciliation.accountId);
      return { totals, fromRead: false };
    }
    const version = await advanceLedgerVersion(tx, reconciliation.accountId);
    if (version === versionRead + 1n) return { totals: ledgerTotalsAfterPass(reconciliation.currency, read), fromRead: true };
    return { totals: (await ledgerTotals(tx, reconciliation.id)).totals, fromRead: false };
  }

  /** Entries arrived during the pass: keep PROCESSING and queue the next pass before reporting. */
  private async followUp(tx: Tx, current: ReconciliationEntity, summary: Record<string, unknown>, job: MatchReconciliationPayload): Promise<OutboxMessage> {
    const runVersion = current.runVersion + 1;
    await this.reconciliations.update(tx, current, { runVersion, rematchRequested: false, summary, progress: { stage: 'queued', runVersion, followUp: true } });
    const payload: MatchReconciliationPayload = { ...job, runVersion };
    return this.outbox.insert(tx, { tenantId: current.tenantId, queue: QUEUES.matching, jobName: JOB_NAMES.matchReconciliation, jobId: matchJobId(current.id, runVersion), payload: { ...payload } });
  }

  private async progress(job: MatchReconciliationPayload, onProgress: (stage: string) => Promise<void>, stage: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.reconciliations.reportProgress(job.reconciliationId, job.runVersion, { stage, runVersion: job.runVersion, ...detail, at: new Date().toISOString() });
    await onProgress(stage);
  }
}

/**
 * Milliseconds spent per stage of a pass (`readMs` ...), the CPU time this process spent in it
 * (`readCpuMs`: against `readMs`, whether the stage waited on Postgres) and the process's memory
 * after it (`readRssMb`), recorded with the run for operators.
 */
class StageTimer {
  readonly laps: Record<string, number> = {};
  private last = performance.now();
  private lastCpu = process.cpuUsage();

  lap(name: string): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const stage = name.replace(/Ms$/, '');
    this.laps[name] = Math.round(now - this.last);
    this.laps[`${stage}CpuMs`] = Math.round((cpu.user + cpu.system) / 1000);
    this.laps[`${stage}RssMb`] = Math.round(process.memoryUsage.rss() / 1_048_576);
    this.last = now;
    this.lastCpu = process.cpuUsage();
  }
}

function toRules(row: MatchingRulesEntity): MatchingRules {
  return {
    amountTolerance: row.amountTolerance,
    amountToleranceBps: row.amountToleranceBps,
    dateWindowDays: row.dateWindowDays,
    referencePatterns: row.referencePatterns,
    useExternalIdAsReference: row.useExternalIdAsReference,
    strategies: row.strategies as MatchingStrategy[],
    autoAcceptThreshold: row.autoAcceptThreshold,
    suggestThreshold: row.suggestThreshold,
    maxGroupSize: row.maxGroupSize,
    severityWarningAmount: row.severityWarningAmount,
    severityCriticalAmount: row.severityCriticalAmount,
  };
}

function snapshot(rules: MatchingRules): Record<string, unknown> {
  return {
    ...rules,
    amountTolerance: rules.amountTolerance.toString(),
    severityWarningAmount: rules.severityWarningAmount.toString(),
    severityCriticalAmount: rules.severityCriticalAmount.toString(),
  };
}
