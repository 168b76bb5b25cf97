import { compileAmountReader } from './csv-amount';
import { compileDateReader, dateFormatProblem, formatDate, parseDateFormat } from './csv-date';

describe('compileAmountReader', () => {
  const brazilian = compileAmountReader(',', '.');
  const american = compileAmountReader('.', ',');
  const plain = compileAmountReader('.', '');
  const swiss = compileAmountReader('.', "'");

  it.each([
    [brazilian, '1.234,56', { digits: '1234.56', negative: false, signed: false }],
    [brazilian, '-1.234.567,8', { digits: '1234567.8', negative: true, signed: true }],
    [brazilian, '1234,56', { digits: '1234.56', negative: false, signed: false }],
    [brazilian, '1.234', { digits: '1234', negative: false, signed: false }],
    [american, '(1,234.56)', { digits: '1234.56', negative: true, signed: true }],
    [american, '1,234.56-', { digits: '1234.56', negative: true, signed: true }],
    [american, '+0.50', { digits: '0.50', negative: false, signed: true }],
    [plain, '000123', { digits: '000123', negative: false, signed: false }],
    [swiss, "1'234'567.05", { digits: '1234567.05', negative: false, signed: false }],
  ])('reads %#: %s', (reader, text, expected) => {
    expect(reader(text)).toEqual(expected);
  });

  it.each([
    [brazilian, '1,234.56'],
    [brazilian, '12.34,5'],
    [brazilian, '1.2345,00'],
    [brazilian, '.234,00'],
    [brazilian, ',50'],
    [american, '1.234,56'],
    [american, '1,23'],
    [plain, '1,234.56'],
    [plain, '1e5'],
    [plain, '--5'],
    [plain, '-5-'],
    [plain, '(5'],
    [plain, '-(5)'],
    [plain, '+'],
    [plain, '١٢٣'],
    [plain, 'R$ 10.00'],
    [plain, ''],
  ])('refuses %#: %s', (reader, text) => {
    expect(reader(text)).toBeNull();
  });
});

describe('date formats', () => {
  it.each([
    ['dd/MM/yyyy', '28/02/2026', '2026-02-28'],
    ['yyyy-MM-dd', '2026-02-28', '2026-02-28'],
    ['MM/dd/yyyy', '02/28/2026', '2026-02-28'],
    ['dd.MM.yyyy', '29.02.2028', '2028-02-29'],
    ['yyyyMMdd', '20260228', '2026-02-28'],
    ['d/M/yy', '5/3/26', '2026-03-05'],
    ['d/M/yy', '15/12/99', '2099-12-15'],
    ['dd-MM-yyyy', '01-01-2026', '2026-01-01'],
  ])('%s reads %s', (format, text, iso) => {
    expect(dateFormatProblem(format)).toBeNull();
    expect(compileDateReader(format)(text)).toBe(iso);
  });

  it.each([
    ['dd/MM/yyyy', '30/02/2026'],
    ['dd/MM/yyyy', '29/02/2026'],
    ['dd/MM/yyyy', '2026-02-01'],
    ['dd/MM/yyyy', '1/2/2026'],
    ['dd/MM/yyyy', '01/13/2026'],
    ['dd/MM/yyyy', '00/01/2026'],
    ['dd/MM/yyyy', '01/01/1899'],
    ['yyyy-MM-dd', '2026-01-01T10:00:00'],
    ['yyyy-MM-dd', ''],
  ])('%s refuses %s', (format, text) => {
    const read = compileDateReader(format);
    expect(read(text)).toBeNull();
    expect(read(text)).toBeNull();
  });

  it('formats back what it reads (the writer uses it)', () => {
    for (const format of ['dd/MM/yyyy', 'd.M.yy', 'yyyyMMdd', 'MM/dd/yyyy']) {
      const text = formatDate('2031-07-04', parseDateFormat(format));
      expect(compileDateReader(format)(text)).toBe('2031-07-04');
    }
  });
});
