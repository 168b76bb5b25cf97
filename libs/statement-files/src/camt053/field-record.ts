import type { CamtField, RecordKind } from './camt053-paths';

/** The kept text of one `Stmt`, `Bal`, `Ntry` or `TxDtls`: trimmed values, empty ones dropped. */
export class FieldRecord {
  private readonly values = new Map<CamtField, string>();
  private lists: Map<CamtField, string[]> | null = null;
  /** `TxDtls` of an entry, opening/closing `Bal` of a statement. */
  readonly children: FieldRecord[] = [];

  constructor(
    readonly kind: RecordKind,
    readonly line: number,
  ) {}

  /** Keeps the first value of a field (later ones are ignored); returns the characters kept. */
  set(field: CamtField, raw: string): number {
    const value = raw.trim();
    if (value.length === 0 || this.values.has(field)) return 0;
    this.values.set(field, value);
    return value.length;
  }

  /** Keeps every value of a repeated field, in document order; returns the characters kept. */
  add(field: CamtField, raw: string): number {
    const value = raw.trim();
    if (value.length === 0) return 0;
    this.lists ??= new Map();
    const list = this.lists.get(field);
    if (list) list.push(value);
    else this.lists.set(field, [value]);
    return value.length;
  }

  get(field: CamtField): string | null {
    return this.values.get(field) ?? null;
  }

  getAll(field: CamtField): readonly string[] {
    return this.lists?.get(field) ?? [];
  }
}
