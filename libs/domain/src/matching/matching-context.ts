import { DomainError } from '../errors/domain-error';
import type { MatchingRules } from '../matching-rules';
import { epochDay } from './epoch-day';
import { MatchList, type MatchDraft, type SharedCriteria } from './match-list';
import { sortedById } from './id-order';
import { buildReferenceIndex, compileReferencePatterns, type ReferenceIndex } from './reference-keys';
import { ScratchArrays } from './typed-arrays';
import { abs, toleranceFor, withinTolerance } from './tolerance';
import type {
  Criterion,
  DiscrepancySeverity,
  LedgerItem,
  MatchingInput,
  MatchingResult,
  MatchRule,
  ProposedDiscrepancy,
  ProposedMatch,
  StatementItem,
} from './matching.types';

/** Entry states (one byte per entry). */
export const FREE = 0;
export const LOCKED = 1;
export const DUPLICATE = 2;
export const MATCHED = 3;
export const CURRENCY_MISMATCHED = 4;

export const DEFAULT_AGGREGATE_BUDGET = 2_000_000;

/**
 * Everything one run shares, as flat arrays indexed by position. Both sides are sorted by id
 * first, so a position order is an id order and every tie-break on positions is a tie-break on
 * ids: the result does not depend on the order of the input.
 * "Global" positions put both sides on one axis: statement i is i, ledger j is nS + j.
 */
export interface MatchingContext {
  rules: MatchingRules;
  statement: readonly StatementItem[];
  ledger: readonly LedgerItem[];
  nS: number;
  nL: number;
  sState: Uint8Array;
  lState: Uint8Array;
  /** Days since 1970-01-01. */
  sDay: Int32Array;
  lDay: Int32Array;
  /** Currency ids, into `currencies`. */
  sCur: Int32Array;
  lCur: Int32Array;
  currencies: string[];
  window: number;
  tolerance: bigint;
  bps: bigint;
  criteria: CriteriaCache;
  autoAccept: number;
  suggest: number;
  maxGroupSize: number;
  aggregateBudget: number;
  /** Rejected pairs as s * nL + l, or null when there are none. */
  rejected: Set<number> | null;
  rejectedS: number[];
  rejectedL: number[];
  refs: ReferenceIndex;
  /** For a DUPLICATE statement entry: the position of the entry it repeats. */
  duplicateOf: Int32Array;
  /** The proposed matches, column-wise. */
  matchList: MatchList;
  /** Where the phases take their temporary arrays, one phase at a time. */
  scratch: ScratchArrays;
  /** Discrepancies raised by the strategies (inside matches, currency mismatches), in order. */
  discrepancies: ProposedDiscrepancy[];
  stats: MatchingResult['stats'];
  statusCache: Map<string, number>;
}

function dayNumbers(items: readonly { id: string; date: string }[], side: string): Int32Array {
  const days = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const day = epochDay(items[i].date);
    if (Number.isNaN(day)) throw new DomainError('date_invalid', `${side} entry '${items[i].id}' has an invalid date '${String(items[i].date)}'`);
    days[i] = day;
  }
  return days;
}

function currencyIds(items: readonly { currency: string }[], ids: Map<string, number>, names: string[]): Int32Array {
  const out = new Int32Array(items.length);
  let lastCurrency = '';
  let lastId = -1;
  for (let i = 0; i < items.length; i++) {
    const currency = items[i].currency;
    if (currency !== lastCurrency || lastId < 0) {
      let id = ids.get(currency);
      if (id === undefined) {
        id = names.length;
        ids.set(currency, id);
        names.push(currency);
      }
      lastCurrency = currency;
      lastId = id;
    }
    out[i] = lastId;
  }
  return out;
}

function lockedStates(items: readonly { id: string }[], locked: ReadonlySet<string> | undefined): Uint8Array {
  const states = new Uint8Array(items.length);
  if (locked && locked.size > 0) for (let i = 0; i < items.length; i++) if (locked.has(items[i].id)) states[i] = LOCKED;
  return states;
}

/** Resolves `${statementId}|${ledgerId}` keys to positions (ids may themselves contain '|'). */
function resolveRejected(
  pairs: ReadonlySet<string> | undefined,
  statement: readonly { id: string }[],
  ledger: readonly { id: string }[],
): { set: Set<number>; s: number[]; l: number[] } | null {
  if (!pairs || pairs.size === 0) return null;
  const wantS = new Map<string, number>();
  const wantL = new Map<string, number>();
  for (const key of pairs) {
    for (let bar = key.indexOf('|'); bar !== -1; bar = key.indexOf('|', bar + 1)) {
      wantS.set(key.slice(0, bar), -1);
      wantL.set(key.slice(bar + 1), -1);
    }
  }
  for (let i = 0; i < statement.length; i++) if (wantS.has(statement[i].id)) wantS.set(statement[i].id, i);
  for (let i = 0; i < ledger.length; i++) if (wantL.has(ledger[i].id)) wantL.set(ledger[i].id, i);
  const set = new Set<number>();
  const s: number[] = [];
  const l: number[] = [];
  for (const key of pairs) {
    for (let bar = key.indexOf('|'); bar !== -1; bar = key.indexOf('|', bar + 1)) {
      const si = wantS.get(key.slice(0, bar)) ?? -1;
      const li = wantL.get(key.slice(bar + 1)) ?? -1;
      if (si >= 0 && li >= 0) {
        const code = si * ledger.length + li;
        if (!set.has(code)) {
          set.add(code);
          s.push(si);
          l.push(li);
        }
      }
    }
  }
  return set.size > 0 ? { set, s, l } : null;
}

export function createContext(input: MatchingInput): MatchingContext {
  const rules = input.rules;
  const statement = sortedById(input.statement, 'statement');
  const ledger = sortedById(input.ledger, 'ledger');
  const nS = statement.length;
  const nL = ledger.length;
  const currencyIndex = new Map<string, number>();
  const currencies: string[] = [];
  const sState = lockedStates(statement, input.lockedStatementIds);
  const lState = lockedStates(ledger, input.lockedLedgerIds);
  const patterns = compileReferencePatterns(rules.referencePatterns);
  const refs = buildReferenceIndex({
    statement,
    ledger,
    skipLedger: lState,
    useExternalIdAsReference: rules.useExternalIdAsReference,
    patterns,
  });
  const rejected = resolveRejected(input.rejectedPairs, statement, ledger);
  const tolerance = rules.amountTolerance > 0n ? rules.amountTolerance : 0n;
  const bps = BigInt(Math.max(0, Math.floor(rules.amountToleranceBps)));
  const emptyStats = () => ({ matches: 0, statementEntries: 0, ledgerEntries: 0 });
  const sCur = currencyIds(statement, currencyIndex, currencies);
  const lCur = currencyIds(ledger, currencyIndex, currencies);
  const criteria = new CriteriaCache(tolerance, bps);
  return {
    rules,
    statement,
    ledger,
    nS,
    nL,
    sState,
    lState,
    sDay: dayNumbers(statement, 'statement'),
    lDay: dayNumbers(ledger, 'ledger'),
    sCur,
    lCur,
    currencies,
    window: Math.max(0, Math.floor(rules.dateWindowDays)),
    tolerance,
    bps,
    criteria,
    autoAccept: rules.autoAcceptThreshold,
    suggest: rules.suggestThreshold,
    maxGroupSize: Math.max(0, Math.floor(rules.maxGroupSize)),
    aggregateBudget: input.aggregateBudget ?? DEFAULT_AGGREGATE_BUDGET,
    rejected: rejected ? rejected.set : null,
    rejectedS: rejected ? rejected.s : [],
    rejectedL: rejected ? rejected.l : [],
    refs,
    duplicateOf: new Int32Array(0),
    matchList: new MatchList(statement, ledger, currencies, criteria, refs.name),
    scratch: new ScratchArrays(referenceStrategyScratchBytes(nS, nL, refs.count)),
    discrepancies: [],
    stats: { REFERENCE: emptyStats(), AMOUNT_DATE: emptyStats(), AGGREGATE: emptyStats(), aggregateBudgetExhausted: false },
    statusCache: new Map(),
  };
}

/**
 * About what the reference strategy, the largest of the phases, takes from the scratch arrays
 * (see runReferenceStrategy): allocated once, before the phases, it serves them all. Only an
 * estimate: a phase that needs more gets a larger buffer.
 */
function referenceStrategyScratchBytes(nS: number, nL: number, references: number): number {
  return 9 * references + 20 * (nS + nL) + 12 * nS + 64;
}

export function isRejected(ctx: MatchingContext, s: number, l: number): boolean {
  return ctx.rejected !== null && ctx.rejected.has(s * ctx.nL + l);
}

export function isWithinTolerance(ctx: MatchingContext, difference: bigint, ledgerTotal: bigint): boolean {
  return difference === 0n || withinTolerance(difference, ledgerTotal, ctx.tolerance, ctx.bps);
}

export function toleranceText(ctx: MatchingContext, ledgerTotal: bigint): string {
  return ctx.criteria.toleranceText(ledgerTotal);
}

export function statusOf(ctx: MatchingContext, confidence: number): 'ACCEPTED' | 'SUGGESTED' {
  return confidence >= ctx.autoAccept ? 'ACCEPTED' : 'SUGGESTED';
}

export function severityOf(amount: bigint, rules: MatchingRules): DiscrepancySeverity {
  const value = abs(amount);
  if (value >= rules.severityCriticalAmount) return 'CRITICAL';
  if (value >= rules.severityWarningAmount) return 'WARNING';
  return 'INFO';
}

export function currencyCriterion(ctx: MatchingContext, currency: string): Criterion {
  return ctx.criteria.currency(currency);
}

export function amountCriterion(ctx: MatchingContext, ledgerTotal: bigint, difference: bigint, within: boolean): Criterion {
  return ctx.criteria.amount(ledgerTotal, difference, within);
}

/**
 * The currency and amount criteria of matches, shared and frozen where they repeat. Apart from
 * the context, as the match list keeps it to make explanations when matches are read: the rest
 * of the context (the reference index above all) is garbage once the engine returns.
 */
class CriteriaCache implements SharedCriteria {
  private readonly currencies = new Map<string, Criterion>();
  private readonly exactAmounts = new Map<string, Criterion>();
  private readonly fixedTolerance: string;

  constructor(
    private readonly tolerance: bigint,
    private readonly bps: bigint,
  ) {
    this.fixedTolerance = tolerance.toString();
  }

  /** The tolerance that applies to a ledger total, as a minor-unit string. */
  toleranceText(ledgerTotal: bigint): string {
    return this.bps === 0n ? this.fixedTolerance : toleranceFor(ledgerTotal, this.tolerance, this.bps).toString();
  }

  /** One shared, frozen criterion per currency. */
  currency(currency: string): Criterion {
    let criterion = this.currencies.get(currency);
    if (criterion === undefined) {
      criterion = Object.freeze({ name: 'currency', passed: true, detail: Object.freeze({ currency }) }) as Criterion;
      this.currencies.set(currency, criterion);
    }
    return criterion;
  }

  /**
   * The amount test of a match: the difference (statementTotal - ledgerTotal, also on the match with
   * both totals) and the tolerance that applied, as minor-unit strings. Shared and frozen for exact
   * matches under a fixed tolerance: a million reference matches share one object.
   */
  amount(ledgerTotal: bigint, difference: bigint, within: boolean): Criterion {
    const tolerance = this.toleranceText(ledgerTotal);
    if (difference === 0n) {
      let shared = this.exactAmounts.get(tolerance);
      if (shared === undefined) {
        shared = Object.freeze({ name: 'amount', passed: true, detail: Object.freeze({ difference: '0', tolerance }) }) as Criterion;
        this.exactAmounts.set(tolerance, shared);
      }
      return shared;
    }
    return { name: 'amount', passed: within, detail: { difference: difference.toString(), tolerance } };
  }
}

const CANCELLED_STATUSES = new Set(['CANCELLED', 'CANCELED', 'REFUNDED', 'VOIDED', 'VOID']);
const REVERSED_STATUSES = new Set(['REVERSED', 'RETURNED', 'REFUNDED', 'CHARGEBACK', 'CHARGED_BACK', 'CANCELLED', 'CANCELED', 'VOIDED', 'FAILED', 'REJECTED']);
const STATUS_CANCELLED = 1;
const STATUS_REVERSED = 2;

/** Bit flags of a status text (case-insensitive): 1 = an order that should not be paid, 2 = money that went back. */
function statusFlags(ctx: MatchingContext, status: string | null): number {
  if (status === null) return 0;
  let flags = ctx.statusCache.get(status);
  if (flags === undefined) {
    const key = status.trim().toUpperCase();
    flags = (CANCELLED_STATUSES.has(key) ? STATUS_CANCELLED : 0) | (REVERSED_STATUSES.has(key) ? STATUS_REVERSED : 0);
    ctx.statusCache.set(status, flags);
  }
  return flags;
}

/**
 * Records a match over global positions `members[from .. split)` (statement) and
 * `members[split .. to)` (ledger, as nS + j), marks its entries MATCHED, and raises the
 * discrepancies that live inside it: AMOUNT_MISMATCH when outside the tolerance,
 * STATUS_MISMATCH when money arrived for a cancelled/refunded/voided order, or when the
 * statement side says the money went back (reversed, returned...) for a live order.
 */
export function addMatch(
  ctx: MatchingContext,
  rule: MatchRule,
  members: ArrayLike<number>,
  from: number,
  split: number,
  to: number,
  statementTotal: bigint,
  ledgerTotal: bigint,
  within: boolean,
  confidence: number,
  explanation: MatchDraft['explanation'],
): number {
  const { statement, ledger, nS } = ctx;
  const first = members[from];
  const currency = ctx.sCur[first];
  const matchIndex = ctx.matchList.add({ rule, members, from, split, to, statementTotal, ledgerTotal, within, confidence, status: statusOf(ctx, confidence), currency, explanation });
  const stats = ctx.stats[rule];
  stats.matches++;
  stats.statementEntries += split - from;
  stats.ledgerEntries += to - split;

  let ledgerFlags = 0;
  let statementFlags = 0;
  for (let k = from; k < split; k++) {
    const s = members[k];
    ctx.sState[s] = MATCHED;
    statementFlags |= statusFlags(ctx, statement[s].status);
  }
  for (let k = split; k < to; k++) {
    const l = members[k] - nS;
    ctx.lState[l] = MATCHED;
    ledgerFlags |= statusFlags(ctx, ledger[l].status);
  }
  if (within && ledgerFlags === 0 && statementFlags === 0) return matchIndex;
  const match = ctx.matchList.at(matchIndex);
  if (!within) {
    const gap = abs(match.difference);
    ctx.discrepancies.push({
      type: 'AMOUNT_MISMATCH',
      severity: severityOf(gap, ctx.rules),
      amount: gap,
      currency: match.currency,
      statementIds: match.statementIds.slice(),
      ledgerIds: match.ledgerIds.slice(),
      matchIndex,
      detail: `statement total ${statementTotal} vs ledger total ${ledgerTotal}: difference ${match.difference} is outside the tolerance of ${toleranceText(ctx, ledgerTotal)} (minor units)`,
    });
  }
  if (ledgerFlags !== 0 || statementFlags !== 0) statusMismatch(ctx, members, from, split, to, match, matchIndex);
  return matchIndex;
}

function statusMismatch(ctx: MatchingContext, members: ArrayLike<number>, from: number, split: number, to: number, match: ProposedMatch, matchIndex: number): void {
  const { statement, ledger, nS } = ctx;
  const cancelled: string[] = [];
  for (let k = split; k < to; k++) {
    const item = ledger[members[k] - nS];
    if ((statusFlags(ctx, item.status) & STATUS_CANCELLED) !== 0) cancelled.push(`${item.id} (${item.status})`);
  }
  if (cancelled.length > 0) {
    if (match.statementTotal === 0n) return; // no money arrived: nothing to flag
    ctx.discrepancies.push({
      type: 'STATUS_MISMATCH',
      severity: severityOf(match.statementTotal, ctx.rules),
      amount: abs(match.statementTotal),
      currency: match.currency,
      statementIds: match.statementIds.slice(),
      ledgerIds: match.ledgerIds.slice(),
      matchIndex,
      detail: `money arrived (${match.statementTotal} minor units) for ledger entries that should not be paid: ${cancelled.join(', ')}`,
    });
    return;
  }
  let reversedTotal = 0n;
  const reversed: string[] = [];
  for (let k = from; k < split; k++) {
    const item = statement[members[k]];
    if ((statusFlags(ctx, item.status) & STATUS_REVERSED) !== 0) {
      reversed.push(`${item.id} (${item.status})`);
      reversedTotal += item.amount;
    }
  }
  if (reversed.length === 0) return;
  ctx.discrepancies.push({
    type: 'STATUS_MISMATCH',
    severity: severityOf(reversedTotal, ctx.rules),
    amount: abs(reversedTotal),
    currency: match.currency,
    statementIds: match.statementIds.slice(),
    ledgerIds: match.ledgerIds.slice(),
    matchIndex,
    detail: `the statement says the money went back (${reversed.join(', ')}) while the ledger entries are live`,
  });
}
