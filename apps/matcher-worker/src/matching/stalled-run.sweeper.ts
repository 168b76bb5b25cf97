import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Settings } from '@concilia/config';
import type { Queue } from 'bullmq';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@concilia/platform';
import { ReconciliationRepository } from '@concilia/persistence';
import { DEFAULT_JOB_OPTIONS, JOB_NAMES, matchJobId, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';

/**
 * No run stays PROCESSING forever: a reconciliation PROCESSING for a while whose job is gone
 * (Redis flushed or restarted without persistence) or finished without ending the run gets its
 * job put back with the same id. The fencing token makes a duplicate pass harmless.
 */
@Injectable()
export class StalledRunSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StalledRunSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly sweeps: Counter<'outcome'>;

  constructor(
    @InjectQueue(QUEUES.matching) private readonly queue: Queue,
    private readonly reconciliations: ReconciliationRepository,
    @Inject(Settings) private readonly settings: Settings,
    metrics: MetricsRegistry,
  ) {
    this.sweeps = new Counter({
      name: 'concilia_matching_requeued_total',
      help: 'Stalled-run sweeper: runs re-queued, and sweeps that failed (retried at the next sweep)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweepOnce().finally(() => (this.running = undefined));
    }, this.settings.MATCHER_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Re-queues the runs whose job vanished; returns how many. Failures wait for the next sweep. */
  async sweepOnce(stallAfterMs = this.settings.MATCHER_STALL_AFTER_MS): Promise<number> {
    try {
      let requeued = 0;
      for (const run of await this.reconciliations.processingSince(stallAfterMs, 100)) {
        const jobId = matchJobId(run.id, run.runVersion);
        const job = await this.queue.getJob(jobId);
        const state = job ? await job.getState() : 'missing';
        if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
        if (job) await job.remove();
        const payload: MatchReconciliationPayload = { schemaVersion: 1, tenantId: run.tenantId, correlationId: null, reconciliationId: run.id, runVersion: run.runVersion };
        await this.queue.add(JOB_NAMES.matchReconciliation, payload, { ...DEFAULT_JOB_OPTIONS, jobId });
        await this.reconciliations.touch(run.id);
        this.logger.warn(`re-queued pass ${run.runVersion} of ${run.id} (its job was ${state})`);
        requeued += 1;
        this.sweeps.inc({ outcome: 'requeued' });
      }
      return requeued;
    } catch (error) {
      // Nothing is lost: the runs stay PROCESSING and the next sweep looks again; counted for alerts.
      this.sweeps.inc({ outcome: 'sweep_failed' });
      this.logger.warn(`stalled-run sweep will retry: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}
