import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MatchSide = 'STATEMENT' | 'LEDGER';

/** What a link records besides its keys; active and released links alike. */
abstract class MatchLinkColumns {
  @Column({ type: 'varchar', length: 9 })
  side!: MatchSide;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;
}

/**
 * An entry held by an active (SUGGESTED or ACCEPTED) match: one row per entry, so the primary key
 * is the database's guarantee that an entry is in at most one active match. When the match is
 * rejected, unmatched or superseded its rows move to released_match_items. The match itself lists
 * its entries (matches.statement_entry_ids / ledger_entry_ids), so this table needs no other
 * index: a pass writes a million links, and each index cost it about two seconds.
 */
@Entity({ name: 'match_items' })
export class MatchItemEntity extends MatchLinkColumns {
  @PrimaryColumn({ name: 'entry_id', type: 'uuid', primaryKeyConstraintName: 'pk_match_items_entry' })
  entryId!: string;

  @Column({ name: 'match_id', type: 'uuid' })
  matchId!: string;
}

/** The link of an entry to a match that was taken apart: the entry's history (GET an entry with its matches). */
@Entity({ name: 'released_match_items' })
export class ReleasedMatchItemEntity extends MatchLinkColumns {
  @PrimaryColumn({ name: 'entry_id', type: 'uuid', primaryKeyConstraintName: 'pk_released_match_items' })
  entryId!: string;

  @PrimaryColumn({ name: 'match_id', type: 'uuid', primaryKeyConstraintName: 'pk_released_match_items' })
  matchId!: string;
}
