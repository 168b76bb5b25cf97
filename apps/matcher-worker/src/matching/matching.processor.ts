import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { Settings } from '@concilia/config';
import { type Job, UnrecoverableError } from 'bullmq';
import { Counter, Histogram } from 'prom-client';
import { collectGarbage, MetricsRegistry } from '@concilia/platform';
import { JOB_NAMES, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';
import { MatchingRunService, type RunReport } from './matching-run.service';

/** A pass reading at least this many entries (both sides) is followed by a full garbage collection. */
export const LARGE_PASS_ENTRIES = 200_000;

/**
 * The processor class with the worker options of these settings. @Processor's options are fixed
 * when a class is decorated, so the settings' lock duration and stalled-job interval decorate a
 * subclass made here (tests use seconds, production a minute).
 */
export function matchingProcessorFor(settings: Settings): Type<MatchingProcessor> {
  @Processor(QUEUES.matching, { lockDuration: settings.MATCHER_LOCK_DURATION_MS, stalledInterval: settings.MATCHER_STALLED_INTERVAL_MS, maxStalledCount: 3 })
  class ConfiguredMatchingProcessor extends MatchingProcessor {}
  return ConfiguredMatchingProcessor;
}

/**
 * Consumes `matching` jobs. Failures are rethrown so BullMQ retries them with back-off; when
 * the last attempt fails the run is marked FAILED. A stalled job (its worker died) is retried
 * by BullMQ; the fencing token keeps a late writer from overwriting a newer pass.
 */
@Injectable()
export class MatchingProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MatchingProcessor.name);
  private readonly passes: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly matchedEntries: Counter<'strategy' | 'side'>;
  private passesInFlight = 0;
  private largePassEnded = false;

  constructor(
    private readonly runs: MatchingRunService,
    metrics: MetricsRegistry,
    @Inject(Settings) private readonly settings: Settings,
  ) {
    super();
    this.passes = new Counter({ name: 'concilia_matching_jobs_total', help: 'Matching jobs processed, by outcome', labelNames: ['outcome'], registers: [metrics.registry] });
    this.duration = new Histogram({
      name: 'concilia_matching_duration_seconds',
      help: 'Duration of a matching pass, pickup to commit',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [metrics.registry],
    });
    this.matchedEntries = new Counter({
      name: 'concilia_matching_entries_matched_total',
      help: 'Entries put into proposed matches, by strategy and side',
      labelNames: ['strategy', 'side'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.settings.MATCHER_CONCURRENCY;
  }

  async process(job: Job<MatchReconciliationPayload>): Promise<string> {
    if (job.name !== JOB_NAMES.matchReconciliation) throw new UnrecoverableError(`unknown job '${job.name}' on the matching queue`);
    const stop = this.duration.startTimer();
    this.passesInFlight += 1;
    let report: RunReport | undefined;
    try {
      report = await this.runs.run(job.data, (stage) => job.updateProgress({ stage }));
    } finally {
      this.passesInFlight -= 1;
      this.releaseLargePass(report);
    }
    const { outcome, stats } = report;
    stop({ outcome });
    for (const [strategy, counts] of Object.entries(stats ?? {})) {
      this.matchedEntries.inc({ strategy, side: 'statement' }, counts.statementEntries);
      this.matchedEntries.inc({ strategy, side: 'ledger' }, counts.ledgerEntries);
    }
    this.passes.inc({ outcome });
    return outcome;
  }

  /**
   * A large pass's garbage (millions of entry objects) is collected before the next pass
   * allocates, so the matcher's memory holds one pass, not two; when other passes still run,
   * once the last of them ends (a full collection would pause them). A pass that threw may have
   * read any number of entries: it counts as large (failures are rare, a collection is cheap).
   */
  private releaseLargePass(report: RunReport | undefined): void {
    if (!report || (report.entriesRead ?? 0) >= LARGE_PASS_ENTRIES) this.largePassEnded = true;
    if (this.passesInFlight > 0 || !this.largePassEnded) return;
    this.largePassEnded = false;
    collectGarbage();
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<MatchReconciliationPayload> | undefined, error: Error): Promise<void> {
    if (!job) return;
    this.passes.inc({ outcome: 'error' });
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    this.logger.warn(`matching ${job.data.reconciliationId} pass ${job.data.runVersion} attempt ${job.attemptsMade} failed${final ? ' (final)' : ''}: ${error.message}`);
    if (!final) return;
    // The reason reaches clients: never an internal message (SQL, stack), only what no retry can fix.
    const reason = error instanceof UnrecoverableError ? error.message : `matching failed after ${job.attemptsMade} attempt(s); see the matcher logs for job ${job.id}`;
    // If even this write fails, the run stays PROCESSING and the stalled-run sweeper takes it up again.
    await this.runs.fail(job.data, reason).catch((failure: unknown) => this.logger.error(`could not mark the run failed; the sweeper will retry: ${String(failure)}`));
  }
}
