import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { DomainError } from '@concilia/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { apiKeyCaller } from '../http/request-context';
import { ChannelParam } from './channel-param.pipe';
import { CreateReleaseTypeDto } from './dto/create-release-type.dto';
import { presentReleaseType } from './release-type.presenter';
import { ReleaseTypesService } from './release-types.service';

@ApiTags('Release types')
@ApiBearerAuth()
@Controller('v1/channels/:channel/release-types')
export class ReleaseTypesController {
  constructor(private readonly service: ReleaseTypesService) {}

  @Get()
  @RequireScope('accounts:read')
  @ApiOperation({ summary: 'The channel’s release-type catalogue: built-in types (the default catalogue for unknown channels) and the tenant’s' })
  async list(@Req() request: FastifyRequest, @ChannelParam() channel: string) {
    rejectQueryParameters(request);
    const catalogue = await this.service.catalogue(apiKeyCaller(request).tenantId, channel);
    return { data: catalogue.map(presentReleaseType), nextCursor: null };
  }

  @Post()
  @RequireScope('accounts:write')
  @ApiOperation({ summary: 'Add a release type to the channel’s catalogue for this tenant; 409 if the code exists' })
  async create(@Req() request: FastifyRequest, @ChannelParam() channel: string, @Body() body: CreateReleaseTypeDto) {
    return presentReleaseType(await this.service.create(request, channel, body));
  }
}

/** The catalogue is one short list: it takes no filters and no pagination, and says so (400) when given some. */
function rejectQueryParameters(request: FastifyRequest): void {
  const names = Object.keys((request.query as Record<string, unknown> | undefined) ?? {}).slice(0, 20);
  if (names.length > 0) {
    throw new DomainError(
      'unknown_field',
      `Unknown query parameter${names.length > 1 ? 's' : ''}: ${names.join(', ')}`,
      names.map((field) => ({ field, code: 'unknown_field', message: 'is not a known field' })),
    );
  }
}
