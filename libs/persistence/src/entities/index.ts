import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { MatchingRulesEntity } from './matching-rules.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ReconciliationEntity } from './reconciliation.entity';
import { StatementEntryEntity } from './statement-entry.entity';
import { TenantEntity } from './tenant.entity';
import { MatchingRunEntity } from './matching-run.entity';
import { MatchEntity } from './match.entity';
import { MatchItemEntity, ReleasedMatchItemEntity } from './match-item.entity';
import { DiscrepancyEntity } from './discrepancy.entity';
import { SettlementEntity } from './settlement.entity';
import { EventEntity } from './event.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { ReleaseTypeEntity } from './release-type.entity';
import { ImportEntity } from './import.entity';
import { ImportProfileEntity } from './import-profile.entity';
import { LedgerVersionEntity } from './ledger-version.entity';

export {
  AccountEntity,
  ApiKeyEntity,
  AuditEventEntity,
  IdempotencyKeyEntity,
  LedgerEntryEntity,
  MatchingRulesEntity,
  OutboxMessageEntity,
  ReconciliationEntity,
  StatementEntryEntity,
  TenantEntity,
  MatchingRunEntity,
  MatchEntity,
  MatchItemEntity,
  ReleasedMatchItemEntity,
  DiscrepancyEntity,
  SettlementEntity,
  EventEntity,
  ReleaseTypeEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  ImportEntity,
  ImportProfileEntity,
  LedgerVersionEntity,
};
export type { ImportSide, ImportStatus } from './import.entity';
export type { WebhookDeliveryStatus } from './webhook-delivery.entity';
export type { MatchingRunStatus } from './matching-run.entity';
export type { MatchStatus, MatchMethod } from './match.entity';
export type { MatchSide } from './match-item.entity';
export type { IdempotencyState } from './idempotency-key.entity';
export type { AuditActorType } from './audit-event.entity';
export { bigintTransformer } from './transformers';
export { decodeExplanation, encodeCriterion } from './explanation-codec';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  AccountEntity,
  MatchingRulesEntity,
  LedgerEntryEntity,
  ReconciliationEntity,
  StatementEntryEntity,
  IdempotencyKeyEntity,
  OutboxMessageEntity,
  AuditEventEntity,
  MatchingRunEntity,
  MatchEntity,
  MatchItemEntity,
  ReleasedMatchItemEntity,
  DiscrepancyEntity,
  SettlementEntity,
  EventEntity,
  ReleaseTypeEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  ImportEntity,
  ImportProfileEntity,
  LedgerVersionEntity,
];
