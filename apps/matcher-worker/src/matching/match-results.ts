import { v7 as uuidv7 } from 'uuid';
import type { MatchingResult } from '@concilia/domain';
import { UuidV7Block, type NewDiscrepancy } from '@concilia/persistence';

/**
 * What a pass stores besides the engine's match list, which the repository writes as it is
 * (matches, links, settlements, no object per match): the matches' ids, as bytes (match i is
 * named by id i), and the discrepancies, which refer to them.
 */
export class ResultRows {
  readonly matchIds: UuidV7Block;
  readonly discrepancies: NewDiscrepancy[];

  constructor(result: MatchingResult) {
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
}

/** COMPLETED when everything is settled in accepted matches and nothing waits for a person. */
export function finalStatus(summary: { unmatched: number; suggested: number; openDiscrepancies: number }): 'COMPLETED' | 'PARTIALLY_MATCHED' {
  return summary.unmatched === 0 && summary.suggested === 0 && summary.openDiscrepancies === 0 ? 'COMPLETED' : 'PARTIALLY_MATCHED';
}
