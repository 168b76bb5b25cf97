import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { validateStatementBatch } from '../entries/entry-schemas';
import { presentStatementEntry } from '../entries/entry.presenter';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { CreateReconciliationDto } from './dto/create-reconciliation.dto';
import { ListReconciliationsQueryDto } from './dto/list-reconciliations-query.dto';
import { ListStatementEntriesQueryDto } from './dto/list-statement-entries-query.dto';
import { UpdateReconciliationDto } from './dto/update-reconciliation.dto';
import { presentReconciliation } from './reconciliation.presenter';
import { ReconciliationsService } from './reconciliations.service';

@ApiTags('Reconciliations')
@ApiBearerAuth()
@Controller('v1/reconciliations')
export class ReconciliationsController {
  constructor(private readonly service: ReconciliationsService) {}

  @Post()
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Open a reconciliation for an account and period, optionally with its statement entries' })
  async create(@Req() request: FastifyRequest, @Body() body: CreateReconciliationDto) {
    return presentReconciliation(await this.service.create(request, body));
  }

  @Get()
  @RequireScope('reconciliations:read')
  async list(@Req() request: FastifyRequest, @Query() query: ListReconciliationsQueryDto) {
    const { limit, cursor, ...filters } = query;
    const page = await this.service.list(apiKeyCaller(request).tenantId, filters, pageRequest(limit, cursor));
    return listResponse(page, presentReconciliation);
  }

  @Get(':id')
  @RequireScope('reconciliations:read')
  @ApiOperation({ summary: 'One reconciliation with its summary (and progress while PROCESSING)' })
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentReconciliation(await this.service.get(apiKeyCaller(request).tenantId, id));
  }

  @Patch(':id')
  @RequireScope('reconciliations:write')
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: UpdateReconciliationDto) {
    return presentReconciliation(await this.service.updateNote(request, id, body.note));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Delete, with its statement entries and results; not while PROCESSING or CLOSED, nor with accepted matches or settlements the ERP acted on (409)' })
  async delete(@Req() request: FastifyRequest, @IdParam() id: string): Promise<void> {
    await this.service.delete(request, id);
  }

  @Post(':id/statement-entries')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Add up to 10,000 statement entries; repeated externalIds are counted as duplicates' })
  @ApiBody({ schema: validateStatementBatch.schema as object })
  async addStatementEntries(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: unknown) {
    const { created, duplicates, reconciliation } = await this.service.addStatementEntries(request, id, body);
    return { created, duplicates, reconciliation: presentReconciliation(reconciliation) };
  }

  @Get(':id/statement-entries')
  @RequireScope('reconciliations:read')
  async listStatementEntries(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListStatementEntriesQueryDto) {
    const page = await this.service.listStatementEntries(apiKeyCaller(request).tenantId, id, query, pageRequest(query.limit, query.cursor));
    return listResponse(page, presentStatementEntry);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Declare the statement complete; in AUTOMATIC mode this starts matching' })
  async submit(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentReconciliation(await this.service.submit(request, id));
  }

  @Post(':id/finalize')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Close the reconciliation: nothing in it changes until it is reopened' })
  async finalize(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentReconciliation(await this.service.finalize(request, id));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Return a CLOSED reconciliation to the status it had before finalize' })
  async reopen(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentReconciliation(await this.service.reopen(request, id));
  }

  @Post(':id/auto-match')
  @HttpCode(202)
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'Start a matching pass, or join the one running' })
  async autoMatch(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentReconciliation(await this.service.autoMatch(request, id));
  }
}
