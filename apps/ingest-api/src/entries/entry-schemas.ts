import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LEDGER_ENTRY_KINDS } from '@concilia/domain';

/** Bulk bodies are checked by compiled JSON schemas (class-validator is ~6x slower on 10,000-entry arrays). */
export const MAX_ENTRIES_PER_REQUEST = 10_000;

/** Text limits of an entry, the same for JSON bodies and uploaded files. */
export const ENTRY_LIMITS = { externalId: 255, kindOrType: 64, description: 1000, counterparty: 255, references: 20, reference: 255 } as const;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000]*$' });
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const amount = { type: ['string', 'number'] };
const references = { type: 'array', maxItems: ENTRY_LIMITS.references, items: text(ENTRY_LIMITS.reference) };
const metadata = { type: 'object', maxProperties: 50 };

const ledgerEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['externalId', 'kind', 'amount', 'currency', 'date'],
  properties: {
    externalId: text(ENTRY_LIMITS.externalId),
    kind: { enum: LEDGER_ENTRY_KINDS },
    amount,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    date,
    expectedSettlementDate: date,
    status: text(ENTRY_LIMITS.kindOrType),
    references,
    description: text(ENTRY_LIMITS.description),
    counterparty: text(ENTRY_LIMITS.counterparty),
    metadata,
  },
};

const statementEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency', 'date'],
  properties: {
    externalId: text(ENTRY_LIMITS.externalId),
    amount,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    date,
    valueDate: date,
    releaseType: text(ENTRY_LIMITS.kindOrType),
    references,
    description: text(ENTRY_LIMITS.description),
    status: text(ENTRY_LIMITS.kindOrType),
    counterparty: text(ENTRY_LIMITS.counterparty),
    metadata,
  },
};

export const ledgerEntrySchema = ledgerEntry;
export const statementEntrySchema = statementEntry;

const bulkOf = (entry: object) => ({
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: { entries: { type: 'array', minItems: 1, items: entry } },
});

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, unicodeRegExp: false });

export const validateLedgerBatch: ValidateFunction = ajv.compile(bulkOf(ledgerEntry));
export const validateStatementBatch: ValidateFunction = ajv.compile(bulkOf(statementEntry));
export const validateStatementEntries: ValidateFunction = ajv.compile({ type: 'array', items: statementEntry });

export type SchemaError = ErrorObject;
