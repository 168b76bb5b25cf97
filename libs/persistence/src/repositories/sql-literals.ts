/**
 * A Postgres array literal for text[] ({"a","b \\"c\\""}): lets a batch pass one array of
 * arrays through unnest() as text, cast back with ::text[] (unnest cannot take ragged arrays).
 */
export function textArrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  return `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
