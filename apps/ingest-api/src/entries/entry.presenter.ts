import { formatAmount } from '@concilia/domain';
import type { LedgerEntryEntity, StatementEntryEntity } from '@concilia/persistence';

export function presentLedgerEntry(entry: LedgerEntryEntity) {
  return {
    id: entry.id,
    accountId: entry.accountId,
    externalId: entry.externalId,
    kind: entry.kind,
    amount: formatAmount(entry.amount, entry.currency),
    currency: entry.currency,
    date: entry.entryDate,
    expectedSettlementDate: entry.expectedSettlementDate,
    status: entry.status,
    references: entry.refs,
    description: entry.description,
    counterparty: entry.counterparty,
    metadata: entry.metadata,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export function presentStatementEntry(entry: StatementEntryEntity) {
  return {
    id: entry.id,
    reconciliationId: entry.reconciliationId,
    externalId: entry.externalId,
    amount: formatAmount(entry.amount, entry.currency),
    currency: entry.currency,
    date: entry.entryDate,
    valueDate: entry.valueDate,
    releaseType: entry.releaseType,
    references: entry.refs,
    description: entry.description,
    status: entry.status,
    counterparty: entry.counterparty,
    metadata: entry.metadata,
    closedAt: entry.closedAt?.toISOString() ?? null,
    closedReason: entry.closedReason,
    closedNote: entry.closedNote,
    createdAt: entry.createdAt.toISOString(),
  };
}
