import { classifyBreakdown, formatAmount, type ReleaseTypeDefinition } from '@concilia/domain';
import type { SettlementFeedRow } from '@concilia/persistence';

/** One settlement of the ERP's feed; the breakdown classified by the catalogue of the account's channel. */
export function presentSettlement(settlement: SettlementFeedRow, catalogue: readonly ReleaseTypeDefinition[]) {
  const money = (minor: bigint) => formatAmount(minor, settlement.currency);
  return {
    id: settlement.id,
    accountId: settlement.accountId,
    reconciliationId: settlement.reconciliationId,
    matchId: settlement.matchId,
    ledgerEntryId: settlement.ledgerEntryId,
    ledgerEntry: settlement.ledgerEntry,
    currency: settlement.currency,
    expectedAmount: money(settlement.expectedAmount),
    receivedAmount: money(settlement.receivedAmount),
    difference: money(settlement.difference),
    breakdown: classifyBreakdown(settlement.breakdown, catalogue).map((line) => ({
      releaseType: line.releaseType,
      amount: money(line.amount),
      category: line.category,
      classified: line.classified,
    })),
    status: settlement.status,
    remarks: settlement.remarks,
    readAt: settlement.readAt?.toISOString() ?? null,
    resolvedAt: settlement.resolvedAt?.toISOString() ?? null,
    createdAt: settlement.createdAt.toISOString(),
  };
}
