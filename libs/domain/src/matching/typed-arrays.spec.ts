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
  it('hands out zeroed arrays from one buffer again after a release, never overlapping within a take', () => {
    const scratch = new ScratchArrays(64);
    const first = scratch.take({ a: ['i32', 4], b: ['u8', 3] });
    first.a.fill(7);
    first.b.fill(9);
    expect([...first.a, ...first.b]).toEqual([7, 7, 7, 7, 9, 9, 9]);
    scratch.release();
    const second = scratch.take({ c: ['i32', 4], d: ['u8', 3] });
    expect(second.c.buffer).toBe(first.a.buffer); // the same memory, handed out again
    expect([...second.c, ...second.d]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('gives a take that does not fit a buffer of its own, leaving the arrays already taken as they are', () => {
    const scratch = new ScratchArrays(16);
    const small = scratch.take({ a: ['i32', 4] });
    small.a.fill(5);
    const large = scratch.take({ b: ['f64', 8] });
    expect(large.b.buffer).not.toBe(small.a.buffer);
    large.b.fill(1.5);
    expect([...small.a]).toEqual([5, 5, 5, 5]);
    expect([...large.b]).toEqual(new Array(8).fill(1.5));
    scratch.release();
    expect(scratch.take({ c: ['f64', 8] }).c.buffer).toBe(large.b.buffer); // the larger buffer serves from then on
  });
});

