import {
  addMatch,
  amountCriterion,
  currencyCriterion,
  FREE,
  isRejected,
  isWithinTolerance,
  type MatchingContext,
} from './matching-context';
import type { Criterion } from './matching.types';
import { abs, searchRadius, toleranceFor } from './tolerance';

/** One exact solution, the only one of its size. SUGGESTED at the default auto-accept threshold (90). */
export const AGGREGATE_CONFIDENCE = 85;
/** Another subset of the same size also adds up: a person must choose. */
export const AGGREGATE_AMBIGUOUS_CONFIDENCE = 75;
/** Taken off at the edge of the tolerance (proportionally). */
export const AGGREGATE_AMOUNT_PENALTY = 10;
/** The largest group size searched, whatever the rules say. */
const MAX_GROUP_SIZE = 16;

export const AGGREGATE_DIRECTIONS = { statement: 'ONE_STATEMENT_MANY_LEDGER', ledger: 'ONE_LEDGER_MANY_STATEMENT' } as const;

/** Free entries of one side, one currency and one sign, sorted by (day, position). */
interface Bucket {
  positions: Int32Array;
  days: Int32Array;
}

function buildBuckets(state: Uint8Array, items: readonly { amount: bigint }[], cur: Int32Array, day: Int32Array): Map<number, Bucket> {
  const lists = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    if (state[i] !== FREE) continue;
    const amount = items[i].amount;
    if (amount === 0n) continue;
    const key = cur[i] * 2 + (amount > 0n ? 1 : 0);
    const list = lists.get(key);
    if (list) list.push(i);
    else lists.set(key, [i]);
  }
  const buckets = new Map<number, Bucket>();
  for (const [key, list] of lists) {
    list.sort((a, b) => day[a] - day[b] || a - b);
    const positions = Int32Array.from(list);
    const days = new Int32Array(positions.length);
    for (let k = 0; k < positions.length; k++) days[k] = day[positions[k]];
    buckets.set(key, { positions, days });
  }
  return buckets;
}

function firstDayAtLeast(days: Int32Array, day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bounded subset-sum over one pool (absolute amounts sorted descending): exactly `size` items
 * whose sum lies in [lo, hi] and passes `accept`. Depth-first in a fixed order, pruned by the
 * largest and smallest sums still reachable, the last item found by binary search. Stops at
 * two solutions (the second only proves ambiguity) or when its step limit is reached.
 */
class SubsetSearch {
  amounts: bigint[] = [];
  prefix: bigint[] = [];
  n = 0;
  lo = 0n;
  hi = 0n;
  chosen = new Int32Array(MAX_GROUP_SIZE);
  solutions: number[][] = [];
  steps = 0;
  limit = 0;
  aborted = false;
  /** Exact tolerance check of a candidate sum (the bps tolerance of a sum depends on the sum). */
  target = 0n;
  targetIsStatement = true;
  tolerance = 0n;
  bps = 0n;

  accept(sum: bigint): boolean {
    const diff = abs(this.target - sum);
    if (diff <= this.tolerance) return true;
    if (this.bps === 0n) return false;
    return diff * 10_000n <= (this.targetIsStatement ? sum : this.target) * this.bps;
  }

  /** First position >= from whose amount is <= bound (amounts descending). */
  firstAtMost(from: number, bound: bigint): number {
    let lo = from;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.amounts[mid] > bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  run(size: number): void {
    this.solutions = [];
    this.dfs(0, size, 0, 0n);
  }

  private dfs(start: number, left: number, depth: number, sum: bigint): void {
    const { amounts, prefix, n } = this;
    if (++this.steps > this.limit) {
      this.aborted = true;
      return;
    }
    if (left === 1) {
      for (let j = this.firstAtMost(start, this.hi - sum); j < n && sum + amounts[j] >= this.lo; j++) {
        if (++this.steps > this.limit) {
          this.aborted = true;
          return;
        }
        if (!this.accept(sum + amounts[j])) continue;
        this.chosen[depth] = j;
        this.solutions.push(Array.from(this.chosen.subarray(0, depth + 1)));
        if (this.solutions.length >= 2) return;
      }
      return;
    }
    const smallestRest = prefix[n] - prefix[n - (left - 1)];
    for (let j = this.firstAtMost(start, this.hi - sum - smallestRest); j <= n - left; j++) {
      if (sum + prefix[j + left] - prefix[j] < this.lo) return; // even the largest `left` from here fall short
      this.chosen[depth] = j;
      this.dfs(j + 1, left - 1, depth + 1, sum + amounts[j]);
      if (this.aborted || this.solutions.length >= 2) return;
    }
  }
}

/**
 * Strategy 3, on what is left: one entry equal (within the tolerance) to the sum of 2 to
 * maxGroupSize entries of the other side, all of one currency and sign and within the date
 * window of the single entry. Both directions: a payout settling several orders (one statement
 * entry, several ledger entries) and an order paid in parts (one ledger entry, several
 * statement entries).
 *
 * Targets are taken by decreasing absolute amount (statement before ledger, then id); each
 * searches its pool by increasing group size and takes the first size that has a solution,
 * never a greedy first fit. Every entry is used once at most. Confidence 85 for the only
 * solution of its size, 75 when another subset of that size also fits, minus up to 10 towards
 * the edge of the tolerance: SUGGESTED at the default thresholds (an account that trusts
 * unique aggregates can lower autoAcceptThreshold to 85).
 *
 * Budget: every search step (loop iteration, binary search, pool entry examined, n·log n for
 * sorting a pool) counts against `aggregateBudget` for the whole run; one target may spend at
 * most max(10 000, budget / 16) of it. When the run budget is spent the strategy stops and sets
 * `aggregateBudgetExhausted`.
 */
export function runAggregateStrategy(ctx: MatchingContext): void {
  const maxSize = Math.min(ctx.maxGroupSize, MAX_GROUP_SIZE);
  if (maxSize < 2 || ctx.nS === 0 || ctx.nL === 0) return;
  const { nS, statement, ledger, sState, lState, sDay, lDay, sCur, lCur, window, tolerance, bps } = ctx;
  const sBuckets = buildBuckets(sState, statement, sCur, sDay);
  const lBuckets = buildBuckets(lState, ledger, lCur, lDay);
  if (sBuckets.size === 0 || lBuckets.size === 0) return;

  const candidates: number[] = [];
  const candidateAbs: bigint[] = [];
  for (let s = 0; s < nS; s++) {
    const amount = statement[s].amount;
    if (sState[s] === FREE && amount !== 0n && lBuckets.has(sCur[s] * 2 + (amount > 0n ? 1 : 0))) {
      candidates.push(s);
      candidateAbs.push(abs(amount));
    }
  }
  for (let l = 0; l < ctx.nL; l++) {
    const amount = ledger[l].amount;
    if (lState[l] === FREE && amount !== 0n && sBuckets.has(lCur[l] * 2 + (amount > 0n ? 1 : 0))) {
      candidates.push(nS + l);
      candidateAbs.push(abs(amount));
    }
  }
  const byAmount = candidates.map((_, k) => k);
  byAmount.sort((a, b) => (candidateAbs[a] > candidateAbs[b] ? -1 : candidateAbs[a] < candidateAbs[b] ? 1 : candidates[a] - candidates[b]));
  const targets = byAmount.map((k) => candidates[k]);

  const budget = Math.max(0, ctx.aggregateBudget);
  const perTarget = Math.max(10_000, Math.floor(budget / 16));
  const search = new SubsetSearch();
  search.tolerance = tolerance;
  search.bps = bps;
  const poolPositions: number[] = [];
  const poolAbs: bigint[] = [];
  const poolOrder: number[] = [];
  const dateCache: Criterion[] = [];

  for (let t = 0; t < targets.length; t++) {
    const g = targets[t];
    const isStatement = g < nS;
    const self = isStatement ? g : g - nS;
    if ((isStatement ? sState[self] : lState[self]) !== FREE) continue;
    const item = isStatement ? statement[self] : ledger[self];
    const amount = item.amount;
    const absTarget = abs(amount);
    const currency = isStatement ? sCur[self] : lCur[self];
    const day = isStatement ? sDay[self] : lDay[self];
    const bucket = (isStatement ? lBuckets : sBuckets).get(currency * 2 + (amount > 0n ? 1 : 0));
    if (bucket === undefined) continue;
    const radius = isStatement ? (searchRadius(absTarget, tolerance, bps) ?? absTarget) : toleranceFor(absTarget, tolerance, bps);
    const hi = absTarget + radius;
    const lo = absTarget - radius;

    // The pool: free entries of the other side in the window, each no larger than the target.
    const otherState = isStatement ? lState : sState;
    const others = isStatement ? ledger : statement;
    let k = firstDayAtLeast(bucket.days, day - window);
    const end = firstDayAtLeast(bucket.days, day + window + 1);
    search.steps += 1 + (end - k);
    if (search.steps > budget) {
      ctx.stats.aggregateBudgetExhausted = true;
      break;
    }
    poolPositions.length = 0;
    poolAbs.length = 0;
    for (; k < end; k++) {
      const o = bucket.positions[k];
      if (otherState[o] !== FREE) continue;
      const value = abs(others[o].amount);
      if (value > hi) continue;
      if (ctx.rejected !== null && (isStatement ? isRejected(ctx, self, o) : isRejected(ctx, o, self))) continue;
      poolPositions.push(o);
      poolAbs.push(value);
    }
    const n = poolPositions.length;
    if (n < 2) continue;
    search.steps += n * Math.ceil(Math.log2(n)); // the sort below
    if (search.steps > budget) {
      ctx.stats.aggregateBudgetExhausted = true;
      break;
    }
    poolOrder.length = n;
    for (let i = 0; i < n; i++) poolOrder[i] = i;
    poolOrder.sort((a, b) => (poolAbs[a] > poolAbs[b] ? -1 : poolAbs[a] < poolAbs[b] ? 1 : poolPositions[a] - poolPositions[b]));
    const amounts: bigint[] = new Array<bigint>(n);
    const prefix: bigint[] = new Array<bigint>(n + 1);
    prefix[0] = 0n;
    for (let i = 0; i < n; i++) {
      amounts[i] = poolAbs[poolOrder[i]];
      prefix[i + 1] = prefix[i] + amounts[i];
    }
    search.amounts = amounts;
    search.prefix = prefix;
    search.n = n;
    search.lo = lo;
    search.hi = hi;
    search.target = absTarget;
    search.targetIsStatement = isStatement;
    search.aborted = false;
    search.solutions = [];
    search.limit = Math.min(budget, search.steps + perTarget);
    let size = 2;
    for (; size <= maxSize && size <= n; size++) {
      if (prefix[size] < lo) continue; // even the largest `size` amounts fall short
      search.run(size);
      if (search.aborted || search.solutions.length > 0) break;
    }
    if (search.aborted && search.limit === budget) {
      ctx.stats.aggregateBudgetExhausted = true;
      break;
    }
    if (search.aborted || search.solutions.length === 0) continue;

    const chosen = search.solutions[0];
    const unique = search.solutions.length === 1;
    const picked: number[] = [];
    for (let i = 0; i < chosen.length; i++) picked.push(poolPositions[poolOrder[chosen[i]]]);
    picked.sort((a, b) => a - b);
    let sum = 0n;
    let maxDistance = 0;
    for (let i = 0; i < picked.length; i++) {
      const o = picked[i];
      sum += others[o].amount;
      const distance = Math.abs((isStatement ? lDay[o] : sDay[o]) - day);
      if (distance > maxDistance) maxDistance = distance;
    }
    const statementTotal = isStatement ? amount : sum;
    const ledgerTotal = isStatement ? sum : amount;
    const difference = statementTotal === ledgerTotal ? 0n : statementTotal - ledgerTotal;
    const within = isWithinTolerance(ctx, difference, ledgerTotal);
    if (!within) continue;
    let confidence = unique ? AGGREGATE_CONFIDENCE : AGGREGATE_AMBIGUOUS_CONFIDENCE;
    const tol = toleranceFor(ledgerTotal, tolerance, bps);
    if (difference !== 0n && tol > 0n) {
      const tenths = (abs(difference) * BigInt(AGGREGATE_AMOUNT_PENALTY)) / tol;
      confidence -= tenths > BigInt(AGGREGATE_AMOUNT_PENALTY) ? AGGREGATE_AMOUNT_PENALTY : Number(tenths);
    }
    if (confidence < ctx.suggest) continue;

    const members: number[] = [];
    if (isStatement) {
      members.push(self);
      for (const o of picked) members.push(nS + o);
    } else {
      for (const o of picked) members.push(o);
      members.push(nS + self);
    }
    const split = isStatement ? 1 : picked.length;
    const date = (dateCache[maxDistance] ??= Object.freeze({
      name: 'date',
      passed: true,
      detail: Object.freeze({ maxDistanceDays: maxDistance, windowDays: window }),
    }) as Criterion);
    const explanation: Criterion[] = [
      currencyCriterion(ctx, item.currency),
      amountCriterion(ctx, ledgerTotal, difference, within),
      date,
      {
        name: 'aggregate',
        passed: unique,
        detail: {
          direction: isStatement ? AGGREGATE_DIRECTIONS.statement : AGGREGATE_DIRECTIONS.ledger,
          groupSize: picked.length,
          candidates: n,
          unique,
        },
      },
    ];
    addMatch(ctx, 'AGGREGATE', members, 0, split, members.length, statementTotal, ledgerTotal, within, confidence, explanation);
  }
}
