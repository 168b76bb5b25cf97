import type { DynamicModule } from '@nestjs/common';
import { buildConnector } from 'undici';
import type { Settings } from '@concilia/config';
import { OutboxModule, workerModule } from '@concilia/platform';
import { QUEUES } from '@concilia/queue-contracts';
import { DeliveryMetrics } from './delivery/delivery.metrics';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { WEBHOOK_RESOLVER, WEBHOOK_SOCKET_CONNECTOR } from './delivery/delivery.tokens';
import { systemResolver, type HostResolver, type SocketConnector } from './delivery/guarded-connector';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookHttpClient } from './delivery/webhook-http-client';
import { DispatchProcessor } from './dispatch/dispatch.processor';
import { EventDispatchService } from './dispatch/event-dispatch.service';

export const NOTIFIER_QUEUES = [QUEUES.webhookDispatch, QUEUES.webhookDelivery] as const;

/** Seams of the network path, replaced by tests (a stubbed resolver; a connector that records its calls). */
export interface NotifierNetwork {
  resolve?: HostResolver;
  connect?: SocketConnector;
}

/**
 * The notifier: relays the outbox rows of the webhook queues (events committed while Redis was
 * away), fans events out to deliveries, and delivers them signed, with retries.
 */
export function notifierWorkerModule(settings: Settings, network: NotifierNetwork = {}): DynamicModule {
  const connect = network.connect ?? buildConnector({ timeout: Math.min(settings.NOTIFIER_CONNECT_TIMEOUT_MS, settings.NOTIFIER_DELIVERY_TIMEOUT_MS) });
  return workerModule({
    name: 'notifier-worker',
    settings,
    queues: NOTIFIER_QUEUES,
    imports: [OutboxModule.forRoot(NOTIFIER_QUEUES)],
    providers: [
      { provide: WEBHOOK_RESOLVER, useValue: network.resolve ?? systemResolver },
      { provide: WEBHOOK_SOCKET_CONNECTOR, useValue: connect },
      DeliveryMetrics,
      WebhookHttpClient,
      WebhookDeliveryService,
      EventDispatchService,
      DispatchProcessor,
      DeliveryProcessor,
    ],
  });
}
