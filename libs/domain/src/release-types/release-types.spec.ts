import {
  builtInReleaseTypes,
  classifyBreakdown,
  classifyReleaseType,
  isBuiltInReleaseType,
  RELEASE_TYPE_CATEGORIES,
  RELEASE_TYPE_CODE_PATTERN,
  releaseTypeCatalogue,
} from './release-types';

const DEFAULT_CODES = ['SALE', 'COMMISSION', 'SHIPPING', 'RETURN_SHIPPING', 'RETURN_SALE', 'DEVOLUTION', 'PENALTY', 'ANTICIPATION_FEE', 'ADJUSTMENT'];

describe('built-in release-type catalogues', () => {
  it('has the default types with their categories, in a fixed order', () => {
    const types = builtInReleaseTypes('default');
    expect(types.map((t) => t.code)).toEqual(DEFAULT_CODES);
    expect(Object.fromEntries(types.map((t) => [t.code, t.category]))).toEqual({
      SALE: 'REVENUE',
      COMMISSION: 'FEE',
      SHIPPING: 'SHIPPING',
      RETURN_SHIPPING: 'SHIPPING',
      RETURN_SALE: 'RETURN',
      DEVOLUTION: 'RETURN',
      PENALTY: 'PENALTY',
      ANTICIPATION_FEE: 'FINANCIAL',
      ADJUSTMENT: 'ADJUSTMENT',
    });
    expect(types.every((t) => t.builtIn)).toBe(true);
  });

  it.each(['mercadolivre', 'amazon', 'shopee'])('%s extends the default catalogue with types of its own', (channel) => {
    const codes = builtInReleaseTypes(channel).map((t) => t.code);
    expect(codes.slice(0, DEFAULT_CODES.length)).toEqual(DEFAULT_CODES);
    expect(codes.length).toBeGreaterThan(DEFAULT_CODES.length);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('gives unknown channels, null and "default" the default catalogue', () => {
    for (const channel of ['my-own-shop', null, undefined, 'default']) {
      expect(builtInReleaseTypes(channel).map((t) => t.code)).toEqual(DEFAULT_CODES);
    }
  });

  it('keeps channels apart: an amazon type is not in mercadolivre', () => {
    expect(isBuiltInReleaseType('FBA_FEE', 'amazon')).toBe(true);
    expect(isBuiltInReleaseType('FBA_FEE', 'mercadolivre')).toBe(false);
    expect(isBuiltInReleaseType('FBA_FEE', 'default')).toBe(false);
  });

  it('uses only valid codes and known categories, and no code or alias twice in a channel', () => {
    for (const channel of ['default', 'mercadolivre', 'amazon', 'shopee']) {
      const types = builtInReleaseTypes(channel);
      const spellings = types.flatMap((t) => [t.code, ...(t.aliases ?? [])]);
      expect(new Set(spellings).size).toBe(spellings.length);
      for (const spelling of spellings) expect(spelling).toMatch(RELEASE_TYPE_CODE_PATTERN);
      for (const type of types) expect(RELEASE_TYPE_CATEGORIES).toContain(type.category);
    }
  });

  it('hands out copies: changing one does not change the catalogue', () => {
    const types = builtInReleaseTypes('default');
    types[0].code = 'CHANGED';
    (types[1].aliases as string[]).push('X');
    expect(builtInReleaseTypes('default')[0].code).toBe('SALE');
    expect(builtInReleaseTypes('default')[1].aliases).toEqual(['COMISSION']);
  });
});

describe('classifyReleaseType', () => {
  const catalogue = builtInReleaseTypes('default');

  it.each([
    ['SALE', 'SALE', 'REVENUE'],
    ['COMMISSION', 'COMMISSION', 'FEE'],
    ['COMISSION', 'COMMISSION', 'FEE'],
    ['SHIP', 'SHIPPING', 'SHIPPING'],
    ['RETURN_SHIP', 'RETURN_SHIPPING', 'SHIPPING'],
    ['RETURN_SHIPPING', 'RETURN_SHIPPING', 'SHIPPING'],
    ['ANTICIPATION_FEE', 'ANTICIPATION_FEE', 'FINANCIAL'],
  ])('classifies %s as %s (%s)', (code, expected, category) => {
    expect(classifyReleaseType(code, catalogue)).toEqual({ code: expected, category, classified: true });
  });

  it.each([
    [' sale ', 'SALE'],
    ['comission', 'COMMISSION'],
    ['return-shipping', 'RETURN_SHIPPING'],
    ['Return Ship', 'RETURN_SHIPPING'],
  ])('tolerates the spelling %p', (code, expected) => {
    expect(classifyReleaseType(code, catalogue)).toMatchObject({ code: expected, classified: true });
  });

  it('lists unknown codes as unclassified, keeping the code as given', () => {
    expect(classifyReleaseType('WEIRD_TYPE', catalogue)).toEqual({ code: 'WEIRD_TYPE', category: null, classified: false });
    expect(classifyReleaseType('', catalogue)).toEqual({ code: '', category: null, classified: false });
    expect(classifyReleaseType('UNCLASSIFIED', catalogue)).toEqual({ code: 'UNCLASSIFIED', category: null, classified: false });
  });

  it('classifies by the catalogue it is given', () => {
    expect(classifyReleaseType('FBA_FEE', builtInReleaseTypes('amazon'))).toEqual({ code: 'FBA_FEE', category: 'FEE', classified: true });
    expect(classifyReleaseType('FBA_FEE', catalogue).classified).toBe(false);
    expect(classifyReleaseType('SALE', []).classified).toBe(false);
  });

  it('classifies a tenant-added type', () => {
    const withTenant = releaseTypeCatalogue('shopee', [{ code: 'COINS_CASHBACK', name: 'Coins cashback', category: 'ADJUSTMENT' }]);
    expect(classifyReleaseType('COINS_CASHBACK', withTenant)).toEqual({ code: 'COINS_CASHBACK', category: 'ADJUSTMENT', classified: true });
  });
});

describe('releaseTypeCatalogue', () => {
  it('puts the tenant additions after the built-in types, marked builtIn: false', () => {
    const catalogue = releaseTypeCatalogue('amazon', [{ code: 'GIFT_WRAP', name: 'Gift wrap', category: 'REVENUE' }]);
    expect(catalogue.slice(0, -1).every((t) => t.builtIn)).toBe(true);
    expect(catalogue[catalogue.length - 1]).toEqual({ code: 'GIFT_WRAP', name: 'Gift wrap', category: 'REVENUE', aliases: [], builtIn: false });
  });

  it('never lets a tenant type shadow a built-in code or alias', () => {
    const catalogue = releaseTypeCatalogue('default', [
      { code: 'SALE', name: 'Mine', category: 'FEE' },
      { code: 'COMISSION', name: 'Mine too', category: 'PENALTY' },
    ]);
    expect(catalogue.map((t) => t.code)).toEqual(DEFAULT_CODES);
    expect(classifyReleaseType('COMISSION', catalogue)).toMatchObject({ code: 'COMMISSION', category: 'FEE' });
  });
});

describe('classifyBreakdown', () => {
  const catalogue = builtInReleaseTypes('mercadolivre');

  it('lists classified lines in catalogue order, then unclassified ones by code', () => {
    const lines = classifyBreakdown({ SHIPPING: '-800', ZETA: '5', SALE: '10000', COMMISSION: '-1200', ALPHA: '1', FINANCING_FEE: '-300' }, catalogue);
    expect(lines).toEqual([
      { releaseType: 'SALE', amount: 10000n, category: 'REVENUE', classified: true },
      { releaseType: 'COMMISSION', amount: -1200n, category: 'FEE', classified: true },
      { releaseType: 'SHIPPING', amount: -800n, category: 'SHIPPING', classified: true },
      { releaseType: 'FINANCING_FEE', amount: -300n, category: 'FINANCIAL', classified: true },
      { releaseType: 'ALPHA', amount: 1n, category: null, classified: false },
      { releaseType: 'ZETA', amount: 5n, category: null, classified: false },
    ]);
  });

  it('merges an alias into its type, exactly', () => {
    const lines = classifyBreakdown({ COMMISSION: '-9007199254740993', COMISSION: '-1', SALE: '9223372036854775000' }, catalogue);
    expect(lines).toEqual([
      { releaseType: 'SALE', amount: 9223372036854775000n, category: 'REVENUE', classified: true },
      { releaseType: 'COMMISSION', amount: -9007199254740994n, category: 'FEE', classified: true },
    ]);
  });

  it('keeps the sum of the lines equal to the sum of the breakdown', () => {
    const breakdown = { SALE: '12345', COMISSION: '-1111', SHIP: '-222', UNCLASSIFIED: '7', ALLOCATED: '100' };
    const total = Object.values(breakdown).reduce((sum, v) => sum + BigInt(v), 0n);
    expect(classifyBreakdown(breakdown, catalogue).reduce((sum, line) => sum + line.amount, 0n)).toBe(total);
  });

  it('answers an empty list for an empty breakdown', () => {
    expect(classifyBreakdown({}, catalogue)).toEqual([]);
  });
});
