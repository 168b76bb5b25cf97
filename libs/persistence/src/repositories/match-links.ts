/*
 * How matches hold entries. A match lists its entries (matches.statement_entry_ids and
 * ledger_entry_ids); while it is active (SUGGESTED or ACCEPTED) each of them is also a row of
 * match_items, keyed by the entry, which is what keeps an entry in one active match at most.
 * Taking a match apart moves those rows to released_match_items, the entries' history.
 */

/** The statuses of a match whose entries are rows of match_items. */
export const ACTIVE_MATCH_STATUSES = `('SUGGESTED', 'ACCEPTED')`;

/**
 * SQL that takes apart the matches `taken` yields (a query or an `UPDATE ... RETURNING` of
 * `id, statement_entry_ids, ledger_entry_ids`): their links leave match_items for
 * released_match_items.
 */
export function releaseLinksSql(taken: string): string {
  return `WITH taken AS (${taken}),
     links AS (SELECT id AS match_id, unnest(statement_entry_ids || ledger_entry_ids) AS entry_id FROM taken),
     released AS (
       DELETE FROM match_items mi USING links l WHERE mi.entry_id = l.entry_id AND mi.match_id = l.match_id
       RETURNING mi.entry_id, mi.match_id, mi.side, mi.tenant_id, mi.reconciliation_id)
     INSERT INTO released_match_items (entry_id, match_id, side, tenant_id, reconciliation_id)
     SELECT entry_id, match_id, side, tenant_id, reconciliation_id FROM released`;
}

/** SQL yielding the ids (`match_id`) of every match the entry `entryId` (an SQL expression) has been in, active or not. */
export function matchIdsOfEntrySql(entryId: string): string {
  return `SELECT match_id FROM match_items WHERE entry_id = ${entryId}
          UNION ALL SELECT match_id FROM released_match_items WHERE entry_id = ${entryId}`;
}

/**
 * SQL condition on settlements: those of the match `matchId` (an SQL expression). Its only
 * settlement has its id (found by the primary key); the others are in the partial unique index
 * on (match, ledger entry). See settlementRows.
 */
export function settlementsOfMatchSql(matchId: string): string {
  return `((id = ${matchId} AND match_id = ${matchId}) OR (match_id = ${matchId} AND id <> match_id))`;
}
