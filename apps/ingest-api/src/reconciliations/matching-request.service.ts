import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, MATCHABLE_STATUSES } from '@concilia/domain';
import { OutboxRepository, ReconciliationRepository, type OutboxMessage, type ReconciliationEntity, type Tx } from '@concilia/persistence';
import { JOB_NAMES, matchJobId, QUEUES, type MatchReconciliationPayload } from '@concilia/queue-contracts';

export type MatchingRequestOutcome = { started: true; message: OutboxMessage } | { started: false; reason: 'already_processing' };

/**
 * Starts a matching pass inside the caller's transaction (the reconciliation row is locked):
 * status PROCESSING, run_version + 1 (the pass's fencing token) and an outbox message that
 * becomes the `matching` job after commit. A reconciliation already PROCESSING is joined,
 * never queued twice.
 */
@Injectable()
export class MatchingRequestService {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async start(tx: Tx, reconciliation: ReconciliationEntity, request: FastifyRequest): Promise<MatchingRequestOutcome> {
    if (reconciliation.status === 'PROCESSING') return { started: false, reason: 'already_processing' };
    if (reconciliation.status === 'CLOSED') throw closed();
    if (!MATCHABLE_STATUSES.includes(reconciliation.status)) {
      throw new DomainError('reconciliation_state_invalid', `A ${reconciliation.status} reconciliation cannot be matched.`);
    }
    const runVersion = reconciliation.runVersion + 1;
    await this.reconciliations.update(tx, reconciliation, {
      status: 'PROCESSING',
      previousStatus: reconciliation.status,
      runVersion,
      rematchRequested: false,
      failureReason: null,
      progress: { stage: 'queued', runVersion, requestedAt: new Date().toISOString() },
    });
    const payload: MatchReconciliationPayload = {
      schemaVersion: 1,
      tenantId: reconciliation.tenantId,
      correlationId: String(request.id),
      reconciliationId: reconciliation.id,
      runVersion,
    };
    const message = await this.outbox.insert(tx, {
      tenantId: reconciliation.tenantId,
      queue: QUEUES.matching,
      jobName: JOB_NAMES.matchReconciliation,
      jobId: matchJobId(reconciliation.id, runVersion),
      payload: { ...payload },
    });
    return { started: true, message };
  }
}

export function closed(): DomainError {
  return new DomainError('reconciliation_closed', 'This reconciliation is closed; reopen it to change it.');
}
