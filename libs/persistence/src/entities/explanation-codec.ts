/**
 * How a match's explanation is stored. A matching pass writes a million explanations at a
 * time, and most are the same few criteria: stored as `{"name":..., "passed":..., "detail":
 * {...}}` objects they made 60 % of the bytes a pass sends to Postgres. A criterion whose detail
 * has one of the known shapes below is stored as a tuple instead, `[shape, passed, ...values]`
 * (`[0,1,"ped-1",1,1]` for a reference criterion, 16 bytes where the object took 97); any other
 * criterion is stored as its object (one that is itself an array as `[-1, array]`, so that it
 * never reads back as a tuple). Reading expands tuples back to the same objects, so the API
 * never sees the difference, and rows stored before this format read unchanged.
 *
 * The shapes are part of the stored data: never change or reorder one; add new ones at the end.
 */
const SHAPES: readonly (readonly [name: string, keys: readonly string[]])[] = [
  ['reference', ['references', 'statementEntries', 'ledgerEntries']],
  ['currency', ['currency']],
  ['amount', ['difference', 'tolerance']],
  ['date', ['distanceDays', 'windowDays']],
  ['similarity', ['score']],
  ['uniqueness', ['statementCandidates', 'ledgerCandidates', 'tie']],
  ['date', ['maxDistanceDays', 'windowDays']],
  ['aggregate', ['direction', 'groupSize', 'candidates', 'unique']],
  ['manual', ['allowDifference']],
  ['amount', ['statementTotal', 'ledgerTotal', 'difference', 'tolerance']],
];

type DetailValue = string | number | boolean | null;

/** The shapes of each criterion name, as [code, keys]. */
const SHAPES_BY_NAME = new Map<string, [number, readonly string[]][]>();
SHAPES.forEach(([name, keys], code) => SHAPES_BY_NAME.set(name, [...(SHAPES_BY_NAME.get(name) ?? []), [code, keys]]));

interface Criterion {
  name: string;
  passed: boolean;
  detail: Record<string, unknown>;
}

/** What an array criterion is stored in, so that it is never read back as a tuple: [-1, criterion]. */
const WRAPPED = -1;

/** One criterion as stored: a tuple when its shape is known, an array wrapped, else the criterion itself. */
export function encodeCriterion(criterion: unknown): unknown {
  if (Array.isArray(criterion)) return [WRAPPED, criterion];
  const shape = shapeOf(criterion);
  if (shape === null) return criterion;
  const { passed, detail } = criterion as Criterion;
  return [shape[0], passed ? 1 : 0, ...shape[1].map((key) => detail[key])];
}

/** The JSON text of `encodeCriterion(criterion)`, built without the intermediate tuple (a pass encodes a million). */
export function encodedCriterionJson(criterion: unknown): string {
  if (Array.isArray(criterion)) return JSON.stringify(encodeCriterion(criterion));
  const shape = shapeOf(criterion);
  if (shape === null) return JSON.stringify(criterion) ?? 'null';
  const { passed, detail } = criterion as Criterion;
  let json = `[${shape[0]},${passed ? 1 : 0}`;
  for (const key of shape[1]) json += `,${JSON.stringify(detail[key])}`;
  return `${json}]`;
}

const CRITERION_KEYS = ['name', 'passed', 'detail'] as const;

/**
 * The known shape of a criterion: a plain object whose own keys are exactly name, passed and
 * detail, in that order, and whose detail has one known shape's keys, in order, with plain
 * values: what JSON.stringify would write as those keys, nothing more.
 */
function shapeOf(value: unknown): [number, readonly string[]] | null {
  if (!isPlainRecord(value) || !hasKeys(value, CRITERION_KEYS, () => true)) return null;
  const { name, passed, detail } = value;
  if (typeof name !== 'string' || typeof passed !== 'boolean' || !isPlainRecord(detail)) return null;
  const candidates = SHAPES_BY_NAME.get(name);
  if (candidates === undefined) return null;
  for (const shape of candidates) if (hasKeys(detail, shape[1], isDetailValue)) return shape;
  return null;
}

/** An object JSON.stringify writes as its own keys: not an array, no toJSON. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** True when `record`'s own enumerable keys are exactly `keys`, in that order, each value accepted. */
function hasKeys(record: Record<string, unknown>, keys: readonly string[], accept: (value: unknown) => boolean): boolean {
  let i = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (key !== keys[i] || !accept(record[key])) return false;
    i++;
  }
  return i === keys.length;
}

/** A stored explanation as the API shows it: tuples expanded, anything else as stored. */
export function decodeExplanation(stored: unknown): unknown[] {
  if (!Array.isArray(stored)) return stored as unknown[];
  return stored.map(decodeCriterion);
}

function decodeCriterion(stored: unknown): unknown {
  if (!Array.isArray(stored) || typeof stored[0] !== 'number') return stored;
  if (stored[0] === WRAPPED && stored.length === 2) return stored[1];
  const shape = SHAPES[stored[0]];
  if (shape === undefined || stored.length !== shape[1].length + 2) return stored;
  const [name, keys] = shape;
  const detail: Record<string, DetailValue> = {};
  keys.forEach((key, i) => (detail[key] = stored[i + 2] as DetailValue));
  return { name, passed: stored[1] === 1, detail };
}

function isDetailValue(value: unknown): value is DetailValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
