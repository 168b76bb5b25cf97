import { formatAmount } from '@concilia/domain';
import type { LedgerEntryEntity, MatchWithEntries, StatementEntryEntity } from '@concilia/persistence';
import { presentLedgerEntry, presentStatementEntry } from '../entries/entry.presenter';

/** A match as lists show it: amounts as decimal strings, the entry ids of both sides. */
export function presentMatch(match: MatchWithEntries) {
  return {
    id: match.id,
    reconciliationId: match.reconciliationId,
    status: match.status,
    method: match.method,
    rule: match.rule,
    confidence: match.confidence,
    currency: match.currency,
    statementTotal: formatAmount(match.statementTotal, match.currency),
    ledgerTotal: formatAmount(match.ledgerTotal, match.currency),
    difference: formatAmount(match.difference, match.currency),
    statementEntryIds: match.statementEntryIds,
    ledgerEntryIds: match.ledgerEntryIds,
    note: match.note,
    createdAt: match.createdAt.toISOString(),
    decidedAt: match.decidedAt?.toISOString() ?? null,
    decidedBy: match.decidedBy,
  };
}

/** One match with both sides as full entries and the criteria that made it. */
export function presentMatchDetail(match: MatchWithEntries, entries: { statement: StatementEntryEntity[]; ledger: LedgerEntryEntity[] }) {
  return {
    ...presentMatch(match),
    explanation: match.explanation,
    statementEntries: entries.statement.map(presentStatementItem),
    ledgerEntries: entries.ledger.map(presentLedgerEntry),
  };
}

/** A statement entry (with whether, when and why it was set aside). */
export const presentStatementItem = presentStatementEntry;
