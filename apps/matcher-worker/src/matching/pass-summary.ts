import type { ClosedEntry, NewDiscrepancy, SideTotals, StoredResultCounts } from '@concilia/persistence';

interface Entry {
  amount: bigint;
  currency: string;
}

/** What a pass read of the statement side and left: the open entries, those a person set aside, those no active match holds. */
export interface PassStatementEntries {
  open: readonly Entry[];
  closed: readonly ClosedEntry[];
  outsideMatches: readonly Entry[];
}

/**
 * The summary's statement totals after a pass, from what the pass read and the engine left
 * instead of an anti-join over every entry. Same definition as computeSummary: an entry is
 * unmatched unless an active match holds it (a kept match or one of the pass's own); closed
 * entries count but are never unmatched. Exact at commit: every other writer of the
 * reconciliation's statement entries waits for the pass's lock or asks for a follow-up pass.
 */
export function statementTotalsAfterPass(currency: string, read: PassStatementEntries): SideTotals {
  return {
    count: read.open.length + read.closed.length,
    amount: sumOf(currency, read.open) + sumOf(currency, read.closed),
    unmatched: read.outsideMatches.length,
    unmatchedAmount: sumOf(currency, read.outsideMatches),
  };
}

/** The amounts in `currency` added up; the others are counted elsewhere, never summed. */
function sumOf(currency: string, entries: readonly Entry[]): bigint {
  let total = 0n;
  for (const entry of entries) if (entry.currency === currency) total += entry.amount;
  return total;
}

/** The pass's matches as the summary counts them: how many, and each one's status and statement total. */
export interface PassMatches {
  length: number;
  status(index: number): string;
  statementTotal(index: number): bigint;
}

/** The stored result counts once the pass's matches and discrepancies are written beside what was kept. */
export function withPassResults(kept: StoredResultCounts, matches: PassMatches, discrepancies: readonly Pick<NewDiscrepancy, 'type' | 'amount'>[]): StoredResultCounts {
  const counts: StoredResultCounts = {
    accepted: { ...kept.accepted },
    suggested: kept.suggested,
    amountMismatch: { ...kept.amountMismatch },
    statusMismatch: kept.statusMismatch,
    discrepancies: { ...kept.discrepancies, open: kept.discrepancies.open + discrepancies.length },
  };
  for (let index = 0; index < matches.length; index++) {
    if (matches.status(index) === 'ACCEPTED') {
      counts.accepted.count++;
      counts.accepted.amount += matches.statementTotal(index);
    } else counts.suggested++;
  }
  for (const discrepancy of discrepancies) {
    if (discrepancy.type === 'AMOUNT_MISMATCH') {
      counts.amountMismatch.count++;
      counts.amountMismatch.amount += discrepancy.amount;
    } else if (discrepancy.type === 'STATUS_MISMATCH') counts.statusMismatch++;
  }
  return counts;
}
