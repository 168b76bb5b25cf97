import { v7 as uuidv7 } from 'uuid';
import { settlementsOf, type MatchingResult } from '@concilia/domain';
import type { LedgerItemRow, NewDiscrepancy, NewMatch, NewSettlement, StatementItemRow } from '@concilia/persistence';

export interface ResultRows {
  matches: NewMatch[];
  discrepancies: NewDiscrepancy[];
  settlements: NewSettlement[];
}

/** Turns the engine's proposals into rows, with ids; settlements for every ledger entry of an accepted match. */
export function toResultRows(
  result: MatchingResult,
  statement: ReadonlyMap<string, StatementItemRow>,
  ledger: ReadonlyMap<string, LedgerItemRow>,
): ResultRows {
  const matches: NewMatch[] = result.matches.map((match) => ({
    id: uuidv7(),
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
  }));
  const discrepancies: NewDiscrepancy[] = result.discrepancies.map((discrepancy) => ({
    id: uuidv7(),
    matchId: discrepancy.matchIndex === null ? null : matches[discrepancy.matchIndex].id,
    type: discrepancy.type,
    severity: discrepancy.severity,
    amount: discrepancy.amount,
    currency: discrepancy.currency,
    statementEntryIds: discrepancy.statementIds,
    ledgerEntryIds: discrepancy.ledgerIds,
    detail: discrepancy.detail,
  }));
  const settlements: NewSettlement[] = [];
  for (let index = 0; index < result.matches.length; index++) {
    const match = result.matches[index];
    if (match.status !== 'ACCEPTED') continue;
    for (const draft of settlementsOf(match, statement, ledger)) settlements.push(Object.assign(draft, { id: uuidv7(), matchId: matches[index].id }));
  }
  return { matches, discrepancies, settlements };
}

/** COMPLETED when everything is settled in accepted matches and nothing waits for a person. */
export function finalStatus(summary: { unmatched: number; suggested: number; openDiscrepancies: number }): 'COMPLETED' | 'PARTIALLY_MATCHED' {
  return summary.unmatched === 0 && summary.suggested === 0 && summary.openDiscrepancies === 0 ? 'COMPLETED' : 'PARTIALLY_MATCHED';
}
