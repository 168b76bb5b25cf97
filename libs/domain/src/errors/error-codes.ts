/**
 * Every stable error code a client can receive. The HTTP edge maps each one to a status
 * in one exhaustive switch (apps/ingest-api/src/http/error-status.ts), so adding a code
 * here without choosing its status fails the build.
 */
export const ERROR_CODES = [
  // request shape
  'validation_failed',
  'unknown_field',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'batch_too_large',
  'invalid_id',
  'invalid_cursor',
  'invalid_query',
  'not_acceptable',
  // money and dates
  'amount_invalid',
  'amount_precision_exceeded',
  'amount_out_of_range',
  'currency_unknown',
  'currency_mismatch',
  'date_invalid',
  'period_invalid',
  'period_too_long',
  'period_overlaps',
  // access
  'unauthenticated',
  'ip_not_allowed',
  'insufficient_scope',
  'rate_limited',
  // resources and state
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'account_blocked',
  'reconciliation_closed',
  'reconciliation_not_deletable',
  'reconciliation_state_invalid',
  'ledger_entry_locked',
  'match_state_invalid',
  'entry_already_matched',
  'entry_state_invalid',
  'difference_not_allowed',
  'duplicate_external_id',
  'api_key_last_admin',
  'discrepancy_already_resolved',
  'release_type_exists',
  // webhooks
  'webhook_url_forbidden',
  'webhook_endpoint_limit',
  'webhook_endpoint_disabled',
  // statement files
  'file_missing',
  'file_too_large',
  'file_not_text',
  'encoding_invalid',
  'csv_malformed',
  'csv_header_invalid',
  'xml_dtd_forbidden',
  'xml_malformed',
  'unsupported_message_type',
  'mt940_malformed',
  'balance_mismatch',
  'statement_account_mismatch',
  'statement_repeated',
  'import_rows_invalid',
  'import_not_deletable',
  'import_profile_invalid',
  // idempotency
  'idempotency_key_invalid',
  'idempotency_key_reused',
  'idempotency_in_progress',
  // availability
  'service_unavailable',
  'request_timeout',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}
