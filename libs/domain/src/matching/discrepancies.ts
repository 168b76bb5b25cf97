import { DUPLICATE, FREE, severityOf, type MatchingContext } from './matching-context';
import type { ProposedDiscrepancy } from './matching.types';
import { abs } from './tolerance';

/**
 * What the strategies left: DUPLICATE_STATEMENT_ENTRY for each repeat (not an orphan),
 * UNEXPECTED_STATEMENT_ENTRY for each free statement entry ("paid, never expected") and
 * MISSING_STATEMENT_ENTRY for each free ledger entry ("expected, never paid"), in id order.
 * Amounts are absolute; the signed amount is in the detail.
 */
export function outcomeDiscrepancies(ctx: MatchingContext, unmatchedStatementIds: string[], unmatchedLedgerIds: string[]): ProposedDiscrepancy[] {
  const out: ProposedDiscrepancy[] = [];
  const { statement, ledger, sState, lState, rules } = ctx;
  for (let s = 0; s < ctx.nS; s++) {
    if (sState[s] !== DUPLICATE) continue;
    const item = statement[s];
    const original = statement[ctx.duplicateOf[s]];
    const amount = abs(item.amount);
    out.push({
      type: 'DUPLICATE_STATEMENT_ENTRY',
      severity: severityOf(amount, rules),
      amount,
      currency: item.currency,
      statementIds: [item.id],
      ledgerIds: [],
      matchIndex: null,
      detail: `repeats statement entry ${original.id} (same amount ${item.amount}, date ${item.date}, references and description)`,
    });
  }
  for (let s = 0; s < ctx.nS; s++) {
    if (sState[s] !== FREE) continue;
    const item = statement[s];
    const amount = abs(item.amount);
    unmatchedStatementIds.push(item.id);
    out.push({
      type: 'UNEXPECTED_STATEMENT_ENTRY',
      severity: severityOf(amount, rules),
      amount,
      currency: item.currency,
      statementIds: [item.id],
      ledgerIds: [],
      matchIndex: null,
      detail: `statement entry of ${item.amount} on ${item.date} has no ledger counterpart`,
    });
  }
  for (let l = 0; l < ctx.nL; l++) {
    if (lState[l] !== FREE) continue;
    const item = ledger[l];
    const amount = abs(item.amount);
    unmatchedLedgerIds.push(item.id);
    out.push({
      type: 'MISSING_STATEMENT_ENTRY',
      severity: severityOf(amount, rules),
      amount,
      currency: item.currency,
      statementIds: [],
      ledgerIds: [item.id],
      matchIndex: null,
      detail: `ledger entry ${item.externalId} of ${item.amount} on ${item.date} has no statement counterpart`,
    });
  }
  return out;
}
