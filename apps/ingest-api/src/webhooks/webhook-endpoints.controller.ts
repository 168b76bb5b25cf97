import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { ListQueryDto } from '../http/list-query.dto';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { ListWebhookDeliveriesQueryDto } from './dto/list-webhook-deliveries-query.dto';
import { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto';
import { presentWebhookDelivery, presentWebhookEndpoint } from './webhook.presenter';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { MAX_WEBHOOK_ENDPOINTS_PER_TENANT, WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly service: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @RequireScope('webhooks:manage')
  @ApiOperation({
    summary: 'Create an endpoint; its signing secret (whsec_...) is returned once',
    description:
      `At most ${MAX_WEBHOOK_ENDPOINTS_PER_TENANT} endpoints per tenant (422 webhook_endpoint_limit). The URL must be https (http only ` +
      'into WEBHOOK_ALLOWED_CIDRS), at most 2,048 characters, without credentials, and must not resolve to a private, loopback, ' +
      'link-local, CGNAT, multicast, reserved or metadata address (422 webhook_url_forbidden, with the reason).',
  })
  async create(@Req() request: FastifyRequest, @Body() body: CreateWebhookEndpointDto) {
    const { endpoint, secret } = await this.service.create(request, body);
    return presentWebhookEndpoint(endpoint, secret);
  }

  @Get()
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'List endpoints (never their secrets)' })
  async list(@Req() request: FastifyRequest, @Query() query: ListQueryDto) {
    const page = await this.service.list(apiKeyCaller(request).tenantId, pageRequest(query.limit, query.cursor));
    return listResponse(page, (endpoint) => presentWebhookEndpoint(endpoint));
  }

  @Get(':id')
  @RequireScope('webhooks:manage')
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentWebhookEndpoint(await this.service.get(apiKeyCaller(request).tenantId, id));
  }

  @Patch(':id')
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Change url (checked again), events, enabled, description; enabling clears disabledReason and failingSince' })
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: UpdateWebhookEndpointDto) {
    return presentWebhookEndpoint(await this.service.update(request, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Delete an endpoint; its pending deliveries end FAILED ("endpoint deleted")' })
  async delete(@Req() request: FastifyRequest, @IdParam() id: string): Promise<void> {
    await this.service.delete(request, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'New signing secret, returned once; the previous one keeps signing beside it for 24 h' })
  async rotateSecret(@Req() request: FastifyRequest, @IdParam() id: string) {
    const { endpoint, secret } = await this.service.rotateSecret(request, id);
    return presentWebhookEndpoint(endpoint, secret);
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint only, whatever its events; also while it is disabled' })
  async test(@Req() request: FastifyRequest, @IdParam() id: string) {
    return this.service.sendTest(request, id);
  }

  @Get(':id/deliveries')
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Deliveries of the endpoint, newest first, each with its attempts (time, status code, duration, error)' })
  async listDeliveries(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListWebhookDeliveriesQueryDto) {
    const { limit, cursor, ...filters } = query;
    const page = await this.deliveries.list(apiKeyCaller(request).tenantId, id, filters, pageRequest(limit, cursor));
    return listResponse(page, ({ delivery, attempts }) => presentWebhookDelivery(delivery, attempts));
  }
}
