/**
 * What every statement-file reader produces. Readers are pure: they take the file's bytes as
 * a stream and yield events, never touching a database; the API decides what to store.
 */

/** One entry read from a file: money already exact (minor units, signed: + is money in). */
export interface ParsedEntry {
  /** 1-based line of the file where the entry starts (for XML: the line of its `<Ntry>` or `<TxDtls>`). */
  line: number;
  externalId: string | null;
  amount: bigint;
  currency: string;
  /** Booking date, YYYY-MM-DD. */
  date: string;
  valueDate: string | null;
  releaseType: string | null;
  references: string[];
  description: string | null;
  status: string | null;
  counterparty: string | null;
  metadata: Record<string, unknown> | null;
  /** Ledger-side CSV only: ORDER, INVOICE, PAYMENT or GL. */
  kind?: string | null;
  /** Ledger-side CSV only, YYYY-MM-DD. */
  expectedSettlementDate?: string | null;
}

/** One bad row: the whole file is refused, and up to 100 of these explain why. */
export interface RowProblem {
  line: number;
  /** The entry field (`amount`, `date`, ...) or the file element (`:61:`, `Ntry/Amt`, a CSV column name). */
  field: string;
  code: string;
  message: string;
}

/** A statement found in the file (camt.053 `Stmt`, MT940 `:20:` block): checked against the account. */
export interface ParsedStatement {
  line: number;
  /** The statement's own id (camt `Stmt/Id`, MT940 `:20:` plus `:28C:`). */
  statementId: string | null;
  /** The account it is for: IBAN or other id, as written in the file. */
  accountId: string | null;
  currency: string | null;
  /** Signed minor units, when the file states them. */
  openingBalance: bigint | null;
  closingBalance: bigint | null;
}

export type StatementFileEvent =
  | { type: 'statement'; statement: ParsedStatement }
  | { type: 'entry'; entry: ParsedEntry }
  | { type: 'problem'; problem: RowProblem }
  /** A row that is read but deliberately not imported (e.g. a camt entry that is not booked). */
  | { type: 'skipped'; line: number; reason: string };

export type StatementFormat = 'csv' | 'camt.053' | 'mt940';

export const STATEMENT_FORMATS: readonly StatementFormat[] = ['csv', 'camt.053', 'mt940'];

/** The file's bytes, as chunks (a Readable stream is one). */
export type ByteSource = AsyncIterable<Buffer | Uint8Array>;

/**
 * A problem with the file as a whole (not one row): thrown by readers as a
 * `DomainError(code, message, [{ field, code, message }])` from @concilia/domain, with one of
 * these codes. Row-level problems are yielded as `problem` events instead, so that a client
 * sees every bad row of a file at once.
 */
export const FILE_ERROR_CODES = [
  'encoding_invalid',
  'csv_malformed',
  'csv_header_invalid',
  'xml_dtd_forbidden',
  'xml_malformed',
  'unsupported_message_type',
  'mt940_malformed',
] as const;
