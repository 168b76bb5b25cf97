export const ACCOUNT_KINDS = ['BANK', 'MARKETPLACE', 'ACQUIRER', 'WALLET'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const ACCOUNT_STATUSES = ['ACTIVE', 'BLOCKED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const LEDGER_ENTRY_KINDS = ['ORDER', 'INVOICE', 'PAYMENT', 'GL'] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export const RECONCILIATION_MODES = ['AUTOMATIC', 'MANUAL'] as const;
export type ReconciliationMode = (typeof RECONCILIATION_MODES)[number];

export const RECONCILIATION_STATUSES = [
  'PENDING',
  'PROCESSING',
  'COMPLETED',
  'PARTIALLY_MATCHED',
  'FAILED',
  'CLOSED',
] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** Statuses from which a new matching pass may start. */
export const MATCHABLE_STATUSES: readonly ReconciliationStatus[] = ['PENDING', 'COMPLETED', 'PARTIALLY_MATCHED', 'FAILED'];

export const ENTRY_MATCH_STATUSES = ['UNMATCHED', 'SUGGESTED', 'MATCHED', 'CLOSED'] as const;
export type EntryMatchStatus = (typeof ENTRY_MATCH_STATUSES)[number];

export const MATCHING_STRATEGIES = ['REFERENCE', 'AMOUNT_DATE', 'AGGREGATE'] as const;
export type MatchingStrategy = (typeof MATCHING_STRATEGIES)[number];

export const API_SCOPES = [
  'accounts:read',
  'accounts:write',
  'ledger:write',
  'reconciliations:read',
  'reconciliations:write',
  'settlements:write',
  'webhooks:manage',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
