import { formatAmount } from '@concilia/domain';
import type { ReconciliationEntity } from '@concilia/persistence';

/**
 * The summary of API.md. The matcher stores the full one with each run; before the first run
 * only the statement entries (count, and total in the reconciliation's currency) are known.
 */
export function presentSummary(reconciliation: ReconciliationEntity) {
  const currency = reconciliation.currency;
  const zero = formatAmount(0n, currency);
  const stored = reconciliation.summary ?? {};
  return {
    statementEntries: { count: reconciliation.statementEntryCount, amount: formatAmount(reconciliation.statementEntryTotal, currency) },
    ledgerEntries: { count: 0, amount: zero },
    matched: { count: 0, amount: zero },
    suggested: { count: 0 },
    amountMismatch: { count: 0, amount: zero },
    statusMismatch: { count: 0 },
    unmatchedStatement: { count: 0, amount: zero },
    unmatchedLedger: { count: 0, amount: zero },
    discrepancies: { open: 0, resolved: 0, ignored: 0 },
    ...stored,
    lastMatchedAt: reconciliation.lastMatchedAt?.toISOString() ?? null,
    failureReason: reconciliation.failureReason,
  };
}

export function presentReconciliation(reconciliation: ReconciliationEntity) {
  return {
    id: reconciliation.id,
    accountId: reconciliation.accountId,
    periodStart: reconciliation.periodStart,
    periodEnd: reconciliation.periodEnd,
    mode: reconciliation.mode,
    status: reconciliation.status,
    expectedEntryCount: reconciliation.expectedEntryCount,
    statementEntryCount: reconciliation.statementEntryCount,
    submittedAt: reconciliation.submittedAt?.toISOString() ?? null,
    note: reconciliation.note,
    currency: reconciliation.currency,
    summary: presentSummary(reconciliation),
    ...(reconciliation.status === 'PROCESSING' ? { progress: reconciliation.progress ?? { stage: 'queued' } } : {}),
    runVersion: reconciliation.runVersion,
    rematchRequested: reconciliation.rematchRequested,
    finalizedAt: reconciliation.finalizedAt?.toISOString() ?? null,
    finalizedBy: reconciliation.finalizedBy,
    createdAt: reconciliation.createdAt.toISOString(),
    updatedAt: reconciliation.updatedAt.toISOString(),
  };
}
