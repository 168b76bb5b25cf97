import { DomainError } from '../errors/domain-error';
import { referencePatternProblem } from '../matching-rules';
import { normalizeReference } from '../reference/normalize-reference';

/**
 * `normalizeReference` with a fast path: a reference that is already lowercase ASCII letters
 * and digits is returned as is, an ASCII one is folded by a plain loop (for ASCII, NFKD and
 * the accent strip change nothing and `\p{L}\p{N}` are exactly [A-Za-z0-9]); anything else
 * goes through `normalizeReference`. Same result for every string (property-tested).
 */
export function fastNormalizeReference(reference: string): string {
  const length = reference.length;
  let plain = true;
  for (let i = 0; i < length; i++) {
    const c = reference.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
      plain = false;
      break;
    }
  }
  if (plain) return reference;
  let out = '';
  for (let i = 0; i < length; i++) {
    const c = reference.charCodeAt(i);
    if (c > 127) return normalizeReference(reference);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) out += reference[i];
    else if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
  }
  return out;
}

/** Compiles the account's reference patterns once, with the 'u' flag (and 'g' for scanning). */
export function compileReferencePatterns(patterns: readonly string[]): RegExp[] {
  const compiled: RegExp[] = [];
  patterns.forEach((pattern, index) => {
    const problem = referencePatternProblem(pattern);
    if (problem !== null) throw DomainError.field('validation_failed', `referencePatterns[${index}]`, `reference pattern ${problem}`);
    compiled.push(new RegExp(pattern, 'gu'));
  });
  return compiled;
}

/**
 * Calls `add` with every normalised, non-empty match of the patterns in `text`, in the order
 * `extractReferences` finds them (pattern by pattern, left to right). Uses the compiled global
 * expressions directly instead of cloning them per call.
 */
export function scanReferences(text: string, patterns: readonly RegExp[], add: (normalized: string) => void): void {
  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p];
    pattern.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) {
      const found = match[0];
      if (found.length === 0) {
        const code = text.charCodeAt(match.index);
        pattern.lastIndex = match.index + (code >= 0xd800 && code <= 0xdbff && match.index + 1 < text.length ? 2 : 1);
        continue;
      }
      const normalized = fastNormalizeReference(found);
      if (normalized.length > 0) add(normalized);
    }
  }
}

/** Growable list of int32. */
export class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** True when `value` occurs in [from, length). */
  includesFrom(value: number, from: number): boolean {
    const data = this.data;
    for (let i = from; i < this.length; i++) if (data[i] === value) return true;
    return false;
  }
}

/**
 * Every entry's normalised references as small integers (CSR layout): the references of
 * statement item i are `sRefs[sStart[i] .. sStart[i + 1])`, likewise for the ledger.
 */
export interface ReferenceIndex {
  count: number;
  /** Reference r's normal form, made when asked: most are never shown. */
  name: (r: number) => string;
  sStart: Int32Array;
  sRefs: Int32Array;
  lStart: Int32Array;
  lRefs: Int32Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function isAlnumLower(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * Interns normalised references as small integers: an open-addressing table keyed by an FNV-1a
 * hash of the normalised characters. Each reference is kept as the first text seen of it (the
 * entry's own string) and compared while being folded, so interning makes no string at all
 * for ASCII references; the normal form is made only when a name is asked for (a million
 * references: a million strings fewer held through the pass).
 */
export class ReferenceTable {
  /** Per id, a text whose normal form is the reference: an ASCII spelling of it, or that normal form itself. */
  readonly keys: string[] = [];
  private hashes: number[] = [];
  private slots: Int32Array;
  private mask: number;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Reference `id`'s normal form. */
  name(id: number): string {
    return fastNormalizeReference(this.keys[id]);
  }

  /** The id of an already normalised, non-empty reference (inserting it when new). */
  internNormalized(normalized: string): number {
    let h = FNV_OFFSET;
    for (let i = 0; i < normalized.length; i++) h = Math.imul(h ^ normalized.charCodeAt(i), FNV_PRIME);
    const slots = this.slots;
    for (let p = h & this.mask; ; p = (p + 1) & this.mask) {
      const id = slots[p];
      if (id === -1) return this.insert(p, h, normalized);
      if (this.hashes[id] !== h) continue;
      const key = this.keys[id];
      if (key === normalized || sameFolded(key, normalized)) return id;
    }
  }

  /** The id of `normalizeReference(raw)`, or -1 when that is empty. */
  intern(raw: string): number {
    const length = raw.length;
    let h = FNV_OFFSET;
    let size = 0;
    for (let i = 0; i < length; i++) {
      let c = raw.charCodeAt(i);
      if (c > 127) {
        const normalized = normalizeReference(raw);
        return normalized.length === 0 ? -1 : this.internNormalized(normalized);
      }
      if (!isAlnumLower(c)) {
        if (c >= 65 && c <= 90) c += 32;
        else continue;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
      size++;
    }
    if (size === 0) return -1;
    const slots = this.slots;
    for (let p = h & this.mask; ; p = (p + 1) & this.mask) {
      const id = slots[p];
      if (id === -1) return this.insert(p, h, raw);
      if (this.hashes[id] !== h) continue;
      const key = this.keys[id];
      if (key === raw || sameFolded(raw, key)) return id;
    }
  }

  private insert(slot: number, hash: number, key: string): number {
    const id = this.keys.length;
    this.keys.push(key);
    this.hashes.push(hash);
    this.slots[slot] = id;
    if (this.keys.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      let p = this.hashes[id] & mask;
      while (slots[p] !== -1) p = (p + 1) & mask;
      slots[p] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * Whether two texts have the same ASCII fold (letters lowercased, digits kept, other ASCII
 * characters dropped). Any character beyond ASCII makes them differ: called with one text that
 * is ASCII, whose normal form is that fold, and the other ASCII too or already a normal form.
 */
function sameFolded(a: string, b: string): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = foldedCode(a.charCodeAt(i));
    if (x === DROPPED) continue;
    if (x === BEYOND_ASCII) return false;
    let y = DROPPED;
    while (y === DROPPED && j < b.length) y = foldedCode(b.charCodeAt(j++));
    if (y !== x) return false;
  }
  while (j < b.length) if (foldedCode(b.charCodeAt(j++)) !== DROPPED) return false;
  return true;
}

const DROPPED = -1;
const BEYOND_ASCII = -2;

/** A character's code in the ASCII fold: lowercased letters, digits; DROPPED for other ASCII. */
function foldedCode(c: number): number {
  if (c > 127) return BEYOND_ASCII;
  if (isAlnumLower(c)) return c;
  if (c >= 65 && c <= 90) return c + 32;
  return DROPPED;
}

export interface ReferenceSources {
  statement: readonly { references: readonly string[]; externalId: string | null; description: string | null }[];
  ledger: readonly { references: readonly string[]; externalId: string }[];
  /** Ledger entries to skip (locked): they get no references. */
  skipLedger: Uint8Array;
  useExternalIdAsReference: boolean;
  patterns: readonly RegExp[];
}

/**
 * Statement references: `references` + `externalId` when the account says so + pattern finds in
 * the description. Ledger references: `references` + `externalId` (orders are referenced by id).
 */
export function buildReferenceIndex(sources: ReferenceSources): ReferenceIndex {
  const { statement, ledger } = sources;
  // Sized for a reference per entry of the larger side (most are on both sides): it grows past that.
  const table = new ReferenceTable(Math.max(statement.length, ledger.length));
  const sStart = new Int32Array(statement.length + 1);
  const sList = new IntList(statement.length + 16);
  const patterns = sources.patterns;
  const found: number[] = [];
  const addNormalized = (normalized: string) => found.push(table.internNormalized(normalized));
  for (let i = 0; i < statement.length; i++) {
    const item = statement[i];
    const from = sList.length;
    sStart[i] = from;
    const references = item.references;
    for (let r = 0; r < references.length; r++) pushUnique(sList, from, table.intern(references[r]));
    if (sources.useExternalIdAsReference && item.externalId !== null) pushUnique(sList, from, table.intern(item.externalId));
    if (patterns.length > 0 && item.description !== null) {
      found.length = 0;
      scanReferences(item.description, patterns, addNormalized);
      for (let k = 0; k < found.length; k++) pushUnique(sList, from, found[k]);
    }
  }
  sStart[statement.length] = sList.length;

  const lStart = new Int32Array(ledger.length + 1);
  const lList = new IntList(ledger.length + 16);
  const skip = sources.skipLedger;
  for (let i = 0; i < ledger.length; i++) {
    const from = lList.length;
    lStart[i] = from;
    if (skip[i] !== 0) continue;
    const item = ledger[i];
    const references = item.references;
    for (let r = 0; r < references.length; r++) pushUnique(lList, from, table.intern(references[r]));
    // Most orders list their own id among their references: no second lookup for it.
    if (!references.includes(item.externalId)) pushUnique(lList, from, table.intern(item.externalId));
  }
  lStart[ledger.length] = lList.length;
  const keys = table.keys;
  // Holds only the keys: the table's slots are garbage once the index is built.
  const name = (r: number): string => fastNormalizeReference(keys[r]);
  return { count: table.size, name, sStart, sRefs: sList.data, lStart, lRefs: lList.data };
}

function pushUnique(list: IntList, from: number, id: number): void {
  if (id < 0) return;
  const data = list.data;
  for (let k = from; k < list.length; k++) if (data[k] === id) return;
  list.push(id);
}
