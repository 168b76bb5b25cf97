import fc from 'fast-check';
import { extractReferences, normalizeReference, normalizeReferences } from './normalize-reference';

describe('normalizeReference', () => {
  it('makes "PED-000 123 " and "ped000123" the same reference', () => {
    expect(normalizeReference('PED-000 123 ')).toBe('ped000123');
    expect(normalizeReference('ped000123')).toBe('ped000123');
  });

  it.each([
    ['  abc  ', 'abc'],
    ['\tabc\n', 'abc'],
    ['\u00a0abc\u2003', 'abc'], // no-break space, em space
  ])('trims %p', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it.each([
    ['ABC', 'abc'],
    ['AbC123', 'abc123'],
    ['ΑΒΓ', 'αβγ'],
    ['ПЕД', 'пед'],
  ])('case-folds %p to %p', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it.each([
    ['PED-123', 'ped123'],
    ['PED 123', 'ped123'],
    ['PED.123', 'ped123'],
    ['PED/123', 'ped123'],
    ['PED\\123', 'ped123'],
    ['PED_123', 'ped123'],
    ['PED:123', 'ped123'],
    ['PED#123', 'ped123'],
    ['(PED) [123]', 'ped123'],
    ['P-E.D / 1_2 3', 'ped123'],
    ['PED–123', 'ped123'], // en dash
    ['PED—123', 'ped123'], // em dash
    ['PED\u200b123', 'ped123'], // zero-width space
    ['PED---...///123', 'ped123'],
  ])('removes separators: %p -> %p', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it.each([
    ['Pedido Nº 123', 'pedidono123'],
    ['AÇÃO-1', 'acao1'],
    ['ação-1', 'acao1'],
    ['café', 'cafe'],
    ['CAFÉ', 'cafe'],
    ['cafe\u0301', 'cafe'], // already decomposed
    ['naïve', 'naive'],
    ['Ñandú', 'nandu'],
    ['Łódź', 'łodz'], // Ł and ł do not decompose; only the marks go
    ['São Paulo', 'saopaulo'],
  ])('removes accents: %p -> %p', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it('folds precomposed and decomposed forms of the same text to one value', () => {
    expect(normalizeReference('Ação')).toBe(normalizeReference('Ac\u0327a\u0303o'));
  });

  it('folds compatibility forms (full-width, ligatures) to plain ASCII', () => {
    expect(normalizeReference('ＰＥＤ－１２３')).toBe('ped123');
    expect(normalizeReference('ﬁle-1')).toBe('file1');
    expect(normalizeReference('x²')).toBe('x2');
  });

  it('keeps letters and digits of non-Latin scripts', () => {
    expect(normalizeReference('注文-123')).toBe('注文123');
    expect(normalizeReference('طلب ٤٥')).toBe('طلب٤٥');
  });

  it.each([[''], ['   '], ['---'], ['./_ -'], ['\u0301'], ['!@#$%^&*()']])('normalises %p to the empty string', (input) => {
    expect(normalizeReference(input)).toBe('');
  });

  it('is idempotent and yields only lower-case letters and digits (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (input) => {
        const once = normalizeReference(input);
        expect(normalizeReference(once)).toBe(once);
        expect(once).toMatch(/^[\p{L}\p{N}]*$/u);
        expect(once).not.toMatch(/[\u0300-\u036f]/);
      }),
    );
  });

  it('ignores separators and case wherever they are inserted (property)', () => {
    const base = fc.stringMatching(/^[a-z0-9]{1,12}$/);
    const separator = fc.constantFrom(' ', '-', '.', '/', '_', '  ', ' - ');
    fc.assert(
      fc.property(base, fc.array(fc.tuple(fc.nat(), separator), { maxLength: 5 }), fc.boolean(), (ref, inserts, upper) => {
        let decorated = ref;
        for (const [at, sep] of inserts) {
          const i = at % (decorated.length + 1);
          decorated = decorated.slice(0, i) + sep + decorated.slice(i);
        }
        if (upper) decorated = decorated.toUpperCase();
        expect(normalizeReference(decorated)).toBe(ref);
      }),
    );
  });
});

describe('normalizeReferences', () => {
  it('normalises every reference', () => {
    expect(normalizeReferences(['PED-1', ' Ped 2 ', 'NF.3'])).toEqual(['ped1', 'ped2', 'nf3']);
  });

  it('de-duplicates by normalised form, keeping first-seen order', () => {
    expect(normalizeReferences(['B-2', 'a-1', 'b2', 'A 1', 'c3', 'B.2'])).toEqual(['b2', 'a1', 'c3']);
  });

  it('drops references that normalise to nothing', () => {
    expect(normalizeReferences(['', '  ', '---', 'PED-1', '/'])).toEqual(['ped1']);
  });

  it('returns an empty list for an empty input', () => {
    expect(normalizeReferences([])).toEqual([]);
  });

  it('does not modify its input', () => {
    const input = Object.freeze(['PED-1', 'ped1']);
    expect(normalizeReferences(input)).toEqual(['ped1']);
    expect(input).toEqual(['PED-1', 'ped1']);
  });

  it('returns unique, non-empty values in the order of their first occurrence (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 20 }), (refs) => {
        const result = normalizeReferences(refs);
        expect(new Set(result).size).toBe(result.length);
        expect(result.every((r) => r.length > 0)).toBe(true);
        const expected: string[] = [];
        for (const ref of refs) {
          const n = normalizeReference(ref);
          if (n && !expected.includes(n)) expected.push(n);
        }
        expect(result).toEqual(expected);
      }),
    );
  });
});

describe('extractReferences', () => {
  it('finds every match of a pattern in a description, normalised', () => {
    expect(extractReferences('PIX recebido PED-123 e PED-456', [/PED-\d+/])).toEqual(['ped123', 'ped456']);
  });

  it('returns an empty list when nothing matches or there are no patterns', () => {
    expect(extractReferences('TED recebida sem referência', [/PED-\d+/])).toEqual([]);
    expect(extractReferences('PED-123', [])).toEqual([]);
    expect(extractReferences('', [/PED-\d+/])).toEqual([]);
  });

  it('respects the case sensitivity of the pattern', () => {
    expect(extractReferences('ped-123 PED-456', [/PED-\d+/])).toEqual(['ped456']);
    expect(extractReferences('ped-123 PED-456', [/PED-\d+/i])).toEqual(['ped123', 'ped456']);
  });

  it('takes the whole match, not a capture group', () => {
    expect(extractReferences('pagamento PED-77 ok', [/PED-(\d+)/])).toEqual(['ped77']);
  });

  it('combines several patterns, keeping pattern order then text order', () => {
    const text = 'NF 9001 ref PED-2 PED-1 NF 9002';
    expect(extractReferences(text, [/PED-\d+/, /NF \d+/])).toEqual(['ped2', 'ped1', 'nf9001', 'nf9002']);
    expect(extractReferences(text, [/NF \d+/, /PED-\d+/])).toEqual(['nf9001', 'nf9002', 'ped2', 'ped1']);
  });

  it('de-duplicates the same reference written differently or matched by two patterns', () => {
    expect(extractReferences('PED-123 again PED-123 and ped 123', [/PED-\d+/, /ped \d+/])).toEqual(['ped123']);
    expect(extractReferences('PED-123', [/PED-\d+/, /PED-\d+/i])).toEqual(['ped123']);
  });

  it('works with patterns that already carry the g flag, and does not depend on their lastIndex', () => {
    const pattern = /PED-\d+/g;
    pattern.lastIndex = 5;
    expect(extractReferences('PED-1 PED-2', [pattern])).toEqual(['ped1', 'ped2']);
    expect(extractReferences('PED-1 PED-2', [pattern])).toEqual(['ped1', 'ped2']);
    expect(pattern.lastIndex).toBe(5);
  });

  it('supports unicode-flag patterns and accented text', () => {
    expect(extractReferences('Pedido Nº PÉD-12', [/P\p{L}D-\d+/u])).toEqual(['ped12']);
  });

  it('drops matches that normalise to nothing (including empty matches)', () => {
    expect(extractReferences('a -- b', [/-+/])).toEqual([]);
    expect(extractReferences('abc 12', [/\d*/])).toEqual(['12']);
  });

  it('matches patterns anywhere in the text, including at the very start and end', () => {
    expect(extractReferences('PED-1', [/PED-\d+/])).toEqual(['ped1']);
    expect(extractReferences('xPED-1yPED-2', [/PED-\d+/])).toEqual(['ped1', 'ped2']);
  });

  it('honours anchors in the pattern', () => {
    expect(extractReferences('PED-1 PED-2', [/^PED-\d+/])).toEqual(['ped1']);
    expect(extractReferences('PED-1 PED-2', [/PED-\d+$/])).toEqual(['ped2']);
  });
});
