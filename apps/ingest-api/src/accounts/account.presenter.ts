import { formatAmount } from '@concilia/domain';
import type { AccountEntity, MatchingRulesEntity, UnreconciledCounts } from '@concilia/persistence';

export function presentAccount(account: AccountEntity, unreconciled?: UnreconciledCounts) {
  return {
    id: account.id,
    name: account.name,
    kind: account.kind,
    currency: account.currency,
    channel: account.channel,
    externalId: account.externalId,
    status: account.status,
    maxPeriodDays: account.maxPeriodDays,
    ...(unreconciled ? { unreconciled } : {}),
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

export function presentMatchingRules(rules: MatchingRulesEntity, currency: string) {
  return {
    accountId: rules.accountId,
    amountTolerance: formatAmount(rules.amountTolerance, currency),
    amountToleranceBps: rules.amountToleranceBps,
    dateWindowDays: rules.dateWindowDays,
    referencePatterns: rules.referencePatterns,
    useExternalIdAsReference: rules.useExternalIdAsReference,
    strategies: rules.strategies,
    autoAcceptThreshold: rules.autoAcceptThreshold,
    suggestThreshold: rules.suggestThreshold,
    maxGroupSize: rules.maxGroupSize,
    severityThresholds: {
      warning: formatAmount(rules.severityWarningAmount, currency),
      critical: formatAmount(rules.severityCriticalAmount, currency),
    },
    updatedAt: rules.updatedAt.toISOString(),
  };
}
