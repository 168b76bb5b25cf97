import { DUPLICATE, FREE, LOCKED, type MatchingContext } from './matching-context';

/** Buckets up to this size are compared pairwise; larger ones are keyed by a full text key. */
const PAIRWISE_LIMIT = 32;

function descriptionKey(description: string | null): string {
  return description === null ? '' : description.trim().replace(/\s+/gu, ' ').toLowerCase();
}

function sameReferences(ctx: MatchingContext, a: number, b: number): boolean {
  const { sStart, sRefs } = ctx.refs;
  const aFrom = sStart[a];
  const aTo = sStart[a + 1];
  const bFrom = sStart[b];
  const bTo = sStart[b + 1];
  if (aTo - aFrom !== bTo - bFrom) return false;
  outer: for (let i = aFrom; i < aTo; i++) {
    const ref = sRefs[i];
    for (let j = bFrom; j < bTo; j++) if (sRefs[j] === ref) continue outer;
    return false;
  }
  return true;
}

function sameEntry(ctx: MatchingContext, a: number, b: number): boolean {
  const x = ctx.statement[a];
  const y = ctx.statement[b];
  return (
    x.amount === y.amount &&
    ctx.sDay[a] === ctx.sDay[b] &&
    ctx.sCur[a] === ctx.sCur[b] &&
    x.releaseType === y.releaseType &&
    sameReferences(ctx, a, b) &&
    descriptionKey(x.description) === descriptionKey(y.description)
  );
}

function fullKey(ctx: MatchingContext, i: number): string {
  const item = ctx.statement[i];
  const { sStart, sRefs } = ctx.refs;
  const refs = Array.from(sRefs.subarray(sStart[i], sStart[i + 1])).sort((a, b) => a - b);
  return `${ctx.sCur[i]}\u0001${item.amount}\u0001${ctx.sDay[i]}\u0001${refs.join(',')}\u0001${item.releaseType ?? '\u0002'}\u0001${descriptionKey(item.description)}`;
}

/** Marks the repeats of one class (positions ascending): the original is its first locked entry, else its first. */
function flagClass(ctx: MatchingContext, members: readonly number[]): void {
  if (members.length < 2) return;
  let original = members[0];
  for (let k = 0; k < members.length; k++) {
    if (ctx.sState[members[k]] === LOCKED) {
      original = members[k];
      break;
    }
  }
  for (let k = 0; k < members.length; k++) {
    const s = members[k];
    if (s !== original && ctx.sState[s] === FREE) {
      ctx.sState[s] = DUPLICATE;
      ctx.duplicateOf[s] = original;
    }
  }
}

function resolveBucket(ctx: MatchingContext, bucket: readonly number[]): void {
  if (bucket.length <= PAIRWISE_LIMIT) {
    const classes: number[][] = [];
    for (let k = 0; k < bucket.length; k++) {
      const s = bucket[k];
      let placed = false;
      for (let c = 0; c < classes.length; c++) {
        if (sameEntry(ctx, classes[c][0], s)) {
          classes[c].push(s);
          placed = true;
          break;
        }
      }
      if (!placed) classes.push([s]);
    }
    for (let c = 0; c < classes.length; c++) flagClass(ctx, classes[c]);
    return;
  }
  const classes = new Map<string, number[]>();
  for (let k = 0; k < bucket.length; k++) {
    const key = fullKey(ctx, bucket[k]);
    const members = classes.get(key);
    if (members) members.push(bucket[k]);
    else classes.set(key, [bucket[k]]);
  }
  for (const members of classes.values()) flagClass(ctx, members);
}

/**
 * DUPLICATE_STATEMENT_ENTRY: a statement entry that repeats another one (same currency, amount,
 * date, normalised reference set, release type and description, the latter trimmed,
 * case-folded, spaces collapsed). The first by id is the original; a locked entry (already in a
 * kept match) is the original whenever the class has one, so a re-sent line stays a duplicate
 * after its original was accepted. Locked entries are never flagged themselves.
 *
 * Entries with references can only repeat an entry with the same smallest reference id, so they
 * are bucketed by it; entries without references by currency, amount and date.
 */
export function detectDuplicates(ctx: MatchingContext): void {
  const { nS, refs } = ctx;
  ctx.duplicateOf = new Int32Array(nS).fill(-1);
  if (nS < 2) return;
  ctx.scratch.use({ head: ['i32', refs.count], tail: ['i32', refs.count], size: ['i32', refs.count], next: ['i32', nS] }, ({ head, tail, size, next }) =>
    flagRepeats(ctx, head, tail, size, next),
  );
}

/** detectDuplicates over its bucket lists (head, tail and size per reference id, next per statement entry). */
function flagRepeats(ctx: MatchingContext, head: Int32Array, tail: Int32Array, size: Int32Array, next: Int32Array): void {
  const { nS, refs, sState, statement } = ctx;
  const { sStart, sRefs } = refs;
  head.fill(-1);
  next.fill(-1);
  let crowded = false;
  const withoutReferences = new Map<string, number | number[]>();
  for (let s = 0; s < nS; s++) {
    if (sState[s] !== FREE && sState[s] !== LOCKED) continue;
    const from = sStart[s];
    const to = sStart[s + 1];
    if (from === to) {
      const item = statement[s];
      const key = `${ctx.sCur[s]}|${item.amount}|${ctx.sDay[s]}`;
      const seen = withoutReferences.get(key);
      if (seen === undefined) withoutReferences.set(key, s);
      else if (typeof seen === 'number') withoutReferences.set(key, [seen, s]);
      else seen.push(s);
      continue;
    }
    let min = sRefs[from];
    for (let k = from + 1; k < to; k++) if (sRefs[k] < min) min = sRefs[k];
    if (head[min] === -1) head[min] = s;
    else {
      next[tail[min]] = s;
      crowded = true;
    }
    tail[min] = s;
    size[min]++;
  }
  if (crowded) {
    for (let r = 0; r < refs.count; r++) {
      if (size[r] < 2) continue;
      const bucket: number[] = [];
      for (let s = head[r]; s !== -1; s = next[s]) bucket.push(s);
      resolveBucket(ctx, bucket);
    }
  }
  for (const bucket of withoutReferences.values()) if (typeof bucket !== 'number') resolveBucket(ctx, bucket);
}
