import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { OutboxPublisher, OUTBOX_QUEUE_NAMES } from './outbox-publisher.service';
import { OutboxRelay } from './outbox-relay.service';
import { EventRecorder } from './event-recorder.service';

/**
 * The transactional outbox of one process: the queues it publishes to after commit, and the
 * relay that re-sends what was committed but never acknowledged. A process only relays rows of
 * the queues it registered (the notifier relays the webhook events).
 */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(queues: readonly string[]): DynamicModule {
    return {
      module: OutboxModule,
      imports: [BullModule.registerQueue(...queues.map((name) => ({ name })))],
      providers: [{ provide: OUTBOX_QUEUE_NAMES, useValue: queues }, OutboxPublisher, OutboxRelay, EventRecorder],
      exports: [OutboxPublisher, OutboxRelay, EventRecorder],
    };
  }
}
