import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorCode, type FieldError } from '@concilia/domain';
import { isDatabaseUnavailable, pgErrorCode } from '@concilia/persistence';
import { errorStatus } from './error-status';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with Concilia's stable `code` and the request id. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** True when the cause was not a client error: the caller logs it with its stack. */
  unexpected: boolean;
}

/** Deadlock and serialization failures: nothing was written, a retry succeeds. */
const CONFLICT_SQLSTATES = new Set(['40P01', '40001']);
/** query_canceled: a statement ran past statement_timeout. */
const STATEMENT_TIMEOUT = '57014';

/** Fastify's own errors (body parsing, content types) by their `code`. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** Nest wraps Fastify's parsing errors in HttpExceptions: our own code throws DomainErrors only. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_json',
  404: 'route_not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** Turns anything thrown while handling a request into the problem the client receives. */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof DomainError) return build(error.code, error.message, requestId, error.errors, error.details);
  if (pgErrorCode(error) === STATEMENT_TIMEOUT) {
    return build('service_unavailable', 'The database took too long to answer this request; nothing was written. Retry later.', requestId);
  }
  if (CONFLICT_SQLSTATES.has(pgErrorCode(error) ?? '')) {
    return build('service_unavailable', 'A concurrent change conflicted with this request; retry it shortly with the same Idempotency-Key.', requestId);
  }
  if (isDatabaseUnavailable(error)) {
    const problem = build('service_unavailable', 'The database is unavailable; retry shortly with the same Idempotency-Key.', requestId);
    return { ...problem, headers: { 'Retry-After': '5' } };
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    return build(FASTIFY_CODES[fastifyCode], safeFastifyMessage(FASTIFY_CODES[fastifyCode]), requestId);
  }
  if (error instanceof SyntaxError || (error as { statusCode?: unknown } | null)?.statusCode === 400) {
    return build('invalid_json', 'The body is not valid JSON (or contains a forbidden key such as __proto__).', requestId);
  }
  if (error instanceof HttpException) {
    const code = HTTP_STATUS_CODES[error.getStatus()];
    if (code) return build(code, HTTP_DETAILS[code] ?? errorStatus(code).title, requestId);
  }
  return { ...build('internal_error', 'An unexpected error occurred; it has been logged with this request id.', requestId), unexpected: true };
}

function build(code: ErrorCode, detail: string, requestId: string, errors: FieldError[] = [], details: Record<string, unknown> = {}): Problem {
  const { status, title } = errorStatus(code);
  const body: ProblemBody = {
    type: `https://docs.concilia.dev/errors#${code}`,
    title,
    status,
    detail,
    code,
    requestId,
    ...details,
    ...(errors.length > 0 ? { errors } : {}),
  };
  const headers: Record<string, string> =
    code === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer realm="concilia"' } : code === 'service_unavailable' ? { 'Retry-After': '5' } : {};
  return { status, body, headers, unexpected: false };
}

const HTTP_DETAILS: Partial<Record<ErrorCode, string>> = {
  invalid_json: 'The body is not valid JSON (or contains a forbidden key such as __proto__).',
  route_not_found: 'No route matches this method and path.',
  payload_too_large: 'The request body exceeds the size limit.',
  unsupported_media_type: 'Send JSON bodies with Content-Type: application/json.',
};

function safeFastifyMessage(code: ErrorCode): string {
  switch (code) {
    case 'payload_too_large':
      return 'The request body exceeds the size limit.';
    case 'unsupported_media_type':
      return 'Send JSON bodies with Content-Type: application/json.';
    default:
      return 'The body is not valid JSON.';
  }
}
