import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditRepository, type Tx } from '@concilia/persistence';

export interface AuditChange {
  tenantId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Writes the audit event of a change inside the change's own transaction: both or neither. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(tx: Tx, request: FastifyRequest, change: AuditChange): Promise<void> {
    const caller = request.caller;
    return this.audit.append(tx, {
      tenantId: change.tenantId,
      actorType: caller?.kind === 'api_key' ? 'api_key' : 'admin',
      actorId: caller?.kind === 'api_key' ? caller.keyId : null,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      ipAddress: request.ip ?? null,
      requestId: String(request.id),
      before: change.before ?? null,
      after: change.after ?? null,
    });
  }
}
