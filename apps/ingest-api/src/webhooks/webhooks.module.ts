import { Module } from '@nestjs/common';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookHostResolver, WebhookUrlPolicy } from './webhook-url.policy';

/** Webhook endpoints and their deliveries (the notifier-worker delivers; this module manages). */
@Module({
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [WebhookEndpointsService, WebhookDeliveriesService, WebhookUrlPolicy, WebhookHostResolver],
})
export class WebhooksModule {}
