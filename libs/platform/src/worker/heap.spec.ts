import { collectGarbage } from './heap';

/** Heap bytes freed by one collection after dropping about 40 MB of objects. */
function freedByCollection(): number {
  let garbage: { name: string }[] | null = Array.from({ length: 500_000 }, (_, i) => ({ name: `entry-${i}` }));
  const withGarbage = process.memoryUsage().heapUsed;
  expect(garbage).toHaveLength(500_000);
  garbage = null;
  collectGarbage();
  return withGarbage - process.memoryUsage().heapUsed;
}

describe('collectGarbage', () => {
  it('frees what is no longer referenced, at once, every time it is called', () => {
    expect(freedByCollection()).toBeGreaterThan(20 * 1_048_576);
    expect(freedByCollection()).toBeGreaterThan(20 * 1_048_576);
  });
});
