import { settlementsOf, type SettlementDraft } from '../settlement/settlement';
import { typedArrays } from './typed-arrays';
import type { Criterion, LedgerItem, MatchRule, MatchStatus, ProposedMatch, StatementItem } from './matching.types';

const RULES: readonly MatchRule[] = ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The criteria many matches share, made where the rules are known. */
export interface SharedCriteria {
  currency(currency: string): Criterion;
  amount(ledgerTotal: bigint, difference: bigint, within: boolean): Criterion;
}

/** A match as the strategies propose it: global positions `members[from .. split)` (statement) and `[split .. to)` (ledger, as nS + j). */
export interface MatchDraft {
  rule: MatchRule;
  members: ArrayLike<number>;
  from: number;
  split: number;
  to: number;
  statementTotal: bigint;
  ledgerTotal: bigint;
  within: boolean;
  confidence: number;
  status: MatchStatus;
  currency: number;
  /**
   * Its criteria; or, for a reference match, only the references its sides share (their names,
   * or the id of the one reference a pair shares): its reference, currency and amount criteria
   * are then made when it is read.
   */
  explanation: Criterion[] | string | number;
}

/**
 * The proposed matches of a run, held column-wise: a few typed arrays and one slot per match
 * instead of an object, two id arrays and an explanation each (about 60 bytes a match where the
 * objects took about 400, which at a million matches is most of the engine's memory and of its
 * garbage collection). `at(i)` makes match i as a ProposedMatch when it is read.
 */
export class MatchList {
  length = 0;
  readonly #statement: readonly StatementItem[];
  readonly #ledger: readonly LedgerItem[];
  readonly #currencies: readonly string[];
  readonly #criteria: SharedCriteria;
  readonly #referenceName: (reference: number) => string;
  #rule: Uint8Array;
  #confidence: Float64Array;
  /** 1 accepted, 0 suggested. */
  #accepted: Uint8Array;
  #within: Uint8Array;
  #currency: Int32Array;
  /** statementTotal, ledgerTotal of match i at 2i, 2i + 1; totals beyond 64 bits in #hugeTotals. */
  #totals: BigInt64Array;
  readonly #hugeTotals = new Map<number, bigint>();
  #explanation: (Criterion[] | string | number)[] = [];
  /** `settlements` looks the entries of match #settlementMatch up through these two, one per side. */
  #settlementMatch = 0;
  readonly #statementOfMatch = { get: (id: string) => this.#entryOf(this.#settlementMatch, 'statement', id) };
  readonly #ledgerOfMatch = { get: (id: string) => this.#entryOf(this.#settlementMatch, 'ledger', id) };
  /** Match i's entries are #positions[#start[i] .. #start[i + 1]). */
  #start: Int32Array;
  #positions: Int32Array;

  constructor(
    statement: readonly StatementItem[],
    ledger: readonly LedgerItem[],
    currencies: readonly string[],
    criteria: SharedCriteria,
    referenceName: (reference: number) => string = unnamedReference,
  ) {
    this.#referenceName = referenceName;
    this.#statement = statement;
    this.#ledger = ledger;
    this.#currencies = currencies;
    this.#criteria = criteria;
    // A match takes at least one entry of each side: min(nS, nL) matches at most, nS + nL positions.
    const capacity = Math.min(statement.length, ledger.length);
    const arrays = typedArrays({
      rule: ['u8', capacity],
      confidence: ['f64', capacity],
      accepted: ['u8', capacity],
      within: ['u8', capacity],
      currency: ['i32', capacity],
      totals: ['i64', capacity * 2],
      start: ['i32', capacity + 1],
      positions: ['i32', statement.length + ledger.length],
    });
    this.#rule = arrays.rule;
    this.#confidence = arrays.confidence;
    this.#accepted = arrays.accepted;
    this.#within = arrays.within;
    this.#currency = arrays.currency;
    this.#totals = arrays.totals;
    this.#start = arrays.start;
    this.#positions = arrays.positions;
  }

  /** Stores a match; returns its index. */
  add(draft: MatchDraft): number {
    const i = this.length;
    if (i === this.#rule.length) throw new Error(`a match beyond the ${i} the entries allow: an entry is in two matches`);
    const nS = this.#statement.length;
    for (let k = draft.from; k < draft.to; k++) {
      if (draft.members[k] < nS !== k < draft.split) throw new Error(`match ${i}: member ${k} is not on its side (statement members first, then ledger members)`);
    }
    this.length++;
    this.#rule[i] = RULES.indexOf(draft.rule);
    this.#confidence[i] = draft.confidence;
    this.#accepted[i] = draft.status === 'ACCEPTED' ? 1 : 0;
    this.#within[i] = draft.within ? 1 : 0;
    this.#currency[i] = draft.currency;
    this.#setTotal(2 * i, draft.statementTotal);
    this.#setTotal(2 * i + 1, draft.ledgerTotal);
    this.#explanation.push(draft.explanation);
    const at = this.#start[i];
    for (let k = draft.from; k < draft.to; k++) this.#positions[at + k - draft.from] = draft.members[k];
    this.#start[i + 1] = at + draft.to - draft.from;
    return i;
  }

  rule(i: number): MatchRule {
    return RULES[this.#rule[i]];
  }

  confidence(i: number): number {
    return this.#confidence[i];
  }

  status(i: number): MatchStatus {
    return this.#accepted[i] === 1 ? 'ACCEPTED' : 'SUGGESTED';
  }

  currency(i: number): string {
    return this.#currencies[this.#currency[i]];
  }

  statementTotal(i: number): bigint {
    return this.#total(2 * i);
  }

  ledgerTotal(i: number): bigint {
    return this.#total(2 * i + 1);
  }

  /** statementTotal - ledgerTotal */
  difference(i: number): bigint {
    const statementTotal = this.#total(2 * i);
    const ledgerTotal = this.#total(2 * i + 1);
    return statementTotal === ledgerTotal ? 0n : statementTotal - ledgerTotal;
  }

  withinTolerance(i: number): boolean {
    return this.#within[i] === 1;
  }

  /** Match i's entry ids, statement side then ledger side. */
  idsOf(i: number): { statementIds: string[]; ledgerIds: string[] } {
    const statementEntries = this.statementEntryCount(i);
    const count = this.entryCount(i);
    const ids: { statementIds: string[]; ledgerIds: string[] } = { statementIds: new Array(statementEntries), ledgerIds: new Array(count - statementEntries) };
    for (let k = 0; k < statementEntries; k++) ids.statementIds[k] = this.entryId(i, k);
    for (let k = statementEntries; k < count; k++) ids.ledgerIds[k - statementEntries] = this.entryId(i, k);
    return ids;
  }

  /** How many entries match i holds: its statement entries (`statementEntryCount`), then its ledger entries. */
  entryCount(i: number): number {
    return this.#start[i + 1] - this.#start[i];
  }

  statementEntryCount(i: number): number {
    const nS = this.#statement.length;
    let count = 0;
    for (let k = this.#start[i]; k < this.#start[i + 1]; k++) if (this.#positions[k] < nS) count++;
    return count;
  }

  /** The id of match i's k-th entry: statement entries come first (`add` stores a draft's statement members before its ledger members). */
  entryId(i: number, k: number): string {
    const g = this.#positions[this.#start[i] + k];
    const nS = this.#statement.length;
    return g < nS ? this.#statement[g].id : this.#ledger[g - nS].id;
  }

  /**
   * Every entry in a match, with its match, in ascending id order over both sides (each side is
   * held in id order; the two are merged). Written in this order, an index keyed by entry id is
   * filled from left to right instead of at random: fewer pages touched and split. Each link is
   * what `link` makes of it (the caller's row, made once).
   */
  *linksInIdOrder<T>(link: (match: number, side: 'STATEMENT' | 'LEDGER', id: string) => T): Generator<T> {
    const statement = this.#statement;
    const ledger = this.#ledger;
    const nS = statement.length;
    const end = nS + ledger.length;
    const owner = this.#matchOfEachPosition();
    let s = nextMatched(owner, 0, nS);
    let l = nextMatched(owner, nS, end);
    while (s < nS || l < end) {
      if (l === end || (s < nS && statement[s].id < ledger[l - nS].id)) {
        yield link(owner[s], 'STATEMENT', statement[s].id);
        s = nextMatched(owner, s + 1, nS);
      } else {
        yield link(owner[l], 'LEDGER', ledger[l - nS].id);
        l = nextMatched(owner, l + 1, end);
      }
    }
  }

  /** Match i's settlements, as `settlementsOf` makes them (an accepted match's: the caller checks its status). */
  settlements(i: number): SettlementDraft[] {
    this.#settlementMatch = i;
    const { statementIds, ledgerIds } = this.idsOf(i);
    const statementTotal = this.statementTotal(i);
    const ledgerTotal = this.ledgerTotal(i);
    return settlementsOf(
      { currency: this.currency(i), statementTotal, ledgerTotal, difference: statementTotal - ledgerTotal, statementIds, ledgerIds },
      this.#statementOfMatch,
      this.#ledgerOfMatch,
    );
  }

  /** Match i's entry of one side with this id, found among the match's own few. */
  #entryOf<S extends 'statement' | 'ledger'>(i: number, side: S, id: string): (S extends 'statement' ? StatementItem : LedgerItem) | undefined {
    const nS = this.#statement.length;
    const onStatementSide = side === 'statement';
    for (let k = this.#start[i]; k < this.#start[i + 1]; k++) {
      const g = this.#positions[k];
      if (g < nS !== onStatementSide) continue;
      const entry = onStatementSide ? this.#statement[g] : this.#ledger[g - nS];
      if (entry.id === id) return entry as S extends 'statement' ? StatementItem : LedgerItem;
    }
    return undefined;
  }

  /** Match i's criteria, made now for a reference match. */
  explanation(i: number): Criterion[] {
    const stored = this.#explanation[i];
    if (typeof stored === 'object') return stored;
    const explanation = typeof stored === 'number' ? this.#referenceName(stored) : stored;
    const statementEntries = this.statementEntryCount(i);
    return [
      { name: 'reference', passed: true, detail: { references: explanation, statementEntries, ledgerEntries: this.entryCount(i) - statementEntries } },
      this.#criteria.currency(this.currency(i)),
      this.#criteria.amount(this.ledgerTotal(i), this.difference(i), this.withinTolerance(i)),
    ];
  }

  /** Match i as a ProposedMatch, made now. */
  at(i: number): ProposedMatch {
    return {
      ...this.idsOf(i),
      rule: this.rule(i),
      confidence: this.confidence(i),
      status: this.status(i),
      currency: this.currency(i),
      statementTotal: this.statementTotal(i),
      ledgerTotal: this.ledgerTotal(i),
      difference: this.difference(i),
      withinTolerance: this.withinTolerance(i),
      explanation: this.explanation(i),
    };
  }

  /** Every match, made now (tests and small runs; a pass reads them one at a time with `at`). */
  toArray(): ProposedMatch[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** For each global position (statement, then ledger): the index of the match it is in, or -1. */
  #matchOfEachPosition(): Int32Array {
    const owner = new Int32Array(this.#statement.length + this.#ledger.length).fill(-1);
    for (let i = 0; i < this.length; i++) for (let k = this.#start[i]; k < this.#start[i + 1]; k++) owner[this.#positions[k]] = i;
    return owner;
  }

  #setTotal(slot: number, value: bigint): void {
    if (value >= INT64_MIN && value <= INT64_MAX) this.#totals[slot] = value;
    else this.#hugeTotals.set(slot, value);
  }

  #total(slot: number): bigint {
    return this.#hugeTotals.size === 0 ? this.#totals[slot] : (this.#hugeTotals.get(slot) ?? this.#totals[slot]);
  }
}

function unnamedReference(reference: number): string {
  throw new Error(`a match names reference ${reference}, but its list was given no reference names`);
}

/** The first position in [from, end) whose entry is in a match, or `end`. */
function nextMatched(owner: Int32Array, from: number, end: number): number {
  let i = from;
  while (i < end && owner[i] < 0) i++;
  return i;
}
