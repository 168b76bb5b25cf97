import { DomainError } from '@concilia/domain';
import { DEFAULT_CSV_PROFILE, validateCsvProfile } from './csv-profile';

function problems(input: unknown): { field: string; code: string }[] {
  try {
    validateCsvProfile(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('import_profile_invalid');
    return (error as DomainError).errors.map(({ field, code }) => ({ field, code }));
  }
  throw new Error('expected the profile to be refused');
}

const minimal = { columns: { amount: 'Valor', date: 'Data' } };

describe('validateCsvProfile', () => {
  it('fills every default around the columns', () => {
    expect(validateCsvProfile(minimal)).toEqual({
      delimiter: ',',
      quote: '"',
      encoding: 'utf-8',
      headerRow: true,
      skipRows: 0,
      decimalSeparator: '.',
      thousandsSeparator: '',
      dateFormat: 'yyyy-MM-dd',
      columns: { amount: 'Valor', date: 'Data' },
      sign: { mode: 'amount' },
      referenceSeparator: '|',
      defaultCurrency: null,
      defaultKind: null,
    });
  });

  it('accepts the default profile itself, and keeps a full Brazilian profile as given (normalising case)', () => {
    expect(validateCsvProfile(DEFAULT_CSV_PROFILE)).toEqual(DEFAULT_CSV_PROFILE);
    const brazil = {
      delimiter: ';',
      quote: "'",
      encoding: 'Windows-1252',
      headerRow: true,
      skipRows: 2,
      decimalSeparator: ',',
      thousandsSeparator: '.',
      dateFormat: 'dd/MM/yy',
      columns: { date: ' Data ', references: ['Documento', 3], description: 'Histórico' },
      sign: { mode: 'split', credit: 'Crédito', debit: 'Débito' },
      referenceSeparator: ' / ',
      defaultCurrency: 'brl',
      defaultKind: 'order',
    };
    expect(validateCsvProfile(brazil)).toEqual({
      ...brazil,
      encoding: 'windows-1252',
      columns: { date: 'Data', references: ['Documento', 3], description: 'Histórico' },
      defaultCurrency: 'BRL',
      defaultKind: 'ORDER',
    });
  });

  it('names unknown properties, at any depth', () => {
    expect(problems({ ...minimal, separator: ';', columns: { ...minimal.columns, amout: 'x' }, sign: { mode: 'amount', column: 3 } })).toEqual([
      { field: 'separator', code: 'unknown_field' },
      { field: 'sign.column', code: 'unknown_field' },
      { field: 'columns.amout', code: 'unknown_field' },
    ]);
  });

  it.each([
    ['not an object', 'default', [{ field: 'profile', code: 'type' }]],
    ['no columns', {}, [{ field: 'columns', code: 'required' }]],
    ['columns without amount and date', { columns: { description: 1 } }, [
      { field: 'columns.date', code: 'required' },
      { field: 'columns.amount', code: 'required' },
    ]],
    ['a bad delimiter', { ...minimal, delimiter: ':' }, [{ field: 'delimiter', code: 'enum' }]],
    ['a bad quote', { ...minimal, quote: '`' }, [{ field: 'quote', code: 'enum' }]],
    ['an unknown encoding', { ...minimal, encoding: 'utf-16' }, [{ field: 'encoding', code: 'enum' }]],
    ['headerRow as a string', { ...minimal, headerRow: 'yes' }, [{ field: 'headerRow', code: 'type' }]],
    ['skipRows out of range', { ...minimal, skipRows: 1001 }, [{ field: 'skipRows', code: 'range' }]],
    ['skipRows fractional', { ...minimal, skipRows: 1.5 }, [{ field: 'skipRows', code: 'range' }]],
    ['the same decimal and thousands separator', { ...minimal, decimalSeparator: ',', thousandsSeparator: ',' }, [{ field: 'thousandsSeparator', code: 'conflict' }]],
    ["thousands ' with quote '", { ...minimal, quote: "'", thousandsSeparator: "'" }, [{ field: 'thousandsSeparator', code: 'conflict' }]],
    ['a date format without a day', { ...minimal, dateFormat: 'MM/yyyy' }, [{ field: 'dateFormat', code: 'date_format_invalid' }]],
    ['a date format in capitals', { ...minimal, dateFormat: 'DD/MM/YYYY' }, [{ field: 'dateFormat', code: 'date_format_invalid' }]],
    ['a date format with two years', { ...minimal, dateFormat: 'yyyy-MM-dd yy' }, [{ field: 'dateFormat', code: 'date_format_invalid' }]],
    ['an ambiguous date format', { ...minimal, dateFormat: 'dMyyyy' }, [{ field: 'dateFormat', code: 'date_format_invalid' }]],
    ['a position below 1', { columns: { amount: 0, date: 1 } }, [{ field: 'columns.amount', code: 'range' }]],
    ['a fractional position', { columns: { amount: 1.5, date: 1 } }, [{ field: 'columns.amount', code: 'range' }]],
    ['an empty header name', { columns: { amount: '  ', date: 1 } }, [{ field: 'columns.amount', code: 'type' }]],
    ['an empty references list', { ...minimal, columns: { ...minimal.columns, references: [] } }, [{ field: 'columns.references', code: 'type' }]],
    ['a bad reference column', { ...minimal, columns: { ...minimal.columns, references: ['A', 0] } }, [{ field: 'columns.references[1]', code: 'range' }]],
    ['header names without a header row', { headerRow: false, columns: { amount: 'Valor', date: 2 } }, [{ field: 'columns.amount', code: 'position_required' }]],
    ['an unknown sign mode', { ...minimal, sign: { mode: 'guess' } }, [{ field: 'sign.mode', code: 'enum' }]],
    ['direction without lists', { ...minimal, sign: { mode: 'direction', column: 'D/C', credit: [], debit: [''] } }, [
      { field: 'sign.credit', code: 'type' },
      { field: 'sign.debit', code: 'type' },
    ]],
    ['direction without a column', { ...minimal, sign: { mode: 'direction', credit: ['C'], debit: ['D'] } }, [{ field: 'sign.column', code: 'required' }]],
    ['direction lists that overlap', { ...minimal, sign: { mode: 'direction', column: 5, credit: ['C'], debit: ['D', 'c'] } }, [{ field: 'sign.debit', code: 'conflict' }]],
    ['split with an amount column', { ...minimal, sign: { mode: 'split', credit: 'C', debit: 'D' } }, [{ field: 'columns.amount', code: 'conflict' }]],
    ['split without a debit column', { columns: { date: 1 }, headerRow: false, sign: { mode: 'split', credit: 2 } }, [{ field: 'sign.debit', code: 'required' }]],
    ['split by name without a header row', { columns: { date: 1 }, headerRow: false, sign: { mode: 'split', credit: 'C', debit: 3 } }, [
      { field: 'sign.credit', code: 'position_required' },
    ]],
    ['an empty reference separator', { ...minimal, referenceSeparator: '' }, [{ field: 'referenceSeparator', code: 'type' }]],
    ['an unknown default currency', { ...minimal, defaultCurrency: 'XYZ' }, [{ field: 'defaultCurrency', code: 'currency_unknown' }]],
    ['a default currency that is no string', { ...minimal, defaultCurrency: 986 }, [{ field: 'defaultCurrency', code: 'type' }]],
    ['a kind outside the ledger kinds', { ...minimal, defaultKind: 'REFUND' }, [{ field: 'defaultKind', code: 'kind_invalid' }]],
  ])('refuses %s, naming the property', (_name, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });

  it('reports every bad property at once, in a message safe to show', () => {
    try {
      validateCsvProfile({ delimiter: 'x', dateFormat: 'dd/mm/yyyy', columns: { amount: -1, date: 'Data' } });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as DomainError).errors.map((e) => e.field)).toEqual(['delimiter', 'dateFormat', 'columns.amount']);
      expect((error as DomainError).message).toMatch(/^the import profile is invalid: delimiter must be one of/);
    }
  });
});
