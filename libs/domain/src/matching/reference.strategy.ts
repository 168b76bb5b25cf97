import {
  addMatch,
  CURRENCY_MISMATCHED,
  FREE,
  isWithinTolerance,
  severityOf,
  type MatchingContext,
} from './matching-context';

/**
 * A reference carried by more entries than this on one side is generic (a word such as "pix"
 * or "payout"): it links nothing. A group that still grows past this on one side (chained
 * references) is not matched here and is left to the other strategies.
 */
export const MAX_REFERENCE_GROUP_SIDE = 1_000;
/** A reference group whose sides agree within the tolerance. */
export const REFERENCE_CONFIDENCE = 100;
/** A reference group outside the tolerance: still the same order, paid short or over (ACCEPTED at the default 90). */
export const REFERENCE_MISMATCH_CONFIDENCE = 90;
const SHOWN_REFERENCES = 5;

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const up = parent[parent[i]];
    parent[i] = up;
    i = up;
  }
  return i;
}

function union(parent: Int32Array, a: number, b: number): void {
  a = find(parent, a);
  b = find(parent, b);
  if (a === b) return;
  if (a < b) parent[b] = a;
  else parent[a] = b;
}

/**
 * Strategy 1. Every free entry's references are nodes of one graph; all entries that share a
 * (non-generic) reference, directly or through a chain, form one group (union-find): 1:1, 1:N,
 * N:1 and N:M alike. A group with both sides in one currency is a match (confidence 100 within
 * the tolerance, 90 outside it, which also raises AMOUNT_MISMATCH).
 *
 * Mixed currencies: the group is split into same-currency sub-groups linked by references
 * within that currency; each one with both sides is a match, and the entries left over form a
 * CURRENCY_MISMATCH discrepancy (they are settled by it: not orphans, not matched later).
 *
 * Rejected pairs: for every rejected (statement, ledger) pair inside a group, the ledger entry
 * leaves the group (it goes on to the next strategies, which never pair it with that statement
 * entry either), and the rest is regrouped by its remaining shared references.
 */
export function runReferenceStrategy(ctx: MatchingContext): void {
  const { nS, nL } = ctx;
  const count = ctx.refs.count;
  if (count === 0 || nS === 0 || nL === 0) return;
  const n = nS + nL;

  // Groups are at most one per statement entry.
  ctx.scratch.use(
    {
      countS: ['i32', count],
      countL: ['i32', count],
      usable: ['u8', count],
      parent: ['i32', n],
      sideS: ['i32', n],
      sideL: ['i32', n],
      groupOf: ['i32', n],
      roots: ['i32', nS],
      start: ['i32', nS + 1],
      cursor: ['i32', nS],
      members: ['i32', n],
    },
    (arrays) => proposeGroups(ctx, arrays),
  );
}

interface GroupArrays {
  countS: Int32Array;
  countL: Int32Array;
  usable: Uint8Array;
  parent: Int32Array;
  sideS: Int32Array;
  sideL: Int32Array;
  groupOf: Int32Array;
  roots: Int32Array;
  start: Int32Array;
  cursor: Int32Array;
  members: Int32Array;
}

/** runReferenceStrategy on its arrays: the groups by union-find, each proposed or split. */
function proposeGroups(ctx: MatchingContext, arrays: GroupArrays): void {
  const { nS, nL, sState, lState, refs } = ctx;
  const { count, sStart, sRefs, lStart, lRefs } = refs;
  const n = nS + nL;
  const { countS, countL, usable, parent, sideS, sideL, groupOf, roots, start, cursor, members } = arrays;
  for (let s = 0; s < nS; s++) if (sState[s] === FREE) for (let k = sStart[s]; k < sStart[s + 1]; k++) countS[sRefs[k]]++;
  for (let l = 0; l < nL; l++) if (lState[l] === FREE) for (let k = lStart[l]; k < lStart[l + 1]; k++) countL[lRefs[k]]++;
  for (let r = 0; r < count; r++) {
    usable[r] = countS[r] + countL[r] >= 2 && countS[r] <= MAX_REFERENCE_GROUP_SIDE && countL[r] <= MAX_REFERENCE_GROUP_SIDE ? 1 : 0;
  }

  for (let i = 0; i < n; i++) parent[i] = i;
  const owner = countS; // reused: first entry seen with each reference
  owner.fill(-1);
  for (let s = 0; s < nS; s++) {
    if (sState[s] !== FREE) continue;
    for (let k = sStart[s]; k < sStart[s + 1]; k++) {
      const r = sRefs[k];
      if (usable[r] === 0) continue;
      if (owner[r] < 0) owner[r] = s;
      else union(parent, s, owner[r]);
    }
  }
  for (let l = 0; l < nL; l++) {
    if (lState[l] !== FREE) continue;
    const g = nS + l;
    for (let k = lStart[l]; k < lStart[l + 1]; k++) {
      const r = lRefs[k];
      if (usable[r] === 0) continue;
      if (owner[r] < 0) owner[r] = g;
      else union(parent, g, owner[r]);
    }
  }

  // Component sizes per side, then the groups in order of their first statement entry.
  for (let s = 0; s < nS; s++) if (sState[s] === FREE) sideS[find(parent, s)]++;
  for (let l = 0; l < nL; l++) if (lState[l] === FREE) sideL[find(parent, nS + l)]++;
  groupOf.fill(-1);
  let groups = 0;
  for (let s = 0; s < nS; s++) {
    if (sState[s] !== FREE) continue;
    const r = find(parent, s);
    if (groupOf[r] !== -1) continue;
    if (sideL[r] > 0 && sideS[r] <= MAX_REFERENCE_GROUP_SIDE && sideL[r] <= MAX_REFERENCE_GROUP_SIDE) {
      groupOf[r] = groups;
      roots[groups++] = r;
    } else groupOf[r] = -2;
  }
  if (groups === 0) return;
  for (let k = 0; k < groups; k++) start[k + 1] = start[k] + sideS[roots[k]] + sideL[roots[k]];
  cursor.set(start.subarray(0, groups));
  for (let g = 0; g < n; g++) {
    if ((g < nS ? sState[g] : lState[g - nS]) !== FREE) continue;
    const k = groupOf[find(parent, g)];
    if (k >= 0) members[cursor[k]++] = g;
  }

  let dropped: Uint8Array | null = null;
  let regroup: Uint8Array | null = null;
  for (let p = 0; p < ctx.rejectedS.length; p++) {
    const s = ctx.rejectedS[p];
    const l = ctx.rejectedL[p];
    if (sState[s] !== FREE || lState[l] !== FREE) continue;
    const r = find(parent, s);
    if (groupOf[r] < 0 || find(parent, nS + l) !== r) continue;
    dropped ??= new Uint8Array(nL);
    regroup ??= new Uint8Array(groups);
    dropped[l] = 1;
    regroup[groupOf[r]] = 1;
  }

  const { sCur, lCur } = ctx;
  for (let k = 0; k < groups; k++) {
    const from = start[k];
    const to = start[k + 1];
    const split = from + sideS[roots[k]];
    let single = regroup === null || regroup[k] === 0;
    if (single) {
      const currency = sCur[members[from]];
      for (let i = from + 1; i < split && single; i++) if (sCur[members[i]] !== currency) single = false;
      for (let i = split; i < to && single; i++) if (lCur[members[i] - nS] !== currency) single = false;
    }
    if (single) emitGroup(ctx, usable, members, from, split, to);
    else splitGroup(ctx, usable, members, from, to, dropped);
  }
}

/** Proposes one same-currency group; false (entries left free) when its confidence is below the suggest threshold. */
function emitGroup(ctx: MatchingContext, usable: Uint8Array, members: ArrayLike<number>, from: number, split: number, to: number): boolean {
  const { statement, ledger, nS } = ctx;
  let statementTotal = 0n;
  let ledgerTotal = 0n;
  if (split - from === 1) statementTotal = statement[members[from]].amount;
  else for (let i = from; i < split; i++) statementTotal += statement[members[i]].amount;
  if (to - split === 1) ledgerTotal = ledger[members[split] - nS].amount;
  else for (let i = split; i < to; i++) ledgerTotal += ledger[members[i] - nS].amount;
  const difference = statementTotal === ledgerTotal ? 0n : statementTotal - ledgerTotal;
  const within = isWithinTolerance(ctx, difference, ledgerTotal);
  const confidence = within ? REFERENCE_CONFIDENCE : REFERENCE_MISMATCH_CONFIDENCE;
  if (confidence < ctx.suggest) return false;
  // Its reference, currency and amount criteria are made from the shared references when the match is read.
  addMatch(ctx, 'REFERENCE', members, from, split, to, statementTotal, ledgerTotal, within, confidence, sharedReferences(ctx, usable, members, from, split, to));
  return true;
}

function refSlice(ctx: MatchingContext, g: number): { refs: Int32Array; from: number; to: number } {
  const { sStart, sRefs, lStart, lRefs } = ctx.refs;
  if (g < ctx.nS) return { refs: sRefs, from: sStart[g], to: sStart[g + 1] };
  const l = g - ctx.nS;
  return { refs: lRefs, from: lStart[l], to: lStart[l + 1] };
}

/**
 * The references that link the statement side to the ledger side (at most 5 shown, sorted): a
 * pair's one shared reference as its id (named when the match is read), else their names.
 */
function sharedReferences(ctx: MatchingContext, usable: Uint8Array, members: ArrayLike<number>, from: number, split: number, to: number): string | number {
  const { sStart, sRefs, lStart, lRefs, name } = ctx.refs;
  if (split - from === 1 && to - split === 1) {
    const s = members[from];
    const l = members[split] - ctx.nS;
    let found = -1;
    let several = false;
    for (let i = sStart[s]; i < sStart[s + 1]; i++) {
      const r = sRefs[i];
      if (usable[r] === 0) continue;
      for (let j = lStart[l]; j < lStart[l + 1]; j++) {
        if (lRefs[j] === r) {
          if (found === -1) found = r;
          else several = true;
        }
      }
    }
    if (found >= 0 && !several) return found;
  }
  const ledgerSide = new Set<number>();
  for (let i = split; i < to; i++) {
    const slice = refSlice(ctx, members[i]);
    for (let j = slice.from; j < slice.to; j++) if (usable[slice.refs[j]] !== 0) ledgerSide.add(slice.refs[j]);
  }
  let shared = new Set<number>();
  const all = new Set<number>(ledgerSide);
  for (let i = from; i < split; i++) {
    const slice = refSlice(ctx, members[i]);
    for (let j = slice.from; j < slice.to; j++) {
      const r = slice.refs[j];
      if (usable[r] === 0) continue;
      all.add(r);
      if (ledgerSide.has(r)) shared.add(r);
    }
  }
  if (shared.size === 0) shared = all;
  const list = Array.from(shared, name).sort();
  if (list.length <= SHOWN_REFERENCES) return list.join(',');
  return `${list.slice(0, SHOWN_REFERENCES).join(',')},… (+${list.length - SHOWN_REFERENCES})`;
}

function referencesText(ctx: MatchingContext, references: string | number): string {
  return typeof references === 'number' ? ctx.refs.name(references) : references;
}

/**
 * The rare path: a group with rejected pairs or several currencies. Dropped ledger entries
 * leave; the rest is re-linked by references shared within one currency; each sub-group with
 * both sides is proposed; when the group spans currencies, what could not be matched in its
 * own currency is one CURRENCY_MISMATCH discrepancy.
 */
function splitGroup(ctx: MatchingContext, usable: Uint8Array, members: Int32Array, from: number, to: number, dropped: Uint8Array | null): void {
  const { nS, sCur, lCur } = ctx;
  const local: number[] = [];
  for (let i = from; i < to; i++) {
    const g = members[i];
    if (g >= nS && dropped !== null && dropped[g - nS] !== 0) continue;
    local.push(g);
  }
  const m = local.length;
  const curOf = (g: number) => (g < nS ? sCur[g] : lCur[g - nS]);
  const parent = new Int32Array(m);
  for (let i = 0; i < m; i++) parent[i] = i;
  const owners = new Map<number, number>();
  const currencyCount = ctx.currencies.length;
  const currencies = new Set<number>();
  let hasS = false;
  let hasL = false;
  for (let i = 0; i < m; i++) {
    const g = local[i];
    const currency = curOf(g);
    currencies.add(currency);
    if (g < nS) hasS = true;
    else hasL = true;
    const slice = refSlice(ctx, g);
    for (let j = slice.from; j < slice.to; j++) {
      const r = slice.refs[j];
      if (usable[r] === 0) continue;
      const key = r * currencyCount + currency;
      const seen = owners.get(key);
      if (seen === undefined) owners.set(key, i);
      else union(parent, i, seen);
    }
  }
  const componentOf = new Int32Array(m).fill(-1);
  const components: number[][] = [];
  for (let i = 0; i < m; i++) {
    const r = find(parent, i);
    if (componentOf[r] === -1) {
      componentOf[r] = components.length;
      components.push([]);
    }
    components[componentOf[r]].push(local[i]);
  }
  const strays: number[] = [];
  for (const component of components) {
    let split = 0;
    while (split < component.length && component[split] < nS) split++;
    if (split > 0 && split < component.length) emitGroup(ctx, usable, component, 0, split, component.length);
    else for (const g of component) strays.push(g);
  }
  if (strays.length > 0 && currencies.size > 1 && hasS && hasL) currencyMismatch(ctx, usable, strays.sort((a, b) => a - b));
}

function currencyMismatch(ctx: MatchingContext, usable: Uint8Array, strays: number[]): void {
  const { statement, ledger, nS } = ctx;
  let split = 0;
  while (split < strays.length && strays[split] < nS) split++;
  const statementIds: string[] = [];
  const ledgerIds: string[] = [];
  const totals = new Map<string, bigint>();
  const first = strays[0];
  const firstCurrency = first < nS ? statement[first].currency : ledger[first - nS].currency;
  let amount = 0n;
  for (let i = 0; i < strays.length; i++) {
    const g = strays[i];
    const isStatement = g < nS;
    const item = isStatement ? statement[g] : ledger[g - nS];
    if (isStatement) {
      statementIds.push(item.id);
      ctx.sState[g] = CURRENCY_MISMATCHED;
    } else {
      ledgerIds.push(item.id);
      ctx.lState[g - nS] = CURRENCY_MISMATCHED;
    }
    const key = `${isStatement ? 'statement' : 'ledger'} ${item.currency}`;
    totals.set(key, (totals.get(key) ?? 0n) + item.amount);
    if (item.currency === firstCurrency && isStatement === first < nS) amount += item.amount;
  }
  if (amount < 0n) amount = -amount;
  const sides = Array.from(totals, ([key, total]) => `${key} ${total}`).join(', ');
  ctx.discrepancies.push({
    type: 'CURRENCY_MISMATCH',
    severity: severityOf(amount, ctx.rules),
    amount,
    currency: firstCurrency,
    statementIds,
    ledgerIds,
    matchIndex: null,
    detail: `entries that share references (${referencesText(ctx, sharedReferences(ctx, usable, strays, 0, split, strays.length))}) differ in currency: ${sides} (minor units); matching never mixes currencies`,
  });
}
