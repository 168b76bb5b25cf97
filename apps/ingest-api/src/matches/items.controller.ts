import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { presentLedgerEntry } from '../entries/entry.presenter';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { ListReachQueryDto } from './dto/list-reach-query.dto';
import { CloseStatementEntryDto, ReopenStatementEntryDto } from './dto/statement-entry-close.dto';
import { ItemsService } from './items.service';
import { presentStatementItem } from './match.presenter';

@ApiTags('Reconciliations')
@ApiBearerAuth()
@Controller('v1')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get('reconciliations/:id/ledger-entries')
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: "The account's ledger entries in reach of the period (widened by the date window); scope=unmatched leaves out those in any active match" })
  async ledgerInReach(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListReachQueryDto) {
    const page = await this.items.ledgerInReach(apiKeyCaller(request).tenantId, id, query.scope ?? 'all', pageRequest(query.limit, query.cursor));
    return listResponse(page, presentLedgerEntry);
  }

  @Post('statement-entries/:id/close')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Set a statement entry aside with a reason: it no longer counts as unmatched' })
  async close(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: CloseStatementEntryDto) {
    return presentStatementItem(await this.items.close(request, id, body));
  }

  @Post('statement-entries/:id/reopen')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Bring a closed statement entry back' })
  async reopen(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: ReopenStatementEntryDto) {
    return presentStatementItem(await this.items.reopen(request, id, body.note));
  }
}
