import { v7 as uuidv7 } from 'uuid';
import { settlementsOf, type EntryLookup, type MatchingResult, type MatchList, type MatchStatus } from '@concilia/domain';
import { settlementRows, UuidV7Block, UuidV7Source, type MatchLinkRow, type MatchRow, type NewDiscrepancy, type SettlementRow } from '@concilia/persistence';

/**
 * The engine's proposals as rows to store. A pass proposes up to millions of matches: their
 * rows and settlements are built one at a time while they are written (re-iterable views), never
 * all held at once; only their ids (which discrepancies refer to) are kept, as bytes.
 */
export class ResultRows {
  readonly matchIds: UuidV7Block;
  readonly discrepancies: NewDiscrepancy[];

  constructor(private readonly result: MatchingResult) {
    this.matchIds = new UuidV7Block(result.matchList.length);
    this.discrepancies = result.discrepancies.map((discrepancy) => ({
      id: uuidv7(),
      matchId: discrepancy.matchIndex === null ? null : this.matchIds.text(discrepancy.matchIndex),
      type: discrepancy.type,
      severity: discrepancy.severity,
      amount: discrepancy.amount,
      currency: discrepancy.currency,
      statementEntryIds: discrepancy.statementIds,
      ledgerEntryIds: discrepancy.ledgerIds,
      detail: discrepancy.detail,
    }));
  }

  /** The matches as rows, built as they are read. */
  get matches(): Iterable<MatchRow> {
    const { result, matchIds } = this;
    return {
      *[Symbol.iterator]() {
        const list = result.matchList;
        for (let index = 0; index < list.length; index++) yield new StoredMatchRow(list, index, matchIds.at(index));
      },
    };
  }

  /** Every entry's link to its match, in entry id order (see MatchList.linksInIdOrder). */
  get links(): Iterable<MatchLinkRow> {
    const { result, matchIds } = this;
    return { [Symbol.iterator]: () => result.matchList.linksInIdOrder((match, side, entryId): MatchLinkRow => ({ matchId: matchIds.at(match), entryId, side })) };
  }

  /** A settlement for every ledger entry of an accepted match, built as they are read. */
  get settlements(): Iterable<SettlementRow> {
    const { result, matchIds } = this;
    return {
      *[Symbol.iterator]() {
        const ids = new UuidV7Source();
        const list = result.matchList;
        for (let index = 0; index < list.length; index++) {
          if (list.status(index) !== 'ACCEPTED') continue;
          const entries = list.entriesOf(index);
          const match = {
            currency: list.currency(index),
            statementTotal: list.statementTotal(index),
            ledgerTotal: list.ledgerTotal(index),
            difference: list.difference(index),
            statementIds: entries.statement.map((entry) => entry.id),
            ledgerIds: entries.ledger.map((entry) => entry.id),
          };
          yield* settlementRows(settlementsOf(match, new EntriesById(entries.statement), new EntriesById(entries.ledger)), matchIds.at(index), () => ids.take());
        }
      },
    };
  }
}

/** A match's own few entries, found by id with a scan. */
class EntriesById<T extends { id: string }> implements EntryLookup<T> {
  constructor(private readonly entries: readonly T[]) {}

  get(id: string): T | undefined {
    for (const entry of this.entries) if (entry.id === id) return entry;
    return undefined;
  }
}

/** Match `index` as a row, made as it is written; its explanation is made when read. */
class StoredMatchRow implements MatchRow {
  readonly method = 'AUTO';
  readonly note = null;
  readonly rule: string;
  readonly status: MatchStatus;
  readonly confidence: number;
  readonly currency: string;
  readonly statementTotal: bigint;
  readonly ledgerTotal: bigint;
  readonly difference: bigint;
  readonly statementIds: string[];
  readonly ledgerIds: string[];

  constructor(
    private readonly list: MatchList,
    private readonly index: number,
    readonly id: Uint8Array,
  ) {
    this.rule = list.rule(index);
    this.status = list.status(index);
    this.confidence = list.confidence(index);
    this.currency = list.currency(index);
    this.statementTotal = list.statementTotal(index);
    this.ledgerTotal = list.ledgerTotal(index);
    this.difference = list.difference(index);
    ({ statementIds: this.statementIds, ledgerIds: this.ledgerIds } = list.idsOf(index));
  }

  get explanation(): unknown[] {
    return this.list.explanation(this.index);
  }
}

/** COMPLETED when everything is settled in accepted matches and nothing waits for a person. */
export function finalStatus(summary: { unmatched: number; suggested: number; openDiscrepancies: number }): 'COMPLETED' | 'PARTIALLY_MATCHED' {
  return summary.unmatched === 0 && summary.suggested === 0 && summary.openDiscrepancies === 0 ? 'COMPLETED' : 'PARTIALLY_MATCHED';
}
