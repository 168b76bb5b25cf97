import { ScratchArrays, typedArrays } from './typed-arrays';

describe('typedArrays', () => {
  it('carves zeroed arrays of the asked kinds and lengths that never overlap', () => {
    const arrays = typedArrays({ flags: ['u8', 3], counts: ['i32', 5], totals: ['i64', 2], scores: ['f64', 1], empty: ['i32', 0] });
    expect(arrays.flags).toBeInstanceOf(Uint8Array);
    expect(arrays.counts).toBeInstanceOf(Int32Array);
    expect(arrays.totals).toBeInstanceOf(BigInt64Array);
    expect(arrays.scores).toBeInstanceOf(Float64Array);
    expect([arrays.flags.length, arrays.counts.length, arrays.totals.length, arrays.scores.length, arrays.empty.length]).toEqual([3, 5, 2, 1, 0]);
    expect([...arrays.flags, ...arrays.counts, ...arrays.scores]).toEqual(new Array(9).fill(0));
    expect([...arrays.totals]).toEqual([0n, 0n]);
    arrays.flags.fill(255);
    arrays.counts.fill(-1);
    arrays.totals.fill(-(2n ** 63n));
    arrays.scores.fill(0.5);
    expect([...arrays.flags]).toEqual([255, 255, 255]);
    expect([...arrays.counts]).toEqual([-1, -1, -1, -1, -1]);
    expect([...arrays.totals]).toEqual([-(2n ** 63n), -(2n ** 63n)]);
    expect([...arrays.scores]).toEqual([0.5]);
    expect(arrays.flags.buffer).toBe(arrays.totals.buffer); // one allocation
  });

  it('allocates arrays one by one when together they would pass 2 GiB', () => {
    const arrays = typedArrays({ big: ['u8', 2 ** 31], small: ['i32', 2] });
    expect([arrays.big.length, arrays.small.length]).toEqual([2 ** 31, 2]);
    expect(arrays.big.buffer).not.toBe(arrays.small.buffer);
    arrays.small[1] = -1;
    expect([...arrays.small]).toEqual([0, -1]);
  });
});

describe('ScratchArrays', () => {
  it('hands the same memory to the next phase, zeroed, and never overlaps arrays within a phase', () => {
    const scratch = new ScratchArrays(64);
    const first = scratch.use({ a: ['i32', 4], b: ['u8', 3] }, ({ a, b }) => {
      a.fill(7);
      b.fill(9);
      expect([...a, ...b]).toEqual([7, 7, 7, 7, 9, 9, 9]);
      return a;
    });
    scratch.use({ c: ['i32', 4], d: ['u8', 3] }, ({ c, d }) => {
      expect(c.buffer).toBe(first.buffer); // the same memory, handed out again
      expect([...c, ...d]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    });
  });

  it('grows for a phase larger than its buffer, and keeps the larger buffer for the next', () => {
    const scratch = new ScratchArrays(16);
    const small = scratch.use({ a: ['i32', 4] }, ({ a }) => a);
    const large = scratch.use({ b: ['f64', 8] }, ({ b }) => {
      b.fill(1.5);
      expect([...b]).toEqual(new Array(8).fill(1.5));
      return b;
    });
    expect(large.buffer).not.toBe(small.buffer);
    expect(scratch.use({ c: ['i32', 2] }, ({ c }) => c.buffer)).toBe(large.buffer);
  });

  it('refuses a phase inside another (its arrays would be handed out twice), and is usable again after a phase throws', () => {
    const scratch = new ScratchArrays(64);
    expect(() => scratch.use({ a: ['i32', 2] }, () => scratch.use({ b: ['i32', 2] }, () => 0))).toThrow('already in use');
    expect(() => scratch.use({ a: ['i32', 2] }, () => { throw new Error('phase failed'); })).toThrow('phase failed');
    expect(scratch.use({ a: ['i32', 2] }, ({ a }) => [...a])).toEqual([0, 0]);
  });
});
