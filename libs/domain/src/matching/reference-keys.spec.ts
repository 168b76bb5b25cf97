import fc from 'fast-check';
import { extractReferences, normalizeReference, normalizeReferences } from '../reference/normalize-reference';
import { buildReferenceIndex, compileReferencePatterns, fastNormalizeReference, ReferenceTable, scanReferences } from './reference-keys';

const referenceText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.stringMatching(/^[A-Za-z0-9 ._/-]{0,20}$/),
  fc.constantFrom('PED-000 123 ', 'ped000123', 'NF-é 12', 'Ação/42', 'ＡＢＣ１２', 'ß', 'İ', '', '---', 'x\u0301y'),
);

describe('fastNormalizeReference', () => {
  it('equals normalizeReference for any string', () => {
    fc.assert(fc.property(referenceText, (text) => fastNormalizeReference(text) === normalizeReference(text)), { numRuns: 2000 });
  });

  it('returns an already normalised reference as is', () => {
    const reference = 'ped000123';
    expect(fastNormalizeReference(reference)).toBe(reference);
    expect(fastNormalizeReference('PED-000 123 ')).toBe('ped000123');
  });
});

describe('ReferenceTable', () => {
  it('interns normalizeReference(raw): equal normal forms get one id, empty ones -1', () => {
    fc.assert(
      fc.property(fc.array(referenceText, { maxLength: 40 }), (texts) => {
        const table = new ReferenceTable(4);
        const ids = texts.map((text) => table.intern(text));
        texts.forEach((text, i) => {
          const normalized = normalizeReference(text);
          if (normalized.length === 0) expect(ids[i]).toBe(-1);
          else expect(table.name(ids[i])).toBe(normalized);
          texts.forEach((other, j) => {
            if (normalized.length > 0 && normalizeReference(other) === normalized) expect(ids[j]).toBe(ids[i]);
          });
        });
        const names = Array.from({ length: table.size }, (_, id) => table.name(id));
        expect(new Set(names).size).toBe(table.size);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a reference one id whether it arrives as text or already normalised, in any order (pattern finds meet references)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(referenceText, fc.boolean()), { maxLength: 40 }), (arrivals) => {
        const table = new ReferenceTable(4);
        const idOf = new Map<string, number>();
        for (const [text, normalisedFirst] of arrivals) {
          const normalized = normalizeReference(text);
          if (normalized.length === 0) continue;
          const id = normalisedFirst ? table.internNormalized(normalized) : table.intern(text);
          expect(table.name(id)).toBe(normalized);
          if (idOf.has(normalized)) expect(id).toBe(idOf.get(normalized));
          idOf.set(normalized, id);
        }
        expect(table.size).toBe(idOf.size);
      }),
      { numRuns: 500 },
    );
  });

  it('names a reference by its normal form: normalising a normal form changes nothing', () => {
    fc.assert(fc.property(referenceText, (text) => normalizeReference(normalizeReference(text)) === normalizeReference(text)), { numRuns: 2000 });
  });

  it('keeps working when it grows past its initial size', () => {
    const table = new ReferenceTable(1);
    for (let i = 0; i < 5000; i++) expect(table.intern(`PED-${i}`)).toBe(i);
    for (let i = 0; i < 5000; i++) expect(table.internNormalized(`ped${i}`)).toBe(i);
    expect(table.size).toBe(5000);
  });
});

describe('scanReferences', () => {
  const patternSets = [['PED-\\d+'], ['NF\\s?\\d{4,9}', '(?:PED|PEDIDO)[- ]?\\d+'], ['\\p{Lu}{3}-\\d+'], ['\\d*'], ['x?'], ['.']];

  it('finds what extractReferences finds, in the same order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...patternSets),
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('pagamento PED-123 e PED-456', 'NF 12345 PEDIDO 77 ped-9', 'ABC-1 😀 DEF-22', '😀😀x')),
        (patterns, text) => {
          const compiled = compileReferencePatterns(patterns);
          const found: string[] = [];
          scanReferences(text, compiled, (normalized) => found.push(normalized));
          expect(normalizeReferences(found)).toEqual(extractReferences(text, patterns.map((p) => new RegExp(p, 'u'))));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses an invalid pattern with a field error', () => {
    expect(() => compileReferencePatterns(['PED-\\d+', '('])).toThrow(expect.objectContaining({ code: 'validation_failed', errors: [expect.objectContaining({ field: 'referencePatterns[1]' })] }));
  });
});

describe('buildReferenceIndex', () => {
  it('collects statement references, externalId when asked, pattern finds, and ledger references plus externalId', () => {
    const index = buildReferenceIndex({
      statement: [
        { references: ['PED-1', 'ped 1', ''], externalId: 'TX-9', description: 'venda PED-2 e PED-1' },
        { references: [], externalId: null, description: null },
      ],
      ledger: [
        { references: ['NF-7'], externalId: 'PED-1' },
        { references: ['x'], externalId: 'PED-3' },
      ],
      skipLedger: Uint8Array.from([0, 1]),
      useExternalIdAsReference: true,
      patterns: compileReferencePatterns(['PED-\\d+']),
    });
    const refs = (start: Int32Array, list: Int32Array, i: number) => Array.from(list.subarray(start[i], start[i + 1]), (id) => index.name(id));
    expect(refs(index.sStart, index.sRefs, 0)).toEqual(['ped1', 'tx9', 'ped2']);
    expect(refs(index.sStart, index.sRefs, 1)).toEqual([]);
    expect(refs(index.lStart, index.lRefs, 0)).toEqual(['nf7', 'ped1']);
    expect(refs(index.lStart, index.lRefs, 1)).toEqual([]); // skipped (locked)
  });
});
