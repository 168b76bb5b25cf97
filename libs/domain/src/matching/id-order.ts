import { DomainError } from '../errors/domain-error';

/** Characters of the ids (after their common prefix) ordered by radix passes; longer ties are compared as strings. */
const RADIX_WINDOW = 16;
/** Below this size a comparison sort is as fast. */
const RADIX_MIN = 2_048;

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The positions of `ids` in ascending code-unit order (the order of `<`), or null when a
 * character in the radix window is not Latin-1 (the caller then sorts by comparison).
 * LSD radix sort over one byte per character of a 16-character window after the longest common
 * prefix (0 = end of string, c + 1 otherwise); runs equal in the window are sorted as strings.
 * O(n) memory traffic instead of O(n log n) pointer-chasing comparisons.
 */
function radixOrder(ids: readonly string[]): Int32Array | null {
  const n = ids.length;
  const first = ids[0];
  let common = first.length;
  for (let i = 1; i < n && common > 0; i++) {
    const id = ids[i];
    const limit = Math.min(common, id.length);
    let k = 0;
    while (k < limit && id.charCodeAt(k) === first.charCodeAt(k)) k++;
    common = k;
  }
  const digits = new Uint8Array(n * RADIX_WINDOW);
  let longer = false;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const end = Math.min(id.length, common + RADIX_WINDOW);
    if (id.length > common + RADIX_WINDOW) longer = true;
    const row = i * RADIX_WINDOW;
    for (let k = common; k < end; k++) {
      const c = id.charCodeAt(k);
      if (c >= 255) return null;
      digits[row + k - common] = c + 1;
    }
  }
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Int32Array(257);
  for (let pass = RADIX_WINDOW - 1; pass >= 0; pass--) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digits[i * RADIX_WINDOW + pass] + 1]++;
    let constant = false;
    for (let d = 1; d < 257 && !constant; d++) constant = counts[d] === n;
    if (constant) continue; // the same character (or the end) in every id: nothing to order
    for (let d = 1; d < 257; d++) counts[d] += counts[d - 1];
    for (let i = 0; i < n; i++) {
      const p = order[i];
      next[counts[digits[p * RADIX_WINDOW + pass]]++] = p;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  if (!longer) return order;
  // Ties over the whole window: order them by the rest of the string.
  let runStart = 0;
  const run: number[] = [];
  for (let i = 1; i <= n; i++) {
    if (i < n) {
      const a = order[i - 1] * RADIX_WINDOW;
      const b = order[i] * RADIX_WINDOW;
      let same = true;
      for (let k = 0; k < RADIX_WINDOW; k++) {
        if (digits[a + k] !== digits[b + k]) {
          same = false;
          break;
        }
      }
      if (same) continue;
    }
    if (i - runStart > 1) {
      run.length = 0;
      for (let k = runStart; k < i; k++) run.push(order[k]);
      run.sort((x, y) => compareIds(ids[x], ids[y]));
      for (let k = runStart; k < i; k++) order[k] = run[k - runStart];
    }
    runStart = i;
  }
  return order;
}

/**
 * The items in ascending id order: the input itself when it already is, otherwise a sorted copy.
 * Two items with the same id are refused. Sorting first makes a position order an id order, so
 * the engine's result does not depend on the order of its input.
 */
export function sortedById<T extends { id: string }>(items: readonly T[], side: string): readonly T[] {
  const n = items.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (!(items[i - 1].id < items[i].id)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return items;
  let out: T[];
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = items[i].id;
  const order = n >= RADIX_MIN ? radixOrder(ids) : null;
  if (order !== null) {
    out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = items[order[i]];
  } else {
    out = items.slice().sort((a, b) => compareIds(a.id, b.id));
  }
  for (let i = 1; i < n; i++) {
    if (out[i - 1].id === out[i].id) throw new DomainError('validation_failed', `${side} entry id '${out[i].id}' appears twice`);
  }
  return out;
}
