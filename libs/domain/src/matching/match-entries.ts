import { runAggregateStrategy } from './aggregate.strategy';
import { runAmountDateStrategy } from './amount-date.strategy';
import { outcomeDiscrepancies } from './discrepancies';
import { detectDuplicates } from './duplicate-detection';
import { createContext, LOCKED, MATCHED, type MatchingContext } from './matching-context';
import type { LedgerItem, MatchingInput, MatchingResult, ProposedMatch, StatementItem } from './matching.types';
import { runReferenceStrategy } from './reference.strategy';

/**
 * The matching engine: pure, deterministic, no I/O. Sorts both sides by id, flags repeated
 * statement entries, then runs the strategies the rules enable, always in the order REFERENCE,
 * AMOUNT_DATE, AGGREGATE (each sees only what the previous ones left), and reports what is left.
 *
 * Every non-locked entry ends in exactly one of: a proposed match, a CURRENCY_MISMATCH group, a
 * DUPLICATE_STATEMENT_ENTRY, or the unmatched lists (with their MISSING/UNEXPECTED discrepancy).
 * Locked entries appear nowhere (a locked statement entry can still be the original that a new
 * entry repeats).
 */
export function matchEntries(input: MatchingInput): MatchingResult {
  const ctx = createContext(input);
  detectDuplicates(ctx);
  const strategies = new Set(input.rules.strategies);
  if (strategies.has('REFERENCE')) runReferenceStrategy(ctx);
  if (strategies.has('AMOUNT_DATE')) runAmountDateStrategy(ctx);
  if (strategies.has('AGGREGATE')) runAggregateStrategy(ctx);
  const unmatchedStatementIds: string[] = [];
  const unmatchedLedgerIds: string[] = [];
  const rest = outcomeDiscrepancies(ctx, unmatchedStatementIds, unmatchedLedgerIds);
  const discrepancies = ctx.discrepancies;
  for (let i = 0; i < rest.length; i++) discrepancies.push(rest[i]);
  const matchList = ctx.matchList;
  let matches: ProposedMatch[] | null = null;
  return {
    // Made on first read: a pass reads matchList one match at a time and never makes them all.
    get matches() {
      return (matches ??= matchList.toArray());
    },
    matchList,
    discrepancies,
    unmatchedStatementIds,
    unmatchedLedgerIds,
    outsideMatches: outsideMatches(ctx),
    stats: ctx.stats,
  };
}

function outsideMatches(ctx: MatchingContext): MatchingResult['outsideMatches'] {
  const statement: StatementItem[] = [];
  const ledger: LedgerItem[] = [];
  for (let s = 0; s < ctx.nS; s++) if (ctx.sState[s] !== MATCHED && ctx.sState[s] !== LOCKED) statement.push(ctx.statement[s]);
  for (let l = 0; l < ctx.nL; l++) if (ctx.lState[l] !== MATCHED && ctx.lState[l] !== LOCKED) ledger.push(ctx.ledger[l]);
  return { statement, ledger };
}
