import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { DiscrepanciesService } from './discrepancies.service';
import { presentDiscrepancy } from './discrepancy.presenter';
import { ListDiscrepanciesQueryDto } from './dto/list-discrepancies-query.dto';
import { ResolveDiscrepancyDto } from './dto/resolve-discrepancy.dto';
import { UpdateDiscrepancyDto } from './dto/update-discrepancy.dto';

@ApiTags('Discrepancies')
@ApiBearerAuth()
@Controller('v1')
export class DiscrepanciesController {
  constructor(private readonly service: DiscrepanciesService) {}

  @Get('reconciliations/:id/discrepancies')
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: 'A reconciliation’s discrepancies; filters type, severity, status, resolution' })
  async list(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListDiscrepanciesQueryDto) {
    const { limit, cursor, ...filters } = query;
    const page = await this.service.list(apiKeyCaller(request).tenantId, id, filters, pageRequest(limit, cursor));
    return listResponse(page, presentDiscrepancy);
  }

  @Patch('discrepancies/:id')
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Change the review status (OPEN, IN_REVIEW, CLOSED) or the note' })
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: UpdateDiscrepancyDto) {
    return presentDiscrepancy(await this.service.update(request, id, body));
  }

  @Post('discrepancies/:id/resolve')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Resolve (RESOLVED, DIVERGENT, IGNORED) and close; 409 when already resolved' })
  async resolve(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: ResolveDiscrepancyDto) {
    return presentDiscrepancy(await this.service.resolve(request, id, body));
  }
}
