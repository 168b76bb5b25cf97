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
  return totalsAfterPass(currency, [read.open, read.closed], read.outsideMatches);
}

/** What a pass read of the ledger side (the account's entries in reach) and left outside matches. */
export interface PassLedgerEntries {
  entries: readonly Entry[];
  outsideMatches: readonly Entry[];
}

/**
 * The summary's ledger totals after a pass, from what it read: the same definition as
 * ledgerTotals (entries in reach that no other reconciliation holds; unmatched unless an active
 * match of this one holds them). Exact only when the account's ledger version shows that nothing
 * changed between the read and the commit; the caller checks.
 */
export function ledgerTotalsAfterPass(currency: string, read: PassLedgerEntries): SideTotals {
  return totalsAfterPass(currency, [read.entries], read.outsideMatches);
}

function totalsAfterPass(currency: string, counted: readonly (readonly Entry[])[], outsideMatches: readonly Entry[]): SideTotals {
  let count = 0;
  let amount = 0n;
  for (const entries of counted) {
    count += entries.length;
    amount += sumOf(currency, entries);
  }
  return { count, amount, unmatched: outsideMatches.length, unmatchedAmount: sumOf(currency, outsideMatches) };
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
