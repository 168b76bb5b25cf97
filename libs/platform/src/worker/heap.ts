import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let fullCollection: (() => void) | undefined;

/**
 * A full garbage collection, for a worker between large jobs. V8 collects when its heap nears
 * the next limit it set itself, which after a multi-gigabyte job is far away: the next job then
 * allocates beside the last one's garbage, and the process holds two jobs' memory instead of
 * one. Collecting once the job is done costs about as much as what is still alive (little,
 * between jobs). V8's `gc` is exposed on first use, so no launch flag is needed.
 */
export function collectGarbage(): void {
  if (!fullCollection) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
}
