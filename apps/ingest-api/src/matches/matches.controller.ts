import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { ListMatchesQueryDto } from './dto/list-matches-query.dto';
import { ManualMatchDto } from './dto/manual-match.dto';
import { MatchDecisionDto, UpdateMatchDto } from './dto/match-note.dto';
import { ManualMatchService } from './manual-match.service';
import { presentMatch, presentMatchDetail } from './match.presenter';
import { type MatchDecision, MatchesService } from './matches.service';

@ApiTags('Matches')
@ApiBearerAuth()
@Controller('v1')
export class MatchesController {
  constructor(
    private readonly matches: MatchesService,
    private readonly manual: ManualMatchService,
  ) {}

  @Get('reconciliations/:id/matches')
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: "A reconciliation's matches; filters status and method" })
  async list(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListMatchesQueryDto) {
    const { limit, cursor, ...filters } = query;
    return listResponse(await this.matches.list(apiKeyCaller(request).tenantId, id, filters, pageRequest(limit, cursor)), presentMatch);
  }

  @Post('reconciliations/:id/manual-match')
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Link statement entries to ledger entries by hand (ACCEPTED at once); 409 if an entry is already matched' })
  async manualMatch(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: ManualMatchDto) {
    return this.detail(request, await this.manual.create(request, id, body));
  }

  @Get('matches/:id')
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: 'One match with both sides, its difference, confidence, rule and explanation' })
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    return this.detail(request, id);
  }

  @Patch('matches/:id')
  @RequireScope('reconciliations:write')
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: UpdateMatchDto) {
    await this.matches.updateNote(request, id, body.note);
    return this.detail(request, id);
  }

  @Post('matches/:id/accept')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'SUGGESTED → ACCEPTED; creates its settlements' })
  accept(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: MatchDecisionDto) {
    return this.decide(request, id, 'accept', body);
  }

  @Post('matches/:id/reject')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'SUGGESTED or ACCEPTED → REJECTED; the pair is never proposed again' })
  reject(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: MatchDecisionDto) {
    return this.decide(request, id, 'reject', body);
  }

  @Post('matches/:id/unmatch')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'SUGGESTED or ACCEPTED → UNMATCHED; its entries return to unmatched' })
  unmatch(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: MatchDecisionDto) {
    return this.decide(request, id, 'unmatch', body);
  }

  private async decide(request: FastifyRequest, id: string, decision: MatchDecision, body: MatchDecisionDto) {
    await this.matches.decide(request, id, decision, body.note);
    return this.detail(request, id);
  }

  private async detail(request: FastifyRequest, id: string) {
    const tenantId = apiKeyCaller(request).tenantId;
    const match = await this.matches.get(tenantId, id);
    return presentMatchDetail(match, await this.matches.entriesOf(tenantId, match));
  }
}
