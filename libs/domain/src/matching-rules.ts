import type { MatchingStrategy } from './statuses';

/** An account's matching rules. Money in minor units of the account's currency. */
export interface MatchingRules {
  amountTolerance: bigint;
  amountToleranceBps: number;
  dateWindowDays: number;
  referencePatterns: string[];
  useExternalIdAsReference: boolean;
  strategies: MatchingStrategy[];
  autoAcceptThreshold: number;
  suggestThreshold: number;
  maxGroupSize: number;
  severityWarningAmount: bigint;
  severityCriticalAmount: bigint;
}

export const DEFAULT_MATCHING_RULES: Readonly<MatchingRules> = Object.freeze<MatchingRules>({
  amountTolerance: 0n,
  amountToleranceBps: 0,
  dateWindowDays: 3,
  referencePatterns: [],
  useExternalIdAsReference: false,
  strategies: ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'],
  autoAcceptThreshold: 90,
  suggestThreshold: 60,
  maxGroupSize: 5,
  severityWarningAmount: 100n,
  severityCriticalAmount: 10_000n,
});

/** Checks a reference pattern: compiles, and is not absurdly long. Returns an error text or null. */
export function referencePatternProblem(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > 200) return 'must be 1-200 characters';
  try {
    new RegExp(pattern, 'u');
    return null;
  } catch {
    return 'is not a valid regular expression';
  }
}
