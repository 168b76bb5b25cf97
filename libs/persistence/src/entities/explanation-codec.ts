/**
 * How a match's explanation is stored. A matching pass writes a million explanations at a
 * time, and most are the same few criteria: stored as `{"name":..., "passed":..., "detail":
 * {...}}` objects they made 60 % of the bytes a pass sends to Postgres. A criterion whose detail
 * has one of the known shapes below is stored as a tuple instead, `[shape, passed, ...values]`
 * (`[0,1,"ped-1",1,1]` for a reference criterion, 16 bytes where the object took 97); any other
 * criterion is stored as its object. Reading expands tuples back to the same objects, so the API
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

/** One criterion as stored: a tuple when its shape is known, else the criterion itself. */
export function encodeCriterion(criterion: unknown): unknown {
  const shape = shapeOf(criterion);
  if (shape === null) return criterion;
  const { passed, detail } = criterion as Criterion;
  return [shape[0], passed ? 1 : 0, ...shape[1].map((key) => detail[key])];
}

/** The JSON text of `encodeCriterion(criterion)`, built without the intermediate tuple (a pass encodes a million). */
export function encodedCriterionJson(criterion: unknown): string {
  const shape = shapeOf(criterion);
  if (shape === null) return JSON.stringify(criterion) ?? 'null';
  const { passed, detail } = criterion as Criterion;
  let json = `[${shape[0]},${passed ? 1 : 0}`;
  for (const key of shape[1]) json += `,${JSON.stringify(detail[key])}`;
  return `${json}]`;
}

/** The known shape of a criterion: exactly name, passed and detail, and detail's keys in a known order with plain values. */
function shapeOf(value: unknown): [number, readonly string[]] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { name, passed, detail } = value as Record<string, unknown>;
  if (typeof name !== 'string' || typeof passed !== 'boolean' || typeof detail !== 'object' || detail === null || Array.isArray(detail)) return null;
  if (countKeys(value) !== 3) return null;
  const candidates = SHAPES_BY_NAME.get(name);
  if (candidates === undefined) return null;
  for (const shape of candidates) if (hasKeys(detail as Record<string, unknown>, shape[1])) return shape;
  return null;
}

function countKeys(value: object): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

/** True when `detail` has exactly `keys`, in that order, each a plain JSON value. */
function hasKeys(detail: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in detail) {
    if (!Object.hasOwn(detail, key)) continue;
    if (key !== keys[i] || !isDetailValue(detail[key])) return false;
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
