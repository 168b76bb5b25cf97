const SEPARATORS = /[^\p{L}\p{N}]+/u;
const NO_TOKENS: readonly string[] = Object.freeze([]);

/** The distinct lowercase word tokens of a description, sorted (code-unit order). */
export function descriptionTokens(description: string | null): readonly string[] {
  if (description === null) return NO_TOKENS;
  const parts = description.toLowerCase().split(SEPARATORS);
  const tokens: string[] = [];
  for (let i = 0; i < parts.length; i++) if (parts[i].length > 0) tokens.push(parts[i]);
  if (tokens.length === 0) return NO_TOKENS;
  tokens.sort();
  let write = 1;
  for (let read = 1; read < tokens.length; read++) if (tokens[read] !== tokens[write - 1]) tokens[write++] = tokens[read];
  tokens.length = write;
  return tokens;
}

/** Jaccard index of two sorted, distinct token lists: |A ∩ B| / |A ∪ B|, 0 when either is empty. */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/**
 * Cheap, deterministic description similarity in [0, 1]: Jaccard over lowercase word tokens
 * (letters and digits). "Pedido 123 Loja X" vs "loja x pedido 123" is 1; null or empty is 0.
 */
export function descriptionSimilarity(a: string | null, b: string | null): number {
  return tokenSimilarity(descriptionTokens(a), descriptionTokens(b));
}
