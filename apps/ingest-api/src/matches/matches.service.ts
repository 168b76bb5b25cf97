import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, settlementsOf } from '@concilia/domain';
import {
  settlementRows,
  Database,
  MatchingRepository,
  MatchReviewRepository,
  ReconciliationRepository,
  refreshSummary,
  type MatchFilters,
  type MatchStatus,
  type MatchWithEntries,
  type Page,
  type PageRequest,
  type Tx,
} from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import { ReviewGate, type ReviewScope } from './review-gate.service';

export type MatchDecision = 'accept' | 'reject' | 'unmatch';

/** From which statuses each decision may be taken, where it leads, and its audit action. */
const DECISIONS: Record<MatchDecision, { from: readonly MatchStatus[]; to: MatchStatus; action: string }> = {
  accept: { from: ['SUGGESTED'], to: 'ACCEPTED', action: 'match.accepted' },
  reject: { from: ['SUGGESTED', 'ACCEPTED'], to: 'REJECTED', action: 'match.rejected' },
  unmatch: { from: ['SUGGESTED', 'ACCEPTED'], to: 'UNMATCHED', action: 'match.unmatched' },
};

/** Reads matches, and takes a person's decisions on them (accept, reject, unmatch, note). */
@Injectable()
export class MatchesService {
  constructor(
    private readonly database: Database,
    private readonly review: MatchReviewRepository,
    private readonly matching: MatchingRepository,
    private readonly reconciliations: ReconciliationRepository,
    private readonly gate: ReviewGate,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, reconciliationId: string, filters: MatchFilters, page: PageRequest): Promise<Page<MatchWithEntries>> {
    const reconciliation = await this.reconciliations.findById(tenantId, reconciliationId);
    if (!reconciliation) throw new DomainError('not_found', 'No reconciliation with this id.');
    return this.review.listMatches(tenantId, reconciliationId, filters, page);
  }

  async get(tenantId: string, id: string): Promise<MatchWithEntries> {
    const match = await this.review.findMatch(tenantId, id);
    if (!match) throw notFound();
    return match;
  }

  entriesOf(tenantId: string, match: MatchWithEntries) {
    return this.review.entriesOf(tenantId, match);
  }

  /** accept: SUGGESTED → ACCEPTED, with settlements. reject / unmatch: the links are released. */
  async decide(request: FastifyRequest, id: string, decision: MatchDecision, note: string | undefined): Promise<MatchWithEntries> {
    const { tenantId, keyId } = apiKeyCaller(request);
    const rule = DECISIONS[decision];
    return this.withMatch(tenantId, id, {}, async (tx, match, scope) => {
      if (!rule.from.includes(match.status)) {
        throw new DomainError('match_state_invalid', `A ${match.status} match cannot be ${rule.to.toLowerCase()}; it must be ${rule.from.join(' or ')}.`);
      }
      const before = { status: match.status, note: match.note };
      await this.review.decide(tx, match, rule.to, keyId, note);
      if (rule.to === 'ACCEPTED') await this.settle(tx, scope, match);
      else await this.review.release(tx, match.id);
      await this.audit.record(tx, request, { tenantId, action: rule.action, targetType: 'match', targetId: id, before, after: { status: match.status, note: match.note } });
      await refreshSummary(tx, match.reconciliationId);
    });
  }

  /** The note can change in any status, and while a pass runs; not on a CLOSED reconciliation. */
  async updateNote(request: FastifyRequest, id: string, note: string | null | undefined): Promise<MatchWithEntries> {
    const { tenantId } = apiKeyCaller(request);
    return this.withMatch(tenantId, id, { whileProcessing: true }, async (tx, match) => {
      if (note === undefined) return;
      const before = match.note;
      await this.review.updateNote(tx, match, note);
      await this.audit.record(tx, request, { tenantId, action: 'match.note_updated', targetType: 'match', targetId: id, before: { note: before }, after: { note } });
    });
  }

  /** Settlements for the ledger entries of an accepted match, from its stored totals and entries. */
  private async settle(tx: Tx, scope: ReviewScope, match: MatchWithEntries): Promise<void> {
    const { tenantId, id: reconciliationId, accountId } = scope.reconciliation;
    const statement = await this.review.statementAmounts(tx, tenantId, reconciliationId, match.statementEntryIds);
    const ledger = await this.review.ledgerAmounts(tx, tenantId, accountId, match.ledgerEntryIds);
    const drafts = settlementsOf({ ...match, statementIds: match.statementEntryIds, ledgerIds: match.ledgerEntryIds }, statement, ledger);
    await this.matching.insertSettlements(tx, { tenantId, reconciliationId, accountId, runId: null }, settlementRows(drafts, match.id, uuidv7));
  }

  /**
   * Finds the match (404 across tenants), enters its reconciliation through the gate, re-reads
   * the match under the lock, runs `work`, and answers the match as it is afterwards.
   */
  private async withMatch(
    tenantId: string,
    id: string,
    options: { whileProcessing?: boolean },
    work: (tx: Tx, match: MatchWithEntries, scope: ReviewScope) => Promise<void>,
  ): Promise<MatchWithEntries> {
    const found = await this.get(tenantId, id);
    await this.database.transaction(async (tx) => {
      const scope = await this.gate.enter(tx, tenantId, found.reconciliationId, options);
      const match = await this.review.findMatch(tenantId, id, tx);
      if (!match) throw notFound();
      await work(tx, match, scope);
    });
    return this.get(tenantId, id);
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No match with this id.');
}
