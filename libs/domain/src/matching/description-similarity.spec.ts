import fc from 'fast-check';
import { descriptionSimilarity, descriptionTokens } from './description-similarity';

describe('descriptionSimilarity', () => {
  it('is 1 for the same words in any order and case, 0 without common words or text', () => {
    expect(descriptionSimilarity('Pedido 123 Loja X', 'loja x, PEDIDO-123')).toBe(1);
    expect(descriptionSimilarity('pix recebido', 'boleto pago')).toBe(0);
    expect(descriptionSimilarity(null, 'x')).toBe(0);
    expect(descriptionSimilarity('', '')).toBe(0);
    expect(descriptionSimilarity('---', 'x')).toBe(0);
  });

  it('is the Jaccard index of the word sets', () => {
    expect(descriptionSimilarity('pix joao silva', 'pix maria silva')).toBeCloseTo(2 / 4);
    expect(descriptionSimilarity('a a b', 'a')).toBeCloseTo(1 / 2);
  });

  it('is symmetric and in [0, 1]', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (a, b) => {
        const x = descriptionSimilarity(a, b);
        expect(x).toBe(descriptionSimilarity(b, a));
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('tokenises into sorted distinct lowercase words', () => {
    expect(descriptionTokens('Venda  ÉLAN/é 12 venda')).toEqual(['12', 'venda', 'é', 'élan']);
  });
});
