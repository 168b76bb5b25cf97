import { Controller, Delete, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { ListQueryDto } from '../http/list-query.dto';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { presentImport } from './import.presenter';
import type { ImportResult } from './import-runner.service';
import { ImportsService } from './imports.service';
import { LedgerImportService } from './ledger-import.service';
import { StatementImportService } from './statement-import.service';
import { discardSpool, spooledUpload, UploadSpoolGuard, UPLOAD_ROUTE } from './upload-spool.guard';

const UPLOAD_BODY = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', format: 'binary', description: 'The statement file (CSV, camt.053 XML or MT940)' },
      format: { type: 'string', enum: ['csv', 'camt.053', 'mt940'], description: 'Detected from the content when absent' },
      profileId: { type: 'string', format: 'uuid', description: 'A CSV import profile; the built-in profile (canonical column names) when absent' },
    },
  },
};

@ApiTags('Imports')
@ApiBearerAuth()
@Controller('v1')
export class ImportsController {
  constructor(
    private readonly statementImports: StatementImportService,
    private readonly ledgerImports: LedgerImportService,
    private readonly imports: ImportsService,
  ) {}

  @Post('reconciliations/:id/imports')
  @RequireScope('reconciliations:write')
  @UseGuards(UploadSpoolGuard)
  @RouteConfig(UPLOAD_ROUTE)
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiOperation({ summary: 'Import a statement file: 201 with the import; 200 with the original import when this file was imported before; 422 with the bad rows (nothing imported)' })
  async importStatement(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @IdParam() id: string) {
    try {
      return answer(reply, await this.statementImports.import(request, id, spooledUpload(request)));
    } finally {
      await discardSpool(request);
    }
  }

  @Get('reconciliations/:id/imports')
  @RequireScope('reconciliations:read')
  async listForReconciliation(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListQueryDto) {
    const page = await this.imports.listForReconciliation(apiKeyCaller(request).tenantId, id, pageRequest(query.limit, query.cursor));
    return listResponse(page, presentImport);
  }

  @Post('accounts/:id/ledger-imports')
  @RequireScope('ledger:write')
  @UseGuards(UploadSpoolGuard)
  @RouteConfig(UPLOAD_ROUTE)
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiOperation({ summary: 'Upsert ledger entries from an ERP export (CSV) by externalId; all rows or none' })
  async importLedger(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @IdParam() id: string) {
    try {
      return answer(reply, await this.ledgerImports.import(request, id, spooledUpload(request)));
    } finally {
      await discardSpool(request);
    }
  }

  @Get('accounts/:id/ledger-imports')
  @RequireScope('accounts:read')
  async listForAccount(@Req() request: FastifyRequest, @IdParam() id: string, @Query() query: ListQueryDto) {
    const page = await this.imports.listForAccount(apiKeyCaller(request).tenantId, id, pageRequest(query.limit, query.cursor));
    return listResponse(page, presentImport);
  }

  @Get('imports/:id')
  @RequireScope('reconciliations:read')
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentImport(await this.imports.get(apiKeyCaller(request).tenantId, id));
  }

  @Delete('imports/:id')
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: "Remove a statement import's entries (409 if one is in an accepted match); the import stays, DELETED" })
  async delete(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentImport(await this.imports.delete(request, id));
  }
}

function answer(reply: FastifyReply, result: ImportResult) {
  if (result.replayed) void reply.status(200);
  return presentImport(result.entity);
}
