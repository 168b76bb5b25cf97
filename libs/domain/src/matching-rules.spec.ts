import { DEFAULT_MATCHING_RULES, referencePatternProblem } from './matching-rules';
import { extractReferences } from './reference/normalize-reference';
import { MATCHING_STRATEGIES } from './statuses';

const LENGTH_PROBLEM = 'must be 1-200 characters';
const REGEX_PROBLEM = 'is not a valid regular expression';

describe('referencePatternProblem', () => {
  it.each([
    ['PED-\\d+'],
    ['NF\\s?\\d{4,9}'],
    ['(?:PED|PEDIDO)[- ]?\\d+'],
    ['\\bINV-[A-Z0-9]+\\b'],
    ['a'],
    ['.'],
    ['\\p{Lu}{3}-\\d+'], // unicode property escapes need the u flag
    ['[\\-/]'],
  ])('accepts the valid pattern %p', (pattern) => {
    expect(referencePatternProblem(pattern)).toBeNull();
  });

  it('rejects the empty pattern', () => {
    expect(referencePatternProblem('')).toBe(LENGTH_PROBLEM);
  });

  it('accepts exactly 200 characters and rejects 201', () => {
    expect(referencePatternProblem('a'.repeat(200))).toBeNull();
    expect(referencePatternProblem('a'.repeat(201))).toBe(LENGTH_PROBLEM);
    expect(referencePatternProblem('\\d'.repeat(100))).toBeNull();
    expect(referencePatternProblem(`${'\\d'.repeat(100)}x`)).toBe(LENGTH_PROBLEM);
  });

  it('checks the length before compiling', () => {
    expect(referencePatternProblem('('.repeat(201))).toBe(LENGTH_PROBLEM);
  });

  it.each([
    ['('],
    [')'],
    ['[a-'],
    ['*'],
    ['+abc'],
    ['a{2,1}'],
    ['[z-a]'],
    ['(?<name>a)(?<name>b)'],
    ['\\'],
    ['(?P<x>a)'],
  ])('rejects the invalid pattern %p', (pattern) => {
    expect(referencePatternProblem(pattern)).toBe(REGEX_PROBLEM);
  });

  it.each([
    ['PED\\-\\d+'], // identity escape of '-' outside a class
    ['{'],
    ['a{'],
    ['\\p'],
    ['\\c'],
  ])('compiles with the u flag, so %p (valid only without it) is rejected', (pattern) => {
    expect(() => new RegExp(pattern)).not.toThrow();
    expect(referencePatternProblem(pattern)).toBe(REGEX_PROBLEM);
  });

  it('approves patterns that extractReferences can then use with the u flag', () => {
    const pattern = '\\p{Lu}{3}-\\d+';
    expect(referencePatternProblem(pattern)).toBeNull();
    expect(extractReferences('pagamento PED-42 ok', [new RegExp(pattern, 'u')])).toEqual(['ped42']);
  });
});

describe('DEFAULT_MATCHING_RULES', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_MATCHING_RULES)).toBe(true);
  });

  it('keeps money in bigint minor units', () => {
    expect(typeof DEFAULT_MATCHING_RULES.amountTolerance).toBe('bigint');
    expect(typeof DEFAULT_MATCHING_RULES.severityWarningAmount).toBe('bigint');
    expect(typeof DEFAULT_MATCHING_RULES.severityCriticalAmount).toBe('bigint');
    expect(DEFAULT_MATCHING_RULES.amountTolerance).toBe(0n);
  });

  it('is internally consistent', () => {
    expect(DEFAULT_MATCHING_RULES.suggestThreshold).toBeLessThan(DEFAULT_MATCHING_RULES.autoAcceptThreshold);
    expect(DEFAULT_MATCHING_RULES.autoAcceptThreshold).toBeLessThanOrEqual(100);
    expect(DEFAULT_MATCHING_RULES.severityWarningAmount).toBeLessThan(DEFAULT_MATCHING_RULES.severityCriticalAmount);
    expect(DEFAULT_MATCHING_RULES.maxGroupSize).toBeGreaterThanOrEqual(2);
    expect(DEFAULT_MATCHING_RULES.dateWindowDays).toBeGreaterThanOrEqual(0);
    expect(DEFAULT_MATCHING_RULES.strategies).toEqual([...MATCHING_STRATEGIES]);
    for (const pattern of DEFAULT_MATCHING_RULES.referencePatterns) expect(referencePatternProblem(pattern)).toBeNull();
  });
});
