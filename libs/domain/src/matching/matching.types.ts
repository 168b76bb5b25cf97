import type { MatchingRules } from '../matching-rules';
import type { MatchList } from './match-list';

/** One statement entry as the engine sees it (the *actual* side). Money in minor units. */
export interface StatementItem {
  id: string;
  amount: bigint;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
  references: string[];
  externalId: string | null;
  description: string | null;
  status: string | null;
  releaseType: string | null;
}

/** One ledger entry as the engine sees it (the *expected* side). Its externalId is one of its references. */
export interface LedgerItem {
  id: string;
  amount: bigint;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
  references: string[];
  externalId: string;
  description: string | null;
  status: string | null;
  kind: string;
}

export interface MatchingInput {
  statement: readonly StatementItem[];
  ledger: readonly LedgerItem[];
  rules: MatchingRules;
  /** Entries already in a kept (manual or accepted) match: not matched again. */
  lockedStatementIds?: ReadonlySet<string>;
  lockedLedgerIds?: ReadonlySet<string>;
  /** Pairs a person rejected, as `${statementId}|${ledgerId}`: never proposed together again. */
  rejectedPairs?: ReadonlySet<string>;
  /** Upper bound of subset-sum steps for the aggregate strategy over the whole run (default 2_000_000). */
  aggregateBudget?: number;
}

export type MatchRule = 'REFERENCE' | 'AMOUNT_DATE' | 'AGGREGATE';

/**
 * One line of a match's explanation. Money values are minor units as strings ("1200"),
 * counts and days are numbers. Criteria objects may be shared between matches and are frozen.
 */
export interface Criterion {
  name: string;
  passed: boolean;
  detail: Record<string, string | number | boolean | null>;
}

export type MatchStatus = 'ACCEPTED' | 'SUGGESTED';

export interface ProposedMatch {
  statementIds: string[];
  ledgerIds: string[];
  rule: MatchRule;
  /** 0-100 */
  confidence: number;
  status: MatchStatus;
  currency: string;
  statementTotal: bigint;
  ledgerTotal: bigint;
  /** statementTotal - ledgerTotal */
  difference: bigint;
  withinTolerance: boolean;
  explanation: Criterion[];
}

export type DiscrepancyType =
  | 'AMOUNT_MISMATCH'
  | 'STATUS_MISMATCH'
  | 'MISSING_STATEMENT_ENTRY'
  | 'UNEXPECTED_STATEMENT_ENTRY'
  | 'DUPLICATE_STATEMENT_ENTRY'
  | 'CURRENCY_MISMATCH';

export type DiscrepancySeverity = 'INFO' | 'WARNING' | 'CRITICAL';

export interface ProposedDiscrepancy {
  type: DiscrepancyType;
  severity: DiscrepancySeverity;
  /** Never negative: the absolute difference, or the absolute amount of the entry (orphans, duplicates). */
  amount: bigint;
  currency: string;
  statementIds: string[];
  ledgerIds: string[];
  /** Index into `matches`, for mismatches inside a match; null otherwise. */
  matchIndex: number | null;
  detail: string;
}

export interface RuleStats {
  matches: number;
  statementEntries: number;
  ledgerEntries: number;
}

export interface MatchingResult {
  /** Every proposed match as an object, made on first read (tests, small runs). */
  readonly matches: ProposedMatch[];
  /** The same matches held column-wise, read one at a time (`at`, `entryId`, `settlements`): what a large pass uses. */
  matchList: MatchList;
  discrepancies: ProposedDiscrepancy[];
  unmatchedStatementIds: string[];
  unmatchedLedgerIds: string[];
  /**
   * Every entry that no active match holds once the proposals are stored: the unmatched, the
   * duplicates and the currency mismatches, in id order (locked entries are held by their kept
   * match). What a summary counts as unmatched.
   */
  outsideMatches: { statement: StatementItem[]; ledger: LedgerItem[] };
  stats: Record<MatchRule, RuleStats> & { aggregateBudgetExhausted: boolean };
}
