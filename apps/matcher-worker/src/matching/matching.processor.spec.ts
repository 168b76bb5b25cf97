import { Settings } from '@concilia/config';
import { collectGarbage, MetricsRegistry } from '@concilia/platform';
import type { Job } from 'bullmq';
import type { MatchReconciliationPayload } from '@concilia/queue-contracts';
import { LARGE_PASS_ENTRIES, MatchingProcessor } from './matching.processor';
import type { MatchingRunService, RunReport } from './matching-run.service';

jest.mock('@concilia/platform', () => ({ ...jest.requireActual('@concilia/platform'), collectGarbage: jest.fn() }));

/** A pass that ends when `finish` is called with its report. */
function pendingPass(): { promise: Promise<RunReport>; finish: (report: RunReport) => void } {
  let finish: (report: RunReport) => void = () => undefined;
  const promise = new Promise<RunReport>((resolve) => (finish = resolve));
  return { promise, finish };
}

function setup() {
  const passes: ReturnType<typeof pendingPass>[] = [];
  const nextPass = () => {
    const pass = passes.shift();
    if (!pass) throw new Error('a pass ran that the test did not start');
    return pass.promise;
  };
  const runs = { run: jest.fn(nextPass) } as unknown as MatchingRunService;
  const processor = new MatchingProcessor(runs, new MetricsRegistry('matcher-worker-test'), new Settings());
  const job = (n: number) =>
    ({ name: 'match-reconciliation', data: { reconciliationId: `r-${n}`, runVersion: 1 }, updateProgress: jest.fn() }) as unknown as Job<MatchReconciliationPayload>;
  const start = (n: number) => {
    const pass = pendingPass();
    passes.push(pass);
    return { done: processor.process(job(n)), finish: pass.finish };
  };
  return { start };
}

describe('MatchingProcessor: memory between passes', () => {
  beforeEach(() => jest.mocked(collectGarbage).mockClear());

  it('collects garbage after a large pass', async () => {
    const { start } = setup();
    const pass = start(1);
    pass.finish({ outcome: 'completed', entriesRead: LARGE_PASS_ENTRIES });
    await expect(pass.done).resolves.toBe('completed');
    expect(collectGarbage).toHaveBeenCalledTimes(1);
  });

  it('does not collect after a small pass', async () => {
    const { start } = setup();
    const pass = start(1);
    pass.finish({ outcome: 'completed', entriesRead: LARGE_PASS_ENTRIES - 1 });
    await pass.done;
    expect(collectGarbage).not.toHaveBeenCalled();
  });

  it('waits until no other pass runs (a collection would pause it), then collects once', async () => {
    const { start } = setup();
    const first = start(1);
    const second = start(2);
    first.finish({ outcome: 'completed', entriesRead: 5 * LARGE_PASS_ENTRIES });
    await first.done;
    expect(collectGarbage).not.toHaveBeenCalled();
    second.finish({ outcome: 'stale' });
    await second.done;
    expect(collectGarbage).toHaveBeenCalledTimes(1);
    const third = start(3);
    third.finish({ outcome: 'completed', entriesRead: 10 });
    await third.done;
    expect(collectGarbage).toHaveBeenCalledTimes(1);
  });

  it('collects after a pass that threw, whose size is unknown', async () => {
    const { start } = setup();
    const pass = start(1);
    pass.finish(Promise.reject(new Error('connection lost while writing')) as unknown as RunReport);
    await expect(pass.done).rejects.toThrow('connection lost while writing');
    expect(collectGarbage).toHaveBeenCalledTimes(1);
  });
});
