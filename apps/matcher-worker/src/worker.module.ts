import type { DynamicModule } from '@nestjs/common';
import type { Settings } from '@concilia/config';
import { OutboxModule, workerModule } from '@concilia/platform';
import { QUEUES } from '@concilia/queue-contracts';
import { matchingProcessorFor } from './matching/matching.processor';
import { MatchingRunService } from './matching/matching-run.service';
import { StalledRunSweeper } from './matching/stalled-run.sweeper';

/** The matcher: consumes `matching`, writes results, re-queues stalled runs, relays its own outbox rows. */
export function matcherWorkerModule(settings: Settings): DynamicModule {
  return workerModule({
    name: 'matcher-worker',
    settings,
    queues: [QUEUES.matching],
    // A pass writes millions of rows in single COPY statements: the request-sized default would cancel them.
    statementTimeoutMs: settings.MATCHER_STATEMENT_TIMEOUT_MS,
    // Completion events go straight to the notifier's queue after commit (the relay covers a miss).
    imports: [OutboxModule.forRoot([QUEUES.matching, QUEUES.webhookDispatch])],
    providers: [MatchingRunService, matchingProcessorFor(settings), StalledRunSweeper],
  });
}
