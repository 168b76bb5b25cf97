import Ajv, { type ValidateFunction } from 'ajv';
import { DomainError } from '@concilia/domain';
import { schemaError } from '../../entries/entry-validation';

/** Most items (or ids) one batch may carry; more is 413 batch_too_large before anything is read. */
export const MAX_BATCH_ITEMS = 1_000;

export const SETTLEMENT_STATUSES = ['PENDING', 'RESOLVED', 'DIVERGENT', 'IGNORED'] as const;
/** What the ERP may report a settlement as. */
export const SETTLED_STATUSES = ['RESOLVED', 'DIVERGENT', 'IGNORED'] as const;

const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' };

export const resolveBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status'],
        properties: {
          id: uuid,
          status: { enum: SETTLED_STATUSES },
          remarks: { type: 'string', maxLength: 2000, pattern: '^[^\\u0000]*$' },
        },
      },
    },
  },
};

export const readBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ids'],
  properties: { ids: { type: 'array', minItems: 1, items: uuid } },
};

const ajv = new Ajv({ allErrors: true, strict: true, unicodeRegExp: false });
const validateResolveBatch: ValidateFunction = ajv.compile(resolveBatchSchema);
const validateReadBatch: ValidateFunction = ajv.compile(readBatchSchema);

export interface ResolveBatchItem {
  id: string;
  status: (typeof SETTLED_STATUSES)[number];
  remarks?: string;
}

export function checkResolveBatch(body: unknown): ResolveBatchItem[] {
  const items = check<ResolveBatchItem>(body, 'items', validateResolveBatch);
  return items.map((item) => ({ ...item, id: item.id.toLowerCase() }));
}

export function checkReadBatch(body: unknown): string[] {
  return check<string>(body, 'ids', validateReadBatch).map((id) => id.toLowerCase());
}

/** Size first (413), then the schema (400 unknown_field, 422 validation_failed naming each field). */
function check<T>(body: unknown, field: string, validate: ValidateFunction): T[] {
  const list = (body as Record<string, unknown> | null | undefined)?.[field];
  if (Array.isArray(list) && list.length > MAX_BATCH_ITEMS) {
    throw DomainError.field('batch_too_large', field, `at most ${MAX_BATCH_ITEMS} per request; got ${list.length}`);
  }
  if (!validate(body)) throw schemaError(validate.errors ?? []);
  return list as T[];
}
