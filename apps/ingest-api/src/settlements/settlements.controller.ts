import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { ListSettlementsQueryDto } from './dto/list-settlements-query.dto';
import { readBatchSchema, resolveBatchSchema } from './dto/settlement-batches';
import { presentSettlement } from './settlement.presenter';
import { SettlementsService } from './settlements.service';

@ApiTags('Settlements')
@ApiBearerAuth()
@Controller('v1/settlements')
export class SettlementsController {
  constructor(private readonly service: SettlementsService) {}

  @Get()
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: 'The ERP’s feed across the tenant: status (default PENDING), accountId, unread=true; with the release-type breakdown' })
  async list(@Req() request: FastifyRequest, @Query() query: ListSettlementsQueryDto) {
    const filters = {
      status: query.status ?? 'PENDING',
      ...(query.accountId !== undefined && { accountId: query.accountId.toLowerCase() }),
      ...(query.unread !== undefined && { unread: query.unread === 'true' }),
    };
    const { page, catalogueOf } = await this.service.list(apiKeyCaller(request).tenantId, filters, pageRequest(query.limit, query.cursor));
    return listResponse(page, (settlement) => presentSettlement(settlement, catalogueOf(settlement)));
  }

  @Post('resolve-batch')
  @HttpCode(200)
  @RequireScope('settlements:write')
  @ApiOperation({ summary: 'Report up to 1,000 settlements posted (RESOLVED, DIVERGENT, IGNORED); one result per item, in order' })
  @ApiBody({ schema: resolveBatchSchema as object })
  async resolveBatch(@Req() request: FastifyRequest, @Body() body: unknown) {
    return { results: await this.service.resolveBatch(request, body) };
  }

  @Post('read-batch')
  @HttpCode(200)
  @RequireScope('settlements:write')
  @ApiOperation({ summary: 'Mark up to 1,000 settlements read; one result per id, in order' })
  @ApiBody({ schema: readBatchSchema as object })
  async readBatch(@Req() request: FastifyRequest, @Body() body: unknown) {
    return { results: await this.service.readBatch(request, body) };
  }
}
