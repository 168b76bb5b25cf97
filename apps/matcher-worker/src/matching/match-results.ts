import { v7 as uuidv7 } from 'uuid';
import { settlementsOf, type EntryLookup, type MatchingResult, type ProposedMatch } from '@concilia/domain';
import { UuidV7Block, UuidV7Source, type MatchRow, type NewDiscrepancy, type SettlementRow } from '@concilia/persistence';

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
        for (let index = 0; index < list.length; index++) yield matchRow(matchIds.at(index), list.at(index));
      },
    };
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
          const match = list.at(index);
          const entries = list.entriesOf(index);
          for (const draft of settlementsOf(match, new EntriesById(entries.statement), new EntriesById(entries.ledger))) {
            yield {
              id: ids.take(),
              matchId: matchIds.at(index),
              ledgerEntryId: draft.ledgerEntryId,
              currency: draft.currency,
              expectedAmount: draft.expectedAmount,
              receivedAmount: draft.receivedAmount,
              difference: draft.difference,
              breakdown: draft.breakdown,
            };
          }
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

function matchRow(id: Uint8Array, match: ProposedMatch): MatchRow {
  return {
    id,
    method: 'AUTO',
    rule: match.rule,
    status: match.status,
    confidence: match.confidence,
    currency: match.currency,
    statementTotal: match.statementTotal,
    ledgerTotal: match.ledgerTotal,
    difference: match.difference,
    explanation: match.explanation,
    note: null,
    statementIds: match.statementIds,
    ledgerIds: match.ledgerIds,
  };
}

/** COMPLETED when everything is settled in accepted matches and nothing waits for a person. */
export function finalStatus(summary: { unmatched: number; suggested: number; openDiscrepancies: number }): 'COMPLETED' | 'PARTIALLY_MATCHED' {
  return summary.unmatched === 0 && summary.suggested === 0 && summary.openDiscrepancies === 0 ? 'COMPLETED' : 'PARTIALLY_MATCHED';
}
