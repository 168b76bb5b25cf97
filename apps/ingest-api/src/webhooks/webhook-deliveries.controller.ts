import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { IdParam } from '../http/uuid-param.pipe';
import { presentWebhookDelivery } from './webhook.presenter';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly service: WebhookDeliveriesService) {}

  @Post(':id/retry')
  @HttpCode(202)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Deliver again now: back to PENDING and queued (409 webhook_endpoint_disabled while its endpoint is disabled, except for webhook.test)' })
  async retry(@Req() request: FastifyRequest, @IdParam() id: string) {
    const { delivery, attempts } = await this.service.retry(request, id);
    return presentWebhookDelivery(delivery, attempts);
  }
}
