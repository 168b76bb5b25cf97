import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_CHANNEL, DomainError, isBuiltInReleaseType, releaseTypeCatalogue, type ReleaseType } from '@concilia/domain';
import { Database, pgConstraint, pgErrorCode, PG_ERRORS, ReleaseTypeRepository } from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import type { CreateReleaseTypeDto } from './dto/create-release-type.dto';

/** The channel whose catalogue applies to an account: its own, or the default one. */
export function catalogueChannel(channel: string | null | undefined): string {
  return channel ? channel.toLowerCase() : DEFAULT_CHANNEL;
}

@Injectable()
export class ReleaseTypesService {
  constructor(
    private readonly database: Database,
    private readonly releaseTypes: ReleaseTypeRepository,
    private readonly audit: AuditService,
  ) {}

  /** Built-in types of the channel (the default catalogue for unknown channels), then the tenant's additions. */
  async catalogue(tenantId: string, channel: string): Promise<ReleaseType[]> {
    return (await this.catalogues(tenantId, [channel])).get(channel) ?? releaseTypeCatalogue(channel);
  }

  /** The catalogues of several channels with one query. */
  async catalogues(tenantId: string, channels: readonly string[]): Promise<Map<string, ReleaseType[]>> {
    const wanted = [...new Set(channels)];
    const added = await this.releaseTypes.listForChannels(tenantId, wanted);
    return new Map(wanted.map((channel) => [channel, releaseTypeCatalogue(channel, added.filter((type) => type.channel === channel))]));
  }

  async create(request: FastifyRequest, channel: string, body: CreateReleaseTypeDto): Promise<ReleaseType> {
    const { tenantId } = apiKeyCaller(request);
    if (isBuiltInReleaseType(body.code, channel)) throw exists(body.code, channel);
    const created = await this.database
      .transaction(async (tx) => {
        const row = await this.releaseTypes.insert(tx, { id: uuidv7(), tenantId, channel, code: body.code, name: body.name, category: body.category });
        await this.audit.record(tx, request, {
          tenantId,
          action: 'release_type.created',
          targetType: 'release_type',
          targetId: row.id,
          after: { channel, code: row.code, name: row.name, category: row.category },
        });
        return row;
      })
      .catch((error: unknown) => {
        if (pgErrorCode(error) === PG_ERRORS.uniqueViolation && pgConstraint(error) === 'ux_release_types_tenant_channel_code') throw exists(body.code, channel);
        throw error;
      });
    return { code: created.code, name: created.name, category: created.category, aliases: [], builtIn: false };
  }
}

function exists(code: string, channel: string): DomainError {
  return new DomainError('release_type_exists', `The ${channel} catalogue already has a release type ${code}.`, [
    { field: 'code', code: 'release_type_exists', message: 'already in this channel’s catalogue' },
  ]);
}
