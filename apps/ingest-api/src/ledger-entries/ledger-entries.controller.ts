import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { validateLedgerBatch } from '../entries/entry-schemas';
import { presentLedgerEntry } from '../entries/entry.presenter';
import { presentMatch } from '../matches/match.presenter';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { ListLedgerEntriesQueryDto } from './dto/list-ledger-entries-query.dto';
import { LedgerEntriesService } from './ledger-entries.service';

@ApiTags('Ledger entries')
@ApiBearerAuth()
@Controller('v1')
export class LedgerEntriesController {
  constructor(private readonly service: LedgerEntriesService) {}

  @Post('accounts/:id/ledger-entries')
  @HttpCode(200)
  @RequireScope('ledger:write')
  @ApiOperation({ summary: 'Bulk upsert by externalId, up to 10,000 entries; answers counts created / updated / unchanged' })
  @ApiBody({ schema: validateLedgerBatch.schema as object })
  upsert(@Req() request: FastifyRequest, @IdParam() accountId: string, @Body() body: unknown) {
    return this.service.upsert(request, accountId, body);
  }

  @Get('accounts/:id/ledger-entries')
  @RequireScope('accounts:read')
  async list(@Req() request: FastifyRequest, @IdParam() accountId: string, @Query() query: ListLedgerEntriesQueryDto) {
    const page = await this.service.list(apiKeyCaller(request).tenantId, accountId, query, pageRequest(query.limit, query.cursor));
    return listResponse(page, presentLedgerEntry);
  }

  @Get('ledger-entries/:id')
  @RequireScope('accounts:read')
  @ApiOperation({ summary: 'One ledger entry, with its matches' })
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    const { tenantId } = apiKeyCaller(request);
    const entry = await this.service.get(tenantId, id);
    return { ...presentLedgerEntry(entry), matches: (await this.service.matchesOf(tenantId, id)).map(presentMatch) };
  }
}
