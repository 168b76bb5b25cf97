import type { ErrorCode } from './error-codes';

/** One problem with one input field, reported back to the client as-is. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
  /** For problems in an uploaded file: the 1-based line they are on. */
  line?: number;
}

/**
 * The only error domain and service code throws on purpose. It carries a stable code;
 * the HTTP layer decides the status. The message must be safe to show a client.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static field(code: ErrorCode, field: string, message: string): DomainError {
    return new DomainError(code, message, [{ field, code, message }]);
  }
}
