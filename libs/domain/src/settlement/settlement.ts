import type { MatchingRules } from '../matching-rules';
import { abs, toleranceFor, withinTolerance } from '../matching/tolerance';

/** What a settlement needs of a match: its totals (minor units) and both sides. */
export interface SettlementMatch {
  currency: string;
  statementTotal: bigint;
  ledgerTotal: bigint;
  /** statementTotal - ledgerTotal */
  difference: bigint;
  statementIds: readonly string[];
  ledgerIds: readonly string[];
}

/** Entries by id: a Map, or anything else that can find a match's entries. */
export interface EntryLookup<T> {
  get(id: string): T | undefined;
}

/** One settlement before it gets its id and match id. */
export interface SettlementDraft {
  ledgerEntryId: string;
  currency: string;
  expectedAmount: bigint;
  receivedAmount: bigint;
  difference: bigint;
  /** Release type → minor units as a decimal string. */
  breakdown: Record<string, string>;
}

/**
 * One settlement per ledger entry of an accepted match. With one ledger entry, it received the
 * whole statement side, broken down by release type (SALE 100.00, COMMISSION -12.00 ...). With
 * several (a payout settling many orders), each is credited its expected amount and the last
 * one (by id) carries the group's difference; their breakdown is that allocation.
 */
export function settlementsOf(
  match: SettlementMatch,
  statement: EntryLookup<{ amount: bigint; releaseType: string | null }>,
  ledger: EntryLookup<{ amount: bigint }>,
): SettlementDraft[] {
  if (match.ledgerIds.length === 1) {
    return [
      {
        ledgerEntryId: match.ledgerIds[0],
        currency: match.currency,
        expectedAmount: match.ledgerTotal,
        receivedAmount: match.statementTotal,
        difference: match.difference,
        breakdown: breakdownByReleaseType(match.statementIds, statement),
      },
    ];
  }
  const ledgerIds = [...match.ledgerIds].sort();
  return ledgerIds.map((ledgerEntryId, index) => {
    const expected = ledger.get(ledgerEntryId)?.amount ?? 0n;
    const difference = index === ledgerIds.length - 1 ? match.difference : 0n;
    const received = expected + difference;
    return { ledgerEntryId, currency: match.currency, expectedAmount: expected, receivedAmount: received, difference, breakdown: { ALLOCATED: received.toString() } };
  });
}

/** Minor units per release type, as strings; entries without one count as UNCLASSIFIED. */
export function breakdownByReleaseType(
  statementIds: readonly string[],
  statement: EntryLookup<{ amount: bigint; releaseType: string | null }>,
): Record<string, string> {
  if (statementIds.length === 1) {
    // The common case (one release paying one order), without the map and the sort.
    const item = statement.get(statementIds[0]);
    return item ? { [item.releaseType ?? 'UNCLASSIFIED']: item.amount.toString() } : {};
  }
  const totals = new Map<string, bigint>();
  for (const id of statementIds) {
    const item = statement.get(id);
    if (!item) continue;
    const type = item.releaseType ?? 'UNCLASSIFIED';
    totals.set(type, (totals.get(type) ?? 0n) + item.amount);
  }
  return Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([type, total]) => [type, total.toString()]));
}

export interface DifferenceAssessment {
  /** statementTotal - ledgerTotal */
  difference: bigint;
  /** Inside the account's tolerance (absolute, or basis points of the ledger total). */
  withinTolerance: boolean;
  /** The tolerance that applied, in minor units. */
  tolerance: bigint;
  /** Of the absolute difference, from the account's severity thresholds. */
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
}

type ToleranceRules = Pick<MatchingRules, 'amountTolerance' | 'amountToleranceBps' | 'severityWarningAmount' | 'severityCriticalAmount'>;

/** How far apart the two sides of a (manual) match are, judged by the account's rules. */
export function assessDifference(statementTotal: bigint, ledgerTotal: bigint, rules: ToleranceRules): DifferenceAssessment {
  const difference = statementTotal - ledgerTotal;
  const absolute = rules.amountTolerance > 0n ? rules.amountTolerance : 0n;
  const bps = BigInt(rules.amountToleranceBps);
  const gap = abs(difference);
  const severity = gap >= rules.severityCriticalAmount ? 'CRITICAL' : gap >= rules.severityWarningAmount ? 'WARNING' : 'INFO';
  return {
    difference,
    withinTolerance: difference === 0n || withinTolerance(difference, ledgerTotal, absolute, bps),
    tolerance: toleranceFor(ledgerTotal, absolute, bps),
    severity,
  };
}
