import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('sends calls made side by side as one batch, answering each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => (batches.push(inputs), inputs.map((input) => input * 10)), { maxBatch: 100, maxInFlight: 1 });
    await expect(Promise.all([batcher.load(1), batcher.load(2), batcher.load(3)])).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at maxBatch and holds new calls while maxInFlight batches run', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>(
      async (inputs) => {
        batches.push(inputs);
        await gate;
        return inputs;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const first = [batcher.load(1), batcher.load(2), batcher.load(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const later = batcher.load(4);
    expect(batches).toEqual([[1, 2]]);
    release();
    await expect(Promise.all([...first, later])).resolves.toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1, 2], [3, 4]]);
  });

  it('fails every call of a failed batch, and keeps serving later calls', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      if (fail) throw new Error('database away');
      return inputs;
    }, { maxBatch: 10, maxInFlight: 2 });
    const results = await Promise.allSettled([batcher.load(1), batcher.load(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.load(3)).resolves.toBe(3);
  });
});
