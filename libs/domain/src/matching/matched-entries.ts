import type { LedgerItem, StatementItem } from './matching.types';

/**
 * The entries of each match as global positions (statement i is i, ledger j is nS + j), in one
 * growing Int32Array: a million matches cost a few megabytes here, where a map from id to
 * entry would cost a hundred.
 */
export class MatchMembers {
  /** Match i's positions are positions[start[i] .. start[i + 1]). */
  readonly start: number[] = [0];
  positions = new Int32Array(0);

  add(members: ArrayLike<number>, from: number, to: number): void {
    const at = this.start[this.start.length - 1];
    const end = at + to - from;
    if (end > this.positions.length) {
      const grown = new Int32Array(Math.max(end, this.positions.length * 2, 256));
      grown.set(this.positions.subarray(0, at));
      this.positions = grown;
    }
    for (let k = from; k < to; k++) this.positions[at + k - from] = members[k];
    this.start.push(end);
  }
}

/** The entries of the proposed matches, as the engine held them: no lookup by id needed. */
export class MatchedEntries {
  constructor(
    private readonly statement: readonly StatementItem[],
    private readonly ledger: readonly LedgerItem[],
    private readonly members: MatchMembers,
  ) {}

  /** matches[index]'s entries, in the order of its statementIds and ledgerIds. */
  of(index: number): { statement: StatementItem[]; ledger: LedgerItem[] } {
    const { start, positions } = this.members;
    const nS = this.statement.length;
    const entries: { statement: StatementItem[]; ledger: LedgerItem[] } = { statement: [], ledger: [] };
    for (let k = start[index]; k < start[index + 1]; k++) {
      const g = positions[k];
      if (g < nS) entries.statement.push(this.statement[g]);
      else entries.ledger.push(this.ledger[g - nS]);
    }
    return entries;
  }
}
