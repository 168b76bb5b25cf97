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

/** Shape codes by name and key list ("reference|references,statementEntries,ledgerEntries"). */
const SHAPE_CODES = new Map(SHAPES.map(([name, keys], code) => [`${name}|${keys.join(',')}`, code]));

/** One criterion as stored: a tuple when its shape is known, else the criterion itself. */
export function encodeCriterion(criterion: unknown): unknown {
  if (!isCriterion(criterion)) return criterion;
  const keys = Object.keys(criterion.detail);
  const code = SHAPE_CODES.get(`${criterion.name}|${keys.join(',')}`);
  if (code === undefined) return criterion;
  const values = keys.map((key) => criterion.detail[key]);
  if (!values.every(isDetailValue)) return criterion;
  return [code, criterion.passed ? 1 : 0, ...values];
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

function isCriterion(value: unknown): value is { name: string; passed: boolean; detail: Record<string, unknown> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, passed, detail } = value as Record<string, unknown>;
  return (
    Object.keys(value).length === 3 && typeof name === 'string' && typeof passed === 'boolean' && typeof detail === 'object' && detail !== null && !Array.isArray(detail)
  );
}

function isDetailValue(value: unknown): value is DetailValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
