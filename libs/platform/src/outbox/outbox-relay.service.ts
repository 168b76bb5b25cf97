import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Settings } from '@concilia/config';
import { Database, OutboxRepository } from '@concilia/persistence';
import { OutboxPublisher } from './outbox-publisher.service';

const BATCH_SIZE = 500;

/**
 * Re-sends outbox messages that were committed but never acknowledged by a queue (Redis was
 * down, or the process died between commit and publish). Several API replicas may run it:
 * rows are claimed with SKIP LOCKED, and job ids make a double send harmless anyway.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly database: Database,
    private readonly outbox: OutboxRepository,
    private readonly publisher: OutboxPublisher,
    @Inject(Settings) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.relayOnce().finally(() => (this.running = undefined));
    }, this.settings.OUTBOX_RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; returns how many messages were sent. Failures leave the rows for the next sweep. */
  async relayOnce(): Promise<number> {
    try {
      return await this.database.transaction(async (tx) => {
        const stale = await this.outbox.claimStale(tx, this.settings.OUTBOX_RELAY_GRACE_MS, BATCH_SIZE, this.publisher.queueNames);
        if (stale.length === 0) return 0;
        await this.publisher.enqueue(stale);
        await this.outbox.markPublishedIn(tx, stale.map((message) => message.id));
        this.publisher.count('relayed', stale.length);
        this.logger.log(`relayed ${stale.length} outbox message(s)`);
        return stale.length;
      });
    } catch (error) {
      // The rows stay unpublished and the next sweep takes them again; the failure is counted for alerts.
      this.publisher.count('relay_failed', 1);
      this.logger.warn(`outbox relay will retry: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}
