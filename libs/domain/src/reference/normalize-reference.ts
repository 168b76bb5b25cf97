/**
 * The form in which two references are compared: trimmed, case-folded, accents removed,
 * and without separators (spaces, dashes, dots, slashes, underscores...).
 * "PED-000 123 " and "ped000123" are the same reference. Empty results are dropped.
 */
export function normalizeReference(reference: string): string {
  return reference
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Normalises and de-duplicates a list, keeping first-seen order and dropping empties. */
export function normalizeReferences(references: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const reference of references) {
    const normalized = normalizeReference(reference);
    if (normalized.length > 0) seen.add(normalized);
  }
  return [...seen];
}

/** References found in free text by the account's patterns (e.g. `PED-\d+`), normalised. */
export function extractReferences(text: string, patterns: readonly RegExp[]): string[] {
  const found: string[] = [];
  for (const pattern of patterns) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const match of text.matchAll(global)) found.push(match[0]);
  }
  return normalizeReferences(found);
}
