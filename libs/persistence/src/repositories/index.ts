import { AccountRepository } from './account.repository';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';
import { IdempotencyRepository } from './idempotency.repository';
import { LedgerEntryRepository } from './ledger-entry.repository';
import { MatchingRepository } from './matching.repository';
import { MatchReviewRepository } from './match-review.repository';
import { EventRepository } from './event.repository';
import { OutboxRepository } from './outbox.repository';
import { ReconciliationRepository } from './reconciliation.repository';
import { StatementEntryRepository } from './statement-entry.repository';
import { TenantRepository } from './tenant.repository';
import { DiscrepancyRepository } from './discrepancy.repository';
import { SettlementRepository } from './settlement.repository';
import { ReleaseTypeRepository } from './release-type.repository';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookRepository } from './webhook.repository';
import { ImportProfileRepository, ImportRepository } from './import.repository';

export * from './pagination';
export * from './account.repository';
export * from './api-key.repository';
export * from './audit.repository';
export * from './idempotency.repository';
export * from './ledger-entry.repository';
export * from './matching.repository';
export * from './uuid-v7-block';
export * from './match-review.repository';
export * from './summary';
export * from './ledger-version';
export * from './match-links';
export * from './event.repository';
export * from './outbox.repository';
export * from './reconciliation.repository';
export * from './statement-entry.repository';
export * from './tenant.repository';
export * from './discrepancy.repository';
export * from './settlement.repository';
export * from './release-type.repository';
export * from './webhook-delivery.repository';
export * from './webhook.repository';
export * from './import.repository';

export const REPOSITORIES = [
  TenantRepository,
  ApiKeyRepository,
  AccountRepository,
  LedgerEntryRepository,
  ReconciliationRepository,
  StatementEntryRepository,
  IdempotencyRepository,
  OutboxRepository,
  AuditRepository,
  MatchingRepository,
  MatchReviewRepository,
  EventRepository,
  DiscrepancyRepository,
  SettlementRepository,
  ReleaseTypeRepository,
  WebhookRepository,
  WebhookDeliveryRepository,
  ImportRepository,
  ImportProfileRepository,
];
