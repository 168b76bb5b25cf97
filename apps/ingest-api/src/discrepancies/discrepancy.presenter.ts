import { formatAmount } from '@concilia/domain';
import type { DiscrepancyEntity } from '@concilia/persistence';

export function presentDiscrepancy(discrepancy: DiscrepancyEntity) {
  return {
    id: discrepancy.id,
    reconciliationId: discrepancy.reconciliationId,
    type: discrepancy.type,
    severity: discrepancy.severity,
    amount: formatAmount(discrepancy.amount, discrepancy.currency),
    currency: discrepancy.currency,
    statementEntryIds: discrepancy.statementEntryIds,
    ledgerEntryIds: discrepancy.ledgerEntryIds,
    matchId: discrepancy.matchId,
    detail: discrepancy.detail,
    status: discrepancy.status,
    resolution: discrepancy.resolution,
    adjustedAmount: discrepancy.adjustedAmount === null ? null : formatAmount(discrepancy.adjustedAmount, discrepancy.currency),
    remarks: discrepancy.remarks,
    note: discrepancy.note,
    resolvedAt: discrepancy.resolvedAt?.toISOString() ?? null,
    resolvedBy: discrepancy.resolvedBy,
    createdAt: discrepancy.createdAt.toISOString(),
  };
}
