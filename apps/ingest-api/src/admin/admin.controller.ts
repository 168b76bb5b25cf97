import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { Database, TenantRepository } from '@concilia/persistence';
import { AdminOnly } from '../http/access.decorators';
import { AuditService } from '../audit/audit.service';
import { presentApiKey } from '../api-keys/api-key.presenter';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { KEY_SCOPES } from '../api-keys/dto/create-api-key.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';

@ApiTags('Administration')
@ApiBearerAuth()
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Post('tenants')
  @AdminOnly()
  @ApiOperation({ summary: 'Create a tenant and its first API key (every scope); the key is returned once' })
  async createTenant(@Req() request: FastifyRequest, @Body() body: CreateTenantDto) {
    const { tenant, key, secret } = await this.database.transaction(async (tx) => {
      const tenant = await this.tenants.insert(tx, { id: uuidv7(), name: body.name });
      const { key, secret } = await this.apiKeys.createInTx(tx, tenant.id, { name: body.keyName ?? 'default', scopes: [...KEY_SCOPES] });
      await this.audit.record(tx, request, { tenantId: tenant.id, action: 'tenant.created', targetType: 'tenant', targetId: tenant.id, after: { name: tenant.name } });
      return { tenant, key, secret };
    });
    return { tenant: { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt.toISOString() }, apiKey: presentApiKey(key, secret) };
  }
}
