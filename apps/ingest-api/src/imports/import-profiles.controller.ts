import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { ListQueryDto } from '../http/list-query.dto';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { presentImportProfile } from './import.presenter';
import { ImportProfilesService } from './import-profiles.service';

@ApiTags('Imports')
@ApiBearerAuth()
@Controller('v1/import-profiles')
export class ImportProfilesController {
  constructor(private readonly profiles: ImportProfilesService) {}

  @Post()
  @RequireScope('reconciliations:write')
  @ApiOperation({ summary: 'A CSV mapping: { name, delimiter, quote, encoding, headerRow, skipRows, decimalSeparator, thousandsSeparator, dateFormat, columns, sign, ... }' })
  async create(@Req() request: FastifyRequest, @Body() body: unknown) {
    return presentImportProfile(await this.profiles.create(apiKeyCaller(request).tenantId, body));
  }

  @Get()
  @RequireScope('reconciliations:read')
  async list(@Req() request: FastifyRequest, @Query() query: ListQueryDto) {
    return listResponse(await this.profiles.list(apiKeyCaller(request).tenantId, pageRequest(query.limit, query.cursor)), presentImportProfile);
  }

  @Get(':id')
  @RequireScope('reconciliations:read')
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    return presentImportProfile(await this.profiles.get(apiKeyCaller(request).tenantId, id));
  }

  @Patch(':id')
  @RequireScope('reconciliations:write')
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: unknown) {
    return presentImportProfile(await this.profiles.update(apiKeyCaller(request).tenantId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('reconciliations:write')
  async delete(@Req() request: FastifyRequest, @IdParam() id: string): Promise<void> {
    await this.profiles.delete(apiKeyCaller(request).tenantId, id);
  }
}
