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
 * Typed arrays for a run's temporaries, taken from one buffer that each phase gives back for the
 * next. V8 starts a full collection of the whole heap for every 64 MB of new memory allocated
 * outside it: phase by phase, the engine's arrays started six of them at 5M entries a side
 * (docs/benchmarks.md); phases that take their temporaries from here add nothing once the
 * buffer is as large as the largest phase needs. Each phase takes once (a second take that does
 * not fit gets a new buffer, leaving the first to the arrays taken from it) and releases before
 * it returns; nothing taken may outlive the phase.
 */
export class ScratchArrays {
  #buffer: ArrayBuffer;
  #used = 0;

  constructor(initialBytes = 0) {
    this.#buffer = new ArrayBuffer(align8(initialBytes));
  }

  /** Zeroed arrays laid out as `typedArrays` lays them, valid until the next `release`. */
  take<L extends Layout>(layout: L): ArraysOf<L> {
    const bytes = layoutBytes(layout);
    if (bytes > MAX_SHARED_BYTES) return oneByOne(layout);
    if (this.#used + bytes > this.#buffer.byteLength) {
      this.#buffer = new ArrayBuffer(Math.max(bytes, this.#buffer.byteLength));
      this.#used = 0;
    }
    new Uint8Array(this.#buffer, this.#used, bytes).fill(0);
    const arrays = carve(this.#buffer, this.#used, layout);
    this.#used += bytes;
    return arrays;
  }

  /** What was taken may be handed out again: its arrays must no longer be used. */
  release(): void {
    this.#used = 0;
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
