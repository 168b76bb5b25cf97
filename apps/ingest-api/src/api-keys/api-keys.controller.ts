import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { ListQueryDto } from '../http/list-query.dto';
import { presentApiKey } from './api-key.presenter';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('API keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly service: ApiKeysService) {}

  @Post()
  @RequireScope('api_keys:manage')
  @ApiOperation({ summary: 'Create a key for the caller’s tenant; the secret is returned once' })
  async create(@Req() request: FastifyRequest, @Body() body: CreateApiKeyDto) {
    const { key, secret } = await this.service.create(request, body);
    return presentApiKey(key, secret);
  }

  @Get()
  @RequireScope('api_keys:manage')
  @ApiOperation({ summary: 'List keys (never their secrets)' })
  async list(@Req() request: FastifyRequest, @Query() query: ListQueryDto) {
    const page = await this.service.list(apiKeyCaller(request).tenantId, pageRequest(query.limit, query.cursor));
    return listResponse(page, (key) => presentApiKey(key));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScope('api_keys:manage')
  @ApiOperation({ summary: 'Revoke a key; effective immediately' })
  async revoke(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentApiKey(await this.service.revoke(request, id));
  }
}
