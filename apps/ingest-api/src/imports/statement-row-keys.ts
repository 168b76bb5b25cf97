import { createHash } from 'node:crypto';
import type { ImportedStatementRow, StoredStatementKeys } from '@concilia/persistence';

/** 20 hex characters (80 bits) of a row's content: collisions are beyond reach for any file. */
const FINGERPRINT_CHARS = 20;

/**
 * Decides, row by row, what a statement file adds to a reconciliation: a row whose externalId,
 * or (without one) whose content and occurrence, is already stored is a duplicate; identical
 * rows without ids within one file are all kept, numbered #1, #2, ... by occurrence, so that the
 * same rows in a later, overlapping file are recognised. A file repeating an externalId is left
 * to the database's unique index, which refuses it.
 */
export class StatementRowKeys {
  duplicates = 0;
  private readonly occurrences = new Map<string, number>();

  constructor(private readonly stored: StoredStatementKeys) {}

  /** True when the row is new (its row key set when it has no externalId); false for a duplicate. */
  admit(row: ImportedStatementRow): boolean {
    if (row.externalId !== null) return this.count(!this.stored.externalIds.has(row.externalId));
    const fingerprint = contentFingerprint(row);
    const occurrence = (this.occurrences.get(fingerprint) ?? 0) + 1;
    this.occurrences.set(fingerprint, occurrence);
    row.importRowKey = `${fingerprint}:${occurrence}`;
    return this.count(!this.stored.importRowKeys.has(row.importRowKey));
  }

  private count(isNew: boolean): boolean {
    if (!isNew) this.duplicates += 1;
    return isNew;
  }
}

function contentFingerprint(row: ImportedStatementRow): string {
  const content = JSON.stringify([
    row.amount.toString(),
    row.currency,
    row.entryDate,
    row.valueDate,
    row.releaseType,
    row.refs,
    row.description,
    row.status,
    row.counterparty,
  ]);
  return createHash('sha256').update(content).digest('hex').slice(0, FINGERPRINT_CHARS);
}
