import { LEDGER_ENTRY_KINDS, parseAmount } from '@concilia/domain';
import type { ParsedEntry, RowProblem } from '../statement-file.types';
import { type AmountTextReader, compileAmountReader, type DecimalText } from './csv-amount';
import { compileDateReader, type DateReader } from './csv-date';
import type { CsvLayout, CsvSide, ResolvedSign, SingleColumnField } from './csv-layout';
import type { CsvProfile } from './csv-profile';
import type { CsvRecord } from './csv-records';
import { clip } from './csv-text';

/*
 * Row problem codes: column_count (a row with another number of cells than the header),
 * nul_character, direction_invalid (a direction cell in neither sign list), kind_invalid
 * (ledger kind not ORDER, INVOICE, PAYMENT or GL), required, date_invalid, and parseAmount's
 * amount_invalid, amount_precision_exceeded, amount_out_of_range, currency_unknown.
 */

export interface CsvRowSettings {
  side: CsvSide;
  /** The currency of a row that names none: the profile's default, else the account's. */
  currency: string;
}

const LEDGER_KINDS: ReadonlySet<string> = new Set(LEDGER_ENTRY_KINDS);

type Amount = { ok: true; minor: bigint } | { ok: false; field: string; code: string; message: string };

/** Turns records into entries (or the problems that keep a row from being one), all compiled once per file. */
export class CsvRowReader {
  private readonly amountText: AmountTextReader;
  private readonly dateText: DateReader;
  private readonly columns: Record<SingleColumnField, number>;

  constructor(
    private readonly layout: CsvLayout,
    private readonly profile: CsvProfile,
    private readonly settings: CsvRowSettings,
  ) {
    this.amountText = compileAmountReader(profile.decimalSeparator, profile.thousandsSeparator);
    this.dateText = compileDateReader(profile.dateFormat);
    this.columns = layout.columns;
  }

  read(record: CsvRecord): ParsedEntry | RowProblem[] {
    const { cells, line } = record;
    if (cells.length !== this.layout.columnCount) {
      return [{ line, field: 'row', code: 'column_count', message: `line ${line}: expected ${this.layout.columnCount} columns, got ${cells.length}` }];
    }
    if (record.nul) return this.nulProblems(record);
    const problems: RowProblem[] = [];
    const entry = this.entry(record, problems);
    return problems.length > 0 ? problems : entry;
  }

  private entry(record: CsvRecord, problems: RowProblem[]): ParsedEntry {
    const { cells, line } = record;
    const currency = this.text(cells, this.columns.currency)?.toUpperCase() ?? this.settings.currency;
    const amount = this.amount(cells, currency);
    if (!amount.ok) problems.push({ line, field: amount.field, code: amount.code, message: `line ${line}: ${amount.message}` });
    const entry: ParsedEntry = {
      line,
      externalId: this.text(cells, this.columns.externalId),
      amount: amount.ok ? amount.minor : 0n,
      currency,
      date: this.date(cells, 'date', line, problems) ?? '',
      valueDate: this.date(cells, 'valueDate', line, problems),
      releaseType: this.text(cells, this.columns.releaseType),
      references: this.references(cells),
      description: this.text(cells, this.columns.description),
      status: this.text(cells, this.columns.status),
      counterparty: this.text(cells, this.columns.counterparty),
      metadata: null,
    };
    if (this.settings.side === 'ledger') this.addLedgerFields(entry, cells, line, problems);
    return entry;
  }

  private addLedgerFields(entry: ParsedEntry, cells: string[], line: number, problems: RowProblem[]): void {
    if (entry.externalId === null) problems.push({ line, field: 'externalId', code: 'required', message: `line ${line}: a ledger entry needs an externalId` });
    entry.kind = this.kind(cells, line, problems);
    entry.expectedSettlementDate = this.date(cells, 'expectedSettlementDate', line, problems);
  }

  /** Trimmed cell text; null for an unmapped column or an empty cell. */
  private text(cells: string[], index: number): string | null {
    if (index < 0) return null;
    const text = cells[index].trim();
    return text.length > 0 ? text : null;
  }

  private references(cells: string[]): string[] {
    const references: string[] = [];
    for (const index of this.layout.references) {
      const text = this.text(cells, index);
      if (text === null) continue;
      if (!text.includes(this.profile.referenceSeparator)) {
        references.push(text);
        continue;
      }
      for (const part of text.split(this.profile.referenceSeparator)) {
        const reference = part.trim();
        if (reference.length > 0) references.push(reference);
      }
    }
    return references;
  }

  private date(cells: string[], field: 'date' | 'valueDate' | 'expectedSettlementDate', line: number, problems: RowProblem[]): string | null {
    const text = this.text(cells, this.columns[field]);
    if (text === null) {
      if (field === 'date') problems.push({ line, field, code: 'required', message: `line ${line}: the date is empty` });
      return null;
    }
    const date = this.dateText(text);
    if (date === null) {
      problems.push({ line, field, code: 'date_invalid', message: `line ${line}: ${field} "${clip(text)}" is not a calendar date in the format ${this.profile.dateFormat}` });
    }
    return date;
  }

  private kind(cells: string[], line: number, problems: RowProblem[]): string | null {
    const kind = this.text(cells, this.columns.kind)?.toUpperCase() ?? this.profile.defaultKind;
    if (kind === null) {
      problems.push({ line, field: 'kind', code: 'required', message: `line ${line}: a ledger entry needs a kind (${LEDGER_ENTRY_KINDS.join(', ')})` });
    } else if (!LEDGER_KINDS.has(kind)) {
      problems.push({ line, field: 'kind', code: 'kind_invalid', message: `line ${line}: kind "${clip(kind)}" is not one of ${LEDGER_ENTRY_KINDS.join(', ')}` });
    }
    return kind;
  }

  private amount(cells: string[], currency: string): Amount {
    const sign = this.layout.sign;
    if (sign.mode === 'split') return this.splitAmount(cells, sign.credit, sign.debit, currency);
    const text = this.text(cells, this.columns.amount);
    if (text === null) return { ok: false, field: 'amount', code: 'required', message: 'the amount is empty' };
    const decimal = this.amountText(text);
    if (decimal === null) return notANumber(text);
    if (sign.mode === 'amount') return exact(decimal, decimal.negative, currency);
    return this.directedAmount(cells, sign, decimal, currency);
  }

  private directedAmount(cells: string[], sign: Extract<ResolvedSign, { mode: 'direction' }>, decimal: DecimalText, currency: string): Amount {
    const direction = this.text(cells, sign.column)?.toUpperCase() ?? '';
    const debit = sign.debit.has(direction);
    if (!debit && !sign.credit.has(direction)) {
      const allowed = [...sign.credit, ...sign.debit].join(', ');
      return { ok: false, field: this.layout.labels[sign.column], code: 'direction_invalid', message: `direction "${clip(direction)}" is none of ${allowed}` };
    }
    if (decimal.signed && decimal.negative !== debit) return contradiction(debit ? 'debit' : 'credit');
    return exact(decimal, debit, currency);
  }

  /** One of two columns is filled; a zero in the other counts as empty (some banks write 0,00). */
  private splitAmount(cells: string[], creditColumn: number, debitColumn: number, currency: string): Amount {
    const credit = this.sideAmount(cells, creditColumn, false, currency);
    const debit = this.sideAmount(cells, debitColumn, true, currency);
    if (credit === null && debit === null) return { ok: false, field: 'amount', code: 'amount_invalid', message: 'neither the credit nor the debit column is filled' };
    if (credit === null || debit === null) return (credit ?? debit) as Amount;
    if (!credit.ok) return credit;
    if (!debit.ok) return debit;
    if (credit.minor === 0n) return debit;
    if (debit.minor === 0n) return credit;
    return { ok: false, field: 'amount', code: 'amount_invalid', message: 'both the credit and the debit column are filled' };
  }

  private sideAmount(cells: string[], column: number, debit: boolean, currency: string): Amount | null {
    const text = this.text(cells, column);
    if (text === null) return null;
    const decimal = this.amountText(text);
    if (decimal === null) return notANumber(text);
    if (decimal.signed && decimal.negative !== debit) return contradiction(debit ? 'debit' : 'credit');
    return exact(decimal, debit, currency);
  }

  private nulProblems(record: CsvRecord): RowProblem[] {
    const { cells, line } = record;
    return cells.flatMap((cell, index) =>
      cell.includes('\0') ? [{ line, field: this.layout.labels[index], code: 'nul_character', message: `line ${line}: ${this.layout.labels[index]} holds a NUL character` }] : [],
    );
  }
}

/** The only step from text to money: parseAmount on the rewritten decimal, never a float. */
function exact(decimal: DecimalText, negative: boolean, currency: string): Amount {
  const parsed = parseAmount(negative ? `-${decimal.digits}` : decimal.digits, currency);
  if (parsed.ok) return parsed;
  return { ok: false, field: parsed.problem === 'currency_unknown' ? 'currency' : 'amount', code: parsed.problem, message: parsed.message };
}

function notANumber(text: string): Amount {
  return { ok: false, field: 'amount', code: 'amount_invalid', message: `amount "${clip(text)}" is not a number in the profile's notation` };
}

function contradiction(side: 'credit' | 'debit'): Amount {
  return { ok: false, field: 'amount', code: 'amount_invalid', message: `the amount's sign contradicts its ${side} direction` };
}
