import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@concilia/domain';
import { Database, WebhookRepository, type Page, type PageRequest, type Tx, type WebhookEndpointChanges, type WebhookEndpointEntity } from '@concilia/persistence';
import { EventRecorder } from '@concilia/platform';
import { generateWebhookSecret } from '@concilia/webhooks';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import type { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import type { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto';
import { WebhookUrlPolicy } from './webhook-url.policy';

/** Endpoints one tenant may have: each event fans out to all of them. */
export const MAX_WEBHOOK_ENDPOINTS_PER_TENANT = 16;

/** How long a rotated-out secret keeps signing beside the new one. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface TestEventRecorded {
  eventId: string;
  type: 'webhook.test';
  endpointId: string;
}

/**
 * Webhook endpoints: created with a fresh `whsec_` secret shown once, their URL checked on every
 * save. Every change is audited without the secret; the secret is never logged or put in a job.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly database: Database,
    private readonly webhooks: WebhookRepository,
    private readonly urls: WebhookUrlPolicy,
    private readonly audit: AuditService,
    private readonly events: EventRecorder,
  ) {}

  async create(request: FastifyRequest, body: CreateWebhookEndpointDto): Promise<{ endpoint: WebhookEndpointEntity; secret: string }> {
    const { tenantId } = apiKeyCaller(request);
    // DNS is asked outside the transaction: no row is locked while a resolver takes its time.
    await this.urls.assertAllowed(body.url);
    return this.database.transaction(async (tx) => {
      await this.webhooks.lockTenantEndpoints(tx, tenantId);
      if ((await this.webhooks.countEndpoints(tx, tenantId)) >= MAX_WEBHOOK_ENDPOINTS_PER_TENANT) {
        throw new DomainError('webhook_endpoint_limit', `A tenant can have at most ${MAX_WEBHOOK_ENDPOINTS_PER_TENANT} webhook endpoints; delete one first.`);
      }
      const secret = generateWebhookSecret();
      const endpoint = await this.webhooks.insertEndpoint(tx, {
        id: uuidv7(),
        tenantId,
        url: body.url,
        description: body.description ?? null,
        events: [...body.events],
        secret,
      });
      await this.audit.record(tx, request, { tenantId, action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: endpoint.id, after: snapshot(endpoint) });
      return { endpoint, secret };
    });
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.webhooks.findEndpoint(tenantId, id);
    if (!endpoint) throw notFound();
    return endpoint;
  }

  list(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpointEntity>> {
    return this.webhooks.listEndpoints(tenantId, page);
  }

  async update(request: FastifyRequest, id: string, body: UpdateWebhookEndpointDto): Promise<WebhookEndpointEntity> {
    const { tenantId } = apiKeyCaller(request);
    if (body.url !== undefined) {
      // Answer 404 for a missing endpoint before judging (and resolving) its new URL.
      await this.get(tenantId, id);
      await this.urls.assertAllowed(body.url);
    }
    return this.database.transaction(async (tx) => {
      const before = await this.locked(tx, tenantId, id);
      const changes: WebhookEndpointChanges = {};
      if (body.url !== undefined && body.url !== before.url) changes.url = body.url;
      if (body.events !== undefined && !sameSet(body.events, before.events)) changes.events = [...body.events];
      if (body.description !== undefined && body.description !== before.description) changes.description = body.description;
      if (body.enabled === true && !before.enabled) Object.assign(changes, { enabled: true, disabledReason: null, failingSince: null });
      // Disabled by a person: no system reason.
      if (body.enabled === false && before.enabled) Object.assign(changes, { enabled: false, disabledReason: null });
      if (Object.keys(changes).length === 0) return before;
      const after = await this.webhooks.updateEndpoint(tx, tenantId, id, changes);
      if (!after) throw notFound();
      await this.audit.record(tx, request, {
        tenantId,
        action: 'webhook_endpoint.updated',
        targetType: 'webhook_endpoint',
        targetId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  /** Deletes the endpoint; its PENDING deliveries end FAILED ('endpoint deleted'), the history stays. */
  async delete(request: FastifyRequest, id: string): Promise<void> {
    const { tenantId } = apiKeyCaller(request);
    await this.database.transaction(async (tx) => {
      const before = await this.locked(tx, tenantId, id);
      const closed = await this.webhooks.deleteEndpoint(tx, tenantId, id);
      await this.audit.record(tx, request, {
        tenantId,
        action: 'webhook_endpoint.deleted',
        targetType: 'webhook_endpoint',
        targetId: id,
        before: snapshot(before),
        after: { pendingDeliveriesFailed: closed },
      });
    });
  }

  /** A new secret, returned once; the previous one keeps signing beside it for 24 h (a second rotation drops the older one). */
  async rotateSecret(request: FastifyRequest, id: string): Promise<{ endpoint: WebhookEndpointEntity; secret: string }> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const before = await this.locked(tx, tenantId, id);
      const secret = generateWebhookSecret();
      const previousSecretExpiresAt = new Date(Date.now() + SECRET_ROTATION_OVERLAP_MS);
      const endpoint = await this.webhooks.updateEndpoint(tx, tenantId, id, { secret, previousSecret: before.secret, previousSecretExpiresAt });
      if (!endpoint) throw notFound();
      await this.audit.record(tx, request, {
        tenantId,
        action: 'webhook_endpoint.secret_rotated',
        targetType: 'webhook_endpoint',
        targetId: id,
        after: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
      });
      return { endpoint, secret };
    });
  }

  /**
   * Records a `webhook.test` event with `{ endpointId }`; the notifier delivers it to this
   * endpoint only, whatever its subscriptions, and even while the endpoint is disabled (so a
   * receiver can be checked before the endpoint is enabled again).
   */
  async sendTest(request: FastifyRequest, id: string): Promise<TestEventRecorded> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      await this.locked(tx, tenantId, id);
      const message = await this.events.record(tx, { tenantId, type: 'webhook.test', data: { endpointId: id }, correlationId: String(request.id) });
      return { eventId: String(message.payload['eventId']), type: 'webhook.test', endpointId: id };
    });
  }

  private async locked(tx: Tx, tenantId: string, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.webhooks.lockEndpoint(tx, tenantId, id);
    if (!endpoint) throw notFound();
    return endpoint;
  }
}

export function notFound(): DomainError {
  return new DomainError('not_found', 'No webhook endpoint with this id.');
}

export function disabled(): DomainError {
  return new DomainError('webhook_endpoint_disabled', 'This webhook endpoint is disabled; enable it (PATCH enabled: true) first.');
}

/** What the audit trail keeps of an endpoint: never a secret. */
function snapshot(endpoint: WebhookEndpointEntity): Record<string, unknown> {
  return { url: endpoint.url, description: endpoint.description, events: endpoint.events, enabled: endpoint.enabled, disabledReason: endpoint.disabledReason };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
