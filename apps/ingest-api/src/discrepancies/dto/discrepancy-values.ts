export const DISCREPANCY_TYPES = [
  'AMOUNT_MISMATCH',
  'STATUS_MISMATCH',
  'MISSING_STATEMENT_ENTRY',
  'UNEXPECTED_STATEMENT_ENTRY',
  'DUPLICATE_STATEMENT_ENTRY',
  'CURRENCY_MISMATCH',
] as const;
export const DISCREPANCY_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export const DISCREPANCY_STATUSES = ['OPEN', 'IN_REVIEW', 'CLOSED'] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];
export const DISCREPANCY_RESOLUTIONS = ['PENDING', 'RESOLVED', 'DIVERGENT', 'IGNORED'] as const;
/** What a person or an ERP may resolve a discrepancy as (PENDING is where it starts). */
export const FINAL_RESOLUTIONS = ['RESOLVED', 'DIVERGENT', 'IGNORED'] as const;
export type FinalResolution = (typeof FINAL_RESOLUTIONS)[number];
