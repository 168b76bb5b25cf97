import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { assessDifference, DomainError, formatAmount, settlementsOf, type DifferenceAssessment, type FieldError } from '@concilia/domain';
import {
  settlementRows,
  AccountRepository,
  Database,
  MatchingRepository,
  MatchReviewRepository,
  pgConstraint,
  pgErrorCode,
  PG_ERRORS,
  refreshSummary,
  type EntryAmount,
  type NewMatch,
  type RunScope,
  type Tx,
} from '@concilia/persistence';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import type { ManualMatchDto } from './dto/manual-match.dto';
import { ReviewGate } from './review-gate.service';

/**
 * A person links statement entries of a reconciliation to ledger entries of its account: one
 * currency, entries in no other active match, sides within the tolerance unless the difference
 * is explicitly allowed (then an AMOUNT_MISMATCH discrepancy records it). The match is ACCEPTED
 * at once and its settlements are created.
 */
@Injectable()
export class ManualMatchService {
  constructor(
    private readonly database: Database,
    private readonly review: MatchReviewRepository,
    private readonly matching: MatchingRepository,
    private readonly accounts: AccountRepository,
    private readonly gate: ReviewGate,
    private readonly audit: AuditService,
  ) {}

  /** Returns the new match's id. */
  async create(request: FastifyRequest, reconciliationId: string, body: ManualMatchDto): Promise<string> {
    const { tenantId, keyId } = apiKeyCaller(request);
    return this.database
      .transaction(async (tx) => {
        const { reconciliation } = await this.gate.enter(tx, tenantId, reconciliationId);
        const { accountId } = reconciliation;
        const statement = await this.review.statementAmounts(tx, tenantId, reconciliationId, body.statementEntryIds);
        const ledger = await this.review.ledgerAmounts(tx, tenantId, accountId, body.ledgerEntryIds);
        requireFound('statementEntryIds', body.statementEntryIds, statement, 'is not a statement entry of this reconciliation');
        requireFound('ledgerEntryIds', body.ledgerEntryIds, ledger, "is not a ledger entry of this reconciliation's account");
        const currency = singleCurrency(body, statement, ledger);
        requireOpen(body.statementEntryIds, statement);
        await this.requireUnmatched(tx, body);

        const statementTotal = sum(statement.values());
        const ledgerTotal = sum(ledger.values());
        const rules = await this.accounts.findRules(tenantId, accountId, tx);
        if (!rules) throw new Error(`account ${accountId} has no matching rules row`);
        const assessment = assessDifference(statementTotal, ledgerTotal, rules);
        if (!assessment.withinTolerance && body.allowDifference !== true) {
          throw DomainError.field(
            'difference_not_allowed',
            'allowDifference',
            `the sides differ by ${formatAmount(assessment.difference, currency)} ${currency}, more than the tolerance of ${formatAmount(assessment.tolerance, currency)}; send allowDifference: true to match anyway`,
          );
        }

        const match = newMatch(body, currency, statementTotal, ledgerTotal, assessment);
        const scope: RunScope = { tenantId, reconciliationId, accountId, runId: null };
        await this.matching.insertMatches(tx, scope, [match]);
        await this.review.stampDecision(tx, match.id, keyId);
        if (!assessment.withinTolerance) await this.matching.insertDiscrepancies(tx, scope, [mismatch(match, assessment)]);
        const drafts = settlementsOf({ ...match, statementIds: match.statementIds, ledgerIds: match.ledgerIds }, statement, ledger);
        await this.matching.insertSettlements(tx, scope, settlementRows(drafts, match.id, uuidv7));
        await this.audit.record(tx, request, {
          tenantId,
          action: 'match.manual_created',
          targetType: 'match',
          targetId: match.id,
          after: {
            status: match.status,
            method: match.method,
            currency,
            statementEntryIds: match.statementIds,
            ledgerEntryIds: match.ledgerIds,
            statementTotal: statementTotal.toString(),
            ledgerTotal: ledgerTotal.toString(),
            difference: assessment.difference.toString(),
            allowDifference: body.allowDifference === true,
            note: match.note,
          },
        });
        await refreshSummary(tx, reconciliationId);
        return match.id;
      })
      .catch((error: unknown) => {
        // A concurrent match of another reconciliation took an entry between our check and insert.
        if (pgErrorCode(error) === PG_ERRORS.uniqueViolation && pgConstraint(error) === 'pk_match_items_entry') throw alreadyMatched([]);
        throw error;
      });
  }

  private async requireUnmatched(tx: Tx, body: ManualMatchDto): Promise<void> {
    const taken = await this.review.activelyMatched(tx, [...body.statementEntryIds, ...body.ledgerEntryIds]);
    if (taken.size === 0) return;
    throw alreadyMatched([...fieldErrors('statementEntryIds', body.statementEntryIds, taken), ...fieldErrors('ledgerEntryIds', body.ledgerEntryIds, taken)]);
  }
}

function newMatch(body: ManualMatchDto, currency: string, statementTotal: bigint, ledgerTotal: bigint, assessment: DifferenceAssessment): NewMatch {
  return {
    id: uuidv7(),
    method: 'MANUAL',
    rule: 'MANUAL',
    status: 'ACCEPTED',
    confidence: 100,
    currency,
    statementTotal,
    ledgerTotal,
    difference: assessment.difference,
    explanation: [
      { name: 'manual', passed: true, detail: { allowDifference: body.allowDifference === true } },
      { name: 'currency', passed: true, detail: { currency } },
      {
        name: 'amount',
        passed: assessment.withinTolerance,
        detail: { statementTotal: statementTotal.toString(), ledgerTotal: ledgerTotal.toString(), difference: assessment.difference.toString(), tolerance: assessment.tolerance.toString() },
      },
    ],
    note: body.note ?? null,
    statementIds: [...body.statementEntryIds].sort(),
    ledgerIds: [...body.ledgerEntryIds].sort(),
  };
}

function mismatch(match: NewMatch, assessment: DifferenceAssessment) {
  const gap = assessment.difference < 0n ? -assessment.difference : assessment.difference;
  return {
    id: uuidv7(),
    matchId: match.id,
    type: 'AMOUNT_MISMATCH',
    severity: assessment.severity,
    amount: gap,
    currency: match.currency,
    statementEntryIds: match.statementIds,
    ledgerEntryIds: match.ledgerIds,
    detail: `manual match: statement total ${match.statementTotal} vs ledger total ${match.ledgerTotal}: difference ${assessment.difference} is outside the tolerance of ${assessment.tolerance} (minor units); allowed by the reviewer`,
  };
}

/** 404 naming each id that is not there (other tenants' ids are simply not there). */
function requireFound(field: string, ids: readonly string[], found: ReadonlyMap<string, EntryAmount>, message: string): void {
  const errors = ids.flatMap((id, index) => (found.has(id) ? [] : [{ field: `${field}[${index}]`, code: 'not_found', message }]));
  if (errors.length > 0) throw new DomainError('not_found', `${field}: ${errors.length} of the entries were not found.`, errors);
}

function singleCurrency(body: ManualMatchDto, statement: ReadonlyMap<string, EntryAmount>, ledger: ReadonlyMap<string, EntryAmount>): string {
  const currency = (statement.get(body.statementEntryIds[0]) as EntryAmount).currency;
  const errors: FieldError[] = [];
  for (const [field, ids, entries] of [['statementEntryIds', body.statementEntryIds, statement], ['ledgerEntryIds', body.ledgerEntryIds, ledger]] as const) {
    ids.forEach((id, index) => {
      const other = (entries.get(id) as EntryAmount).currency;
      if (other !== currency) errors.push({ field: `${field}[${index}]`, code: 'currency_mismatch', message: `is in ${other}, the match is in ${currency}` });
    });
  }
  if (errors.length > 0) throw new DomainError('currency_mismatch', 'A match never mixes currencies: every entry must be in the same currency.', errors);
  return currency;
}

function requireOpen(ids: readonly string[], statement: ReadonlyMap<string, EntryAmount>): void {
  const errors = ids.flatMap((id, index) => (statement.get(id)?.closedAt ? [{ field: `statementEntryIds[${index}]`, code: 'entry_state_invalid', message: 'is closed (set aside); reopen it first' }] : []));
  if (errors.length > 0) throw new DomainError('entry_state_invalid', 'A closed statement entry cannot be matched; reopen it first.', errors);
}

function fieldErrors(field: string, ids: readonly string[], taken: ReadonlySet<string>): FieldError[] {
  return ids.flatMap((id, index) => (taken.has(id) ? [{ field: `${field}[${index}]`, code: 'entry_already_matched', message: 'is already in an active match' }] : []));
}

function alreadyMatched(errors: FieldError[]): DomainError {
  return new DomainError('entry_already_matched', 'An entry is already in an active match; reject or unmatch that match first.', errors);
}

function sum(entries: Iterable<EntryAmount>): bigint {
  let total = 0n;
  for (const entry of entries) total += entry.amount;
  return total;
}
