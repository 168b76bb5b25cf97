const CONSTRUCTORS = { u8: Uint8Array, i32: Int32Array, f64: Float64Array, i64: BigInt64Array } as const;
type Kind = keyof typeof CONSTRUCTORS;
type ArrayOf<K extends Kind> = InstanceType<(typeof CONSTRUCTORS)[K]>;

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;
/** Above this, arrays are allocated one by one: one ArrayBuffer may not grow past a few GiB. */
const MAX_SHARED_BYTES = 2 ** 31;

/**
 * Several zeroed typed arrays carved from one ArrayBuffer, for arrays that live and die
 * together: one allocation outside V8's heap instead of one each. At millions of entries these
 * arrays are hundreds of MB, and memory allocated outside the heap is what starts V8's full
 * collections during the engine (docs/benchmarks.md); allocated together, the engine measured
 * 7-8 % faster at 1M and 5M entries a side.
 */
export function typedArrays<L extends Layout>(layout: L): ArraysOf<L> {
  const bytes = layoutBytes(layout);
  if (bytes > MAX_SHARED_BYTES) return oneByOne(layout);
  return carve(new ArrayBuffer(bytes), 0, layout);
}

/**
 * Typed arrays for a run's temporaries, from one buffer that each phase uses in turn. V8 starts a
 * full collection of the whole heap for every 64 MB of new memory allocated outside it: phase by
 * phase, the engine's arrays started six of them at 5M entries a side (docs/benchmarks.md);
 * phases that take their temporaries from here add nothing once the buffer is as large as the
 * largest phase needs.
 */
export class ScratchArrays {
  #buffer: ArrayBuffer;
  #inUse = false;

  constructor(initialBytes = 0) {
    this.#buffer = new ArrayBuffer(align8(initialBytes));
  }

  /**
   * Runs `work` with zeroed arrays laid out as `typedArrays` lays them; they are handed out again
   * once it returns, so nothing of them may outlive it. One phase at a time: a nested call throws.
   */
  use<L extends Layout, T>(layout: L, work: (arrays: ArraysOf<L>) => T): T {
    if (this.#inUse) throw new Error('scratch arrays are already in use: phases take them one at a time');
    const bytes = layoutBytes(layout);
    let arrays: ArraysOf<L>;
    if (bytes > MAX_SHARED_BYTES) arrays = oneByOne(layout);
    else {
      if (bytes > this.#buffer.byteLength) this.#buffer = new ArrayBuffer(bytes);
      new Uint8Array(this.#buffer, 0, bytes).fill(0);
      arrays = carve(this.#buffer, 0, layout);
    }
    this.#inUse = true;
    try {
      return work(arrays);
    } finally {
      this.#inUse = false;
    }
  }
}

type Layout = Record<string, readonly [Kind, number]>;
type ArraysOf<L extends Layout> = { [K in keyof L]: ArrayOf<L[K][0]> };

function layoutBytes(layout: Layout): number {
  let bytes = 0;
  for (const [kind, length] of Object.values(layout)) bytes = align8(bytes) + CONSTRUCTORS[kind].BYTES_PER_ELEMENT * length;
  return align8(bytes);
}

function oneByOne<L extends Layout>(layout: L): ArraysOf<L> {
  const arrays: Record<string, ArrayOf<Kind>> = {};
  for (const [name, [kind, length]] of Object.entries(layout)) arrays[name] = new CONSTRUCTORS[kind](length);
  return arrays as ArraysOf<L>;
}

function carve<L extends Layout>(buffer: ArrayBuffer, start: number, layout: L): ArraysOf<L> {
  const arrays: Record<string, ArrayOf<Kind>> = {};
  let offset = start;
  for (const [name, [kind, length]] of Object.entries(layout)) {
    offset = align8(offset);
    arrays[name] = new CONSTRUCTORS[kind](buffer, offset, length);
    offset += CONSTRUCTORS[kind].BYTES_PER_ELEMENT * length;
  }
  return arrays as ArraysOf<L>;
}
