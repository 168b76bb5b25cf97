import type { ErrorCode } from '@concilia/domain';

/** The HTTP status and title of every stable error code: the one place this mapping lives. */
export function errorStatus(code: ErrorCode): { status: number; title: string } {
  switch (code) {
    case 'validation_failed':
      return { status: 422, title: 'Validation failed' };
    case 'file_missing':
      return { status: 400, title: 'No file in the upload' };
    case 'file_too_large':
      return { status: 413, title: 'File too large' };
    case 'file_not_text':
      return { status: 422, title: 'Not a statement file' };
    case 'encoding_invalid':
      return { status: 422, title: 'Invalid text encoding' };
    case 'csv_malformed':
      return { status: 422, title: 'Malformed CSV' };
    case 'csv_header_invalid':
      return { status: 422, title: 'Invalid CSV header' };
    case 'xml_dtd_forbidden':
      return { status: 422, title: 'XML DTDs are not accepted' };
    case 'xml_malformed':
      return { status: 422, title: 'Malformed XML' };
    case 'unsupported_message_type':
      return { status: 422, title: 'Unsupported message type' };
    case 'mt940_malformed':
      return { status: 422, title: 'Malformed MT940' };
    case 'balance_mismatch':
      return { status: 422, title: 'Balances do not add up' };
    case 'statement_account_mismatch':
      return { status: 422, title: 'Statement is for another account' };
    case 'statement_repeated':
      return { status: 422, title: 'Statement repeated in the file' };
    case 'import_rows_invalid':
      return { status: 422, title: 'Bad rows in the file' };
    case 'import_not_deletable':
      return { status: 409, title: 'Import cannot be deleted' };
    case 'import_profile_invalid':
      return { status: 422, title: 'Invalid import profile' };
    case 'unknown_field':
      return { status: 400, title: 'Unknown field' };
    case 'invalid_json':
      return { status: 400, title: 'Malformed JSON body' };
    case 'payload_too_large':
      return { status: 413, title: 'Payload too large' };
    case 'unsupported_media_type':
      return { status: 415, title: 'Unsupported media type' };
    case 'batch_too_large':
      return { status: 413, title: 'Batch too large' };
    case 'invalid_id':
      return { status: 400, title: 'Invalid id' };
    case 'invalid_cursor':
      return { status: 400, title: 'Invalid cursor' };
    case 'invalid_query':
      return { status: 400, title: 'Invalid query parameter' };
    case 'not_acceptable':
      return { status: 406, title: 'Not acceptable' };
    case 'amount_invalid':
      return { status: 422, title: 'Invalid amount' };
    case 'amount_precision_exceeded':
      return { status: 422, title: 'Too many decimal places' };
    case 'amount_out_of_range':
      return { status: 422, title: 'Amount out of range' };
    case 'currency_unknown':
      return { status: 422, title: 'Unknown currency' };
    case 'currency_mismatch':
      return { status: 422, title: 'Currency mismatch' };
    case 'date_invalid':
      return { status: 422, title: 'Invalid date' };
    case 'period_invalid':
      return { status: 422, title: 'Invalid period' };
    case 'period_too_long':
      return { status: 422, title: 'Period too long' };
    case 'period_overlaps':
      return { status: 409, title: 'Period overlaps another reconciliation' };
    case 'unauthenticated':
      return { status: 401, title: 'Unauthenticated' };
    case 'ip_not_allowed':
      return { status: 403, title: 'IP address not allowed' };
    case 'insufficient_scope':
      return { status: 403, title: 'Insufficient scope' };
    case 'rate_limited':
      return { status: 429, title: 'Too many requests' };
    case 'not_found':
      return { status: 404, title: 'Not found' };
    case 'route_not_found':
      return { status: 404, title: 'No such route' };
    case 'method_not_allowed':
      return { status: 405, title: 'Method not allowed' };
    case 'account_blocked':
      return { status: 423, title: 'Account blocked' };
    case 'reconciliation_closed':
      return { status: 409, title: 'Reconciliation closed' };
    case 'reconciliation_not_deletable':
      return { status: 409, title: 'Reconciliation cannot be deleted' };
    case 'reconciliation_state_invalid':
      return { status: 409, title: 'Not allowed in the current status' };
    case 'ledger_entry_locked':
      return { status: 409, title: 'Ledger entry locked by an accepted match' };
    case 'match_state_invalid':
      return { status: 409, title: 'Not allowed in the current status of the match' };
    case 'entry_already_matched':
      return { status: 409, title: 'Entry already in an active match' };
    case 'entry_state_invalid':
      return { status: 409, title: 'Not allowed in the current state of the entry' };
    case 'difference_not_allowed':
      return { status: 422, title: 'Sides differ by more than the tolerance' };
    case 'duplicate_external_id':
      return { status: 422, title: 'Duplicate externalId in batch' };
    case 'api_key_last_admin':
      return { status: 409, title: 'Last key able to manage keys' };
    case 'discrepancy_already_resolved':
      return { status: 409, title: 'Discrepancy already resolved' };
    case 'release_type_exists':
      return { status: 409, title: 'Release type already exists' };
    case 'webhook_url_forbidden':
      return { status: 422, title: 'Webhook URL not allowed' };
    case 'webhook_endpoint_limit':
      return { status: 422, title: 'Too many webhook endpoints' };
    case 'webhook_endpoint_disabled':
      return { status: 409, title: 'Webhook endpoint disabled' };
    case 'idempotency_key_invalid':
      return { status: 400, title: 'Invalid Idempotency-Key' };
    case 'idempotency_key_reused':
      return { status: 422, title: 'Idempotency-Key reused with another request' };
    case 'idempotency_in_progress':
      return { status: 409, title: 'A request with this Idempotency-Key is in progress' };
    case 'service_unavailable':
      return { status: 503, title: 'Service unavailable' };
    case 'request_timeout':
      return { status: 408, title: 'Request timeout' };
    case 'internal_error':
      return { status: 500, title: 'Internal error' };
  }
}
