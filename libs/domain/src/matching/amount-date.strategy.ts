import { tokenSimilarity, descriptionTokens } from './description-similarity';
import {
  addMatch,
  amountCriterion,
  currencyCriterion,
  FREE,
  isRejected,
  isWithinTolerance,
  MATCHED,
  type MatchingContext,
} from './matching-context';
import type { Criterion } from './matching.types';
import { abs, searchRadius, toleranceFor } from './tolerance';

/** Exact amount, same day, no description evidence. */
export const AMOUNT_DATE_BASE_CONFIDENCE = 95;
/** Taken off at the far edge of the date window (proportionally: round(20 · days / (window + 1))). */
export const AMOUNT_DATE_DATE_PENALTY = 20;
/** Taken off at the edge of the tolerance (proportionally, in tenths of the tolerance). */
export const AMOUNT_DATE_AMOUNT_PENALTY = 10;
/** Added for identical descriptions (proportionally to their similarity). */
export const AMOUNT_DATE_SIMILARITY_BONUS = 4;
export const AMOUNT_DATE_MAX_CONFIDENCE = 99;
/** A pair that won only by a tie-break loses this much, and never reaches the auto-accept threshold. */
export const TIE_PENALTY = 10;
/** The best candidates kept per statement entry. */
const MAX_CANDIDATES = 8;
/**
 * Candidates examined per statement entry at most when its amount range is crowded (nearest day
 * first): a dense block of equal amounts is all ties anyway, and this keeps it O(n).
 */
const MAX_HITS = 48;

/**
 * 95 for an exact amount on the same day; minus up to 20 towards the edge of the date window,
 * minus up to 10 towards the edge of the tolerance, plus up to 4 for similar descriptions;
 * at most 99 (100 is the reference strategy's). At the default thresholds (90 / 60): exact and
 * at most a day apart (3-day window) is ACCEPTED, further apart is SUGGESTED, and the far
 * corner of window and tolerance is ~65-70.
 */
export function amountDateConfidence(distanceDays: number, windowDays: number, absDifference: bigint, tolerance: bigint, similarity: number): number {
  const datePenalty = Math.round((AMOUNT_DATE_DATE_PENALTY * distanceDays) / (windowDays + 1));
  let amountPenalty = 0;
  if (absDifference > 0n && tolerance > 0n) {
    const tenths = (absDifference * BigInt(AMOUNT_DATE_AMOUNT_PENALTY)) / tolerance;
    amountPenalty = tenths > BigInt(AMOUNT_DATE_AMOUNT_PENALTY) ? AMOUNT_DATE_AMOUNT_PENALTY : Number(tenths);
  }
  const bonus = Math.round(AMOUNT_DATE_SIMILARITY_BONUS * similarity);
  const confidence = AMOUNT_DATE_BASE_CONFIDENCE - datePenalty - amountPenalty + bonus;
  return confidence < 0 ? 0 : confidence > AMOUNT_DATE_MAX_CONFIDENCE ? AMOUNT_DATE_MAX_CONFIDENCE : confidence;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First position in [from, to) whose (amount, day) is >= (amount, day), in arrays sorted by both. */
function lowerBound(amounts: bigint[], days: Int32Array, from: number, to: number, amount: bigint, day: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = amounts[mid];
    if (a < amount || (a === amount && days[mid] < day)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const MAX_DAY = 0x3fffffff;

/** Checks one (statement, ledger) candidate and keeps it in the shortlist when it qualifies. */
function consider(
  ctx: MatchingContext,
  list: Shortlist,
  s: number,
  l: number,
  a: bigint,
  b: bigint,
  d: number,
  sTokens: (readonly string[] | undefined)[],
  lTokens: (readonly string[] | undefined)[],
): void {
  if (ctx.rejected !== null && isRejected(ctx, s, l)) return;
  const diff = abs(a - b);
  const tol = toleranceFor(b, ctx.tolerance, ctx.bps);
  if (diff > tol) return;
  const dist = Math.abs(d - ctx.lDay[l]);
  let sim = 0;
  const sDescription = ctx.statement[s].description;
  const lDescription = ctx.ledger[l].description;
  if (sDescription !== null && lDescription !== null) {
    const st = sTokens[s] ?? (sTokens[s] = descriptionTokens(sDescription));
    const lt = lTokens[l] ?? (lTokens[l] = descriptionTokens(lDescription));
    sim = Math.round(tokenSimilarity(st, lt) * 1000);
  }
  const confidence = amountDateConfidence(dist, ctx.window, diff, tol, sim / 1000);
  if (confidence < ctx.suggest) return;
  shortlistInsert(list, l, diff, dist, sim, confidence);
}

/** Candidate pairs, as parallel arrays. */
interface Pairs {
  s: number[];
  l: number[];
  diff: bigint[];
  dist: number[];
  /** Similarity in thousandths. */
  sim: number[];
  confidence: number[];
}

/** The best candidates of one statement entry, kept sorted by (|difference|, days, -similarity, ledger position). */
interface Shortlist {
  size: number;
  l: Int32Array;
  diff: bigint[];
  dist: Int32Array;
  sim: Int32Array;
  confidence: Int32Array;
}

function shortlistInsert(list: Shortlist, l: number, diff: bigint, dist: number, sim: number, confidence: number): void {
  let at = list.size;
  while (at > 0) {
    const k = at - 1;
    const better = diff < list.diff[k] || (diff === list.diff[k] && (dist < list.dist[k] || (dist === list.dist[k] && (sim > list.sim[k] || (sim === list.sim[k] && l < list.l[k])))));
    if (!better) break;
    at--;
  }
  if (at >= MAX_CANDIDATES) return;
  const last = list.size < MAX_CANDIDATES ? list.size : MAX_CANDIDATES - 1;
  for (let k = last; k > at; k--) {
    list.l[k] = list.l[k - 1];
    list.diff[k] = list.diff[k - 1];
    list.dist[k] = list.dist[k - 1];
    list.sim[k] = list.sim[k - 1];
    list.confidence[k] = list.confidence[k - 1];
  }
  list.l[at] = l;
  list.diff[at] = diff;
  list.dist[at] = dist;
  list.sim[at] = sim;
  list.confidence[at] = confidence;
  if (list.size < MAX_CANDIDATES) list.size++;
}

/**
 * Strategy 2, on what the reference strategy left: same currency, amount within the tolerance,
 * dates within the window. Candidates come from two per-currency indexes of the free ledger
 * entries, by (amount, day) and by (day, amount), searched by binary search (O((n + m) log m),
 * no Map and no string key per entry): a short amount range is read whole, a crowded one day by
 * day. Each statement entry keeps its best 8, ranked by |difference|, then date distance, then
 * description similarity, then ids.
 *
 * Assignment: first every pair that is the unique best of both its entries ("mutual unique
 * best"), to a fixed point: taking such a pair can only make others unique, so the outcome does
 * not depend on the order. What is left is decided by tie-breaks (global ranking, then ids), and
 * such a pair is never auto-accepted: TIE_PENALTY off its confidence, capped below the
 * auto-accept threshold, and not proposed at all if that falls below the suggest threshold.
 */
export function runAmountDateStrategy(ctx: MatchingContext): void {
  const { nS, nL, sState, lState, statement, ledger, sDay, lDay, sCur, lCur, window } = ctx;
  const free: number[] = [];
  for (let l = 0; l < nL; l++) if (lState[l] === FREE) free.push(l);
  if (free.length === 0) return;
  const m = free.length;
  // Two indexes of the free ledger entries, per currency: by (amount, day) and by (day, amount).
  free.sort((a, b) => lCur[a] - lCur[b] || compareBig(ledger[a].amount, ledger[b].amount) || lDay[a] - lDay[b] || a - b);
  const byAmount = indexOf(ctx, free);
  free.sort((a, b) => lCur[a] - lCur[b] || lDay[a] - lDay[b] || compareBig(ledger[a].amount, ledger[b].amount) || a - b);
  const byDay = indexOf(ctx, free);
  const currencyCount = ctx.currencies.length;
  const curFrom = new Int32Array(currencyCount);
  const curTo = new Int32Array(currencyCount);
  for (let k = m - 1; k >= 0; k--) curFrom[lCur[byAmount.order[k]]] = k;
  for (let k = 0; k < m; k++) curTo[lCur[byAmount.order[k]]] = k + 1;
  // Scanning the amount range costs one step per entry whatever its date; looking day by day
  // costs two binary searches per day of the window. Take the amount range when it is short.
  const amountScanLimit = 8 * (2 * window + 1);

  // Token lists, computed on first use (preallocated: sparse writes would make these dictionaries).
  const sTokens = new Array<readonly string[] | undefined>(nS);
  const lTokens = new Array<readonly string[] | undefined>(nL);
  const pairs: Pairs = { s: [], l: [], diff: [], dist: [], sim: [], confidence: [] };
  const list: Shortlist = {
    size: 0,
    l: new Int32Array(MAX_CANDIDATES),
    diff: new Array<bigint>(MAX_CANDIDATES).fill(0n),
    dist: new Int32Array(MAX_CANDIDATES),
    sim: new Int32Array(MAX_CANDIDATES),
    confidence: new Int32Array(MAX_CANDIDATES),
  };
  const { tolerance, bps } = ctx;

  for (let s = 0; s < nS; s++) {
    if (sState[s] !== FREE) continue;
    const currency = sCur[s];
    const from = curFrom[currency];
    const to = curTo[currency];
    if (from >= to) continue;
    const a = statement[s].amount;
    const d = sDay[s];
    const radius = searchRadius(a, tolerance, bps);
    const low = radius === null ? null : a - radius;
    const high = radius === null ? null : a + radius;
    list.size = 0;
    let lo = from;
    let hi = to;
    if (low !== null && high !== null) {
      lo = lowerBound(byAmount.amounts, byAmount.days, from, to, low, -MAX_DAY);
      hi = lowerBound(byAmount.amounts, byAmount.days, lo, to, high, MAX_DAY);
    }
    if (low !== null && hi - lo <= amountScanLimit) {
      // Short amount range: every entry in it, those in the window are candidates.
      for (let r = lo; r < hi; r++) {
        const day = byAmount.days[r];
        if (day >= d - window && day <= d + window) consider(ctx, list, s, byAmount.order[r], a, byAmount.amounts[r], d, sTokens, lTokens);
      }
    } else {
      // Crowded amount range: day by day, nearest day first, the amount range by binary search.
      // At most MAX_HITS candidates, each day's block entered at a rotating offset so identical
      // statement entries shortlist different ledger entries (a dense block is paired off as ties).
      let hits = 0;
      for (let dist = 0; dist <= window && hits < MAX_HITS; dist++) {
        for (let side = dist === 0 ? 1 : 0; side < 2 && hits < MAX_HITS; side++) {
          const day = side === 0 ? d - dist : d + dist;
          const blockFrom = low === null ? firstOfDay(byDay, from, to, day) : lowerBoundDay(byDay, from, to, day, low, false);
          const blockTo = high === null ? firstOfDay(byDay, blockFrom, to, day + 1) : lowerBoundDay(byDay, blockFrom, to, day, high, true);
          const size = blockTo - blockFrom;
          if (size <= 0) continue;
          const offset = s % size;
          for (let k = 0; k < size && hits < MAX_HITS; k++) {
            let r = blockFrom + offset + k;
            if (r >= blockTo) r -= size;
            hits++;
            consider(ctx, list, s, byDay.order[r], a, byDay.amounts[r], d, sTokens, lTokens);
          }
        }
      }
    }
    for (let k = 0; k < list.size; k++) {
      pairs.s.push(s);
      pairs.l.push(list.l[k]);
      pairs.diff.push(list.diff[k]);
      pairs.dist.push(list.dist[k]);
      pairs.sim.push(list.sim[k]);
      pairs.confidence.push(list.confidence[k]);
    }
  }
  if (pairs.s.length > 0) assign(ctx, pairs);
}

/** Free ledger entries in one order, with their amounts and days alongside (no pointer chasing in searches). */
interface LedgerIndex {
  order: Int32Array;
  amounts: bigint[];
  days: Int32Array;
}

function indexOf(ctx: MatchingContext, sorted: readonly number[]): LedgerIndex {
  const m = sorted.length;
  const order = Int32Array.from(sorted);
  const amounts = new Array<bigint>(m);
  const days = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    amounts[k] = ctx.ledger[order[k]].amount;
    days[k] = ctx.lDay[order[k]];
  }
  return { order, amounts, days };
}

/** In an index sorted by (day, amount): the first position in [from, to) on or after `day`. */
function firstOfDay(index: LedgerIndex, from: number, to: number, day: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.days[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** In an index sorted by (day, amount): the first position in [from, to) at or after (day, amount), or after it when `after`. */
function lowerBoundDay(index: LedgerIndex, from: number, to: number, day: number, amount: bigint, after: boolean): number {
  const { days, amounts } = index;
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const dm = days[mid];
    const before = dm < day || (dm === day && (after ? amounts[mid] <= amount : amounts[mid] < amount));
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function assign(ctx: MatchingContext, pairs: Pairs): void {
  const { nS, nL } = ctx;
  const P = pairs.s.length;
  ctx.scratch.use(
    {
      rank: ['i32', P],
      sFrom: ['i32', nS],
      sTo: ['i32', nS],
      sCursor: ['i32', nS],
      lFrom: ['i32', nL + 1],
      fill: ['i32', nL],
      lCursor: ['i32', nL],
      lPairs: ['i32', P],
      queued: ['u8', nS],
    },
    (arrays) => assignFrom(ctx, pairs, arrays),
  );
}

interface AssignArrays {
  rank: Int32Array;
  sFrom: Int32Array;
  sTo: Int32Array;
  sCursor: Int32Array;
  lFrom: Int32Array;
  fill: Int32Array;
  lCursor: Int32Array;
  lPairs: Int32Array;
  queued: Uint8Array;
}

/** assign on its arrays: pairs ranked, mutual unique bests to a fixed point, then the tie-breaks. */
function assignFrom(ctx: MatchingContext, pairs: Pairs, arrays: AssignArrays): void {
  const { nS, nL, sState, lState } = ctx;
  const { rank, sFrom, sTo, sCursor, lFrom, fill, lCursor, lPairs, queued } = arrays;
  const P = pairs.s.length;
  const pS = pairs.s;
  const pL = pairs.l;
  const pDiff = pairs.diff;
  const pDist = pairs.dist;
  const pSim = pairs.sim;
  const ranked = new Array<number>(P);
  for (let k = 0; k < P; k++) ranked[k] = k;
  ranked.sort((a, b) => compareBig(pDiff[a], pDiff[b]) || pDist[a] - pDist[b] || pSim[b] - pSim[a] || pS[a] - pS[b] || pL[a] - pL[b]);
  for (let k = 1; k < P; k++) {
    const a = ranked[k - 1];
    const b = ranked[k];
    rank[b] = pDiff[a] === pDiff[b] && pDist[a] === pDist[b] && pSim[a] === pSim[b] ? rank[a] : k;
  }

  // Statement side: a statement entry's pairs are contiguous and already in rank order.
  sFrom.fill(-1);
  for (let k = P - 1; k >= 0; k--) sFrom[pS[k]] = k;
  for (let k = 0; k < P; k++) sTo[pS[k]] = k + 1;
  // Ledger side: counting sort of the ranked pairs by ledger entry.
  for (let k = 0; k < P; k++) lFrom[pL[k] + 1]++;
  for (let l = 0; l < nL; l++) lFrom[l + 1] += lFrom[l];
  fill.set(lFrom.subarray(0, nL));
  for (let k = 0; k < P; k++) {
    const p = ranked[k];
    lPairs[fill[pL[p]]++] = p;
  }
  sCursor.set(sFrom);
  lCursor.set(lFrom.subarray(0, nL));

  /** The best pair of s with a free ledger entry, or -1. */
  const bestOfS = (s: number): number => {
    let k = sCursor[s];
    const end = sTo[s];
    while (k < end && lState[pL[k]] !== FREE) k++;
    sCursor[s] = k;
    return k < end ? k : -1;
  };
  const uniqueForS = (s: number, p: number): boolean => {
    const end = sTo[s];
    for (let k = p + 1; k < end; k++) if (lState[pL[k]] === FREE) return rank[k] !== rank[p];
    return true;
  };
  const bestOfL = (l: number): number => {
    let k = lCursor[l];
    const end = lFrom[l + 1];
    while (k < end && sState[pS[lPairs[k]]] !== FREE) k++;
    lCursor[l] = k;
    return k < end ? lPairs[k] : -1;
  };
  const uniqueForL = (l: number, p: number): boolean => {
    const end = lFrom[l + 1];
    for (let k = lCursor[l] + 1; k < end; k++) if (sState[pS[lPairs[k]]] === FREE) return rank[lPairs[k]] !== rank[p];
    return true;
  };

  const taken: number[] = [];
  const tie: boolean[] = [];
  const confidence: number[] = [];
  const take = (p: number, isTie: boolean, value: number) => {
    sState[pS[p]] = MATCHED;
    lState[pL[p]] = MATCHED;
    taken.push(p);
    tie.push(isTie);
    confidence.push(value);
  };

  // Mutual unique best, to a fixed point (a work queue of statement entries whose best may have changed).
  const queue: number[] = [];
  for (let s = 0; s < nS; s++) {
    if (sFrom[s] >= 0) {
      queue.push(s);
      queued[s] = 1;
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    queued[s] = 0;
    if (sState[s] !== FREE) continue;
    const p = bestOfS(s);
    if (p < 0 || !uniqueForS(s, p)) continue;
    const l = pL[p];
    if (bestOfL(l) !== p || !uniqueForL(l, p)) continue;
    take(p, false, pairs.confidence[p]);
    for (let k = lFrom[l]; k < lFrom[l + 1]; k++) {
      const other = pS[lPairs[k]];
      if (sState[other] === FREE && queued[other] === 0) {
        queued[other] = 1;
        queue.push(other);
      }
    }
    for (let k = sFrom[s]; k < sTo[s]; k++) {
      const otherL = pL[k];
      if (lState[otherL] !== FREE) continue;
      const q = bestOfL(otherL);
      if (q < 0) continue;
      const other = pS[q];
      if (queued[other] === 0) {
        queued[other] = 1;
        queue.push(other);
      }
    }
  }

  // What is left is decided by tie-breaks: never auto-accepted.
  const cap = ctx.autoAccept - 1;
  for (let k = 0; k < P; k++) {
    const p = ranked[k];
    if (sState[pS[p]] !== FREE || lState[pL[p]] !== FREE) continue;
    const value = Math.min(pairs.confidence[p] - TIE_PENALTY, cap);
    if (value < ctx.suggest) continue;
    take(p, true, value);
  }

  const order = taken.map((_, k) => k).sort((a, b) => pS[taken[a]] - pS[taken[b]]);
  const members = new Int32Array(2);
  const dateCache: Criterion[] = [];
  const similarityCache: Criterion[] = [];
  for (const k of order) {
    const p = taken[k];
    const s = pS[p];
    const l = pL[p];
    members[0] = s;
    members[1] = nS + l;
    const statementTotal = ctx.statement[s].amount;
    const ledgerTotal = ctx.ledger[l].amount;
    const difference = statementTotal === ledgerTotal ? 0n : statementTotal - ledgerTotal;
    const within = isWithinTolerance(ctx, difference, ledgerTotal);
    const dist = pDist[p];
    const date = (dateCache[dist] ??= Object.freeze({ name: 'date', passed: true, detail: Object.freeze({ distanceDays: dist, windowDays: ctx.window }) }) as Criterion);
    const sim = pSim[p];
    const similarity = (similarityCache[sim] ??= Object.freeze({ name: 'similarity', passed: sim > 0, detail: Object.freeze({ score: sim / 1000 }) }) as Criterion);
    const explanation: Criterion[] = [
      currencyCriterion(ctx, ctx.statement[s].currency),
      amountCriterion(ctx, ledgerTotal, difference, within),
      date,
      similarity,
      {
        name: 'uniqueness',
        passed: !tie[k],
        detail: { statementCandidates: sTo[s] - sFrom[s], ledgerCandidates: lFrom[l + 1] - lFrom[l], tie: tie[k] },
      },
    ];
    addMatch(ctx, 'AMOUNT_DATE', members, 0, 1, 2, statementTotal, ledgerTotal, within, confidence[k], explanation);
  }
}
