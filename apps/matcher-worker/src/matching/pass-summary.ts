import type { ClosedEntry, EntryTotals, NewDiscrepancy, NewMatch, SideTotals, StoredResultCounts } from '@concilia/persistence';

interface Entry {
  amount: bigint;
  currency: string;
}

/** What a pass read and left: the entries it matched, the statement entries a person set aside, the entries no active match holds. */
export interface PassEntries {
  statement: readonly Entry[];
  closedStatement: readonly ClosedEntry[];
  ledger: readonly Entry[];
  outsideMatches: { statement: readonly Entry[]; ledger: readonly Entry[] };
}

/**
 * The summary's entry totals after a pass, from what the pass read instead of anti-joins over
 * the stored entries (which cost more than the pass at a million entries). Same definition as
 * computeSummary: an entry is unmatched unless an active match holds it (a kept match, or one
 * of the pass's own); closed statement entries count but are never unmatched. The ledger side
 * is what the pass read: the window-widened period, minus entries other reconciliations hold.
 * Entries that arrive during the pass set rematch_requested, so the next pass counts them.
 */
export function entryTotalsAfterPass(currency: string, read: PassEntries): EntryTotals {
  const statement = sideTotals(currency, read.statement, read.outsideMatches.statement);
  for (const entry of read.closedStatement) {
    statement.count++;
    if (entry.currency === currency) statement.amount += entry.amount;
  }
  return { statement, ledger: sideTotals(currency, read.ledger, read.outsideMatches.ledger) };
}

function sideTotals(currency: string, entries: readonly Entry[], unmatched: readonly Entry[]): SideTotals {
  return { count: entries.length, amount: sumOf(currency, entries), unmatched: unmatched.length, unmatchedAmount: sumOf(currency, unmatched) };
}

/** The amounts in `currency` added up; the others are counted elsewhere, never summed. */
function sumOf(currency: string, entries: readonly Entry[]): bigint {
  let total = 0n;
  for (const entry of entries) if (entry.currency === currency) total += entry.amount;
  return total;
}

/** The stored result counts once the pass's matches and discrepancies are written beside what was kept. */
export function withPassResults(kept: StoredResultCounts, matches: readonly Pick<NewMatch, 'status' | 'statementTotal'>[], discrepancies: readonly Pick<NewDiscrepancy, 'type' | 'amount'>[]): StoredResultCounts {
  const counts: StoredResultCounts = {
    accepted: { ...kept.accepted },
    suggested: kept.suggested,
    amountMismatch: { ...kept.amountMismatch },
    statusMismatch: kept.statusMismatch,
    discrepancies: { ...kept.discrepancies, open: kept.discrepancies.open + discrepancies.length },
  };
  for (const match of matches) {
    if (match.status === 'ACCEPTED') {
      counts.accepted.count++;
      counts.accepted.amount += match.statementTotal;
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
