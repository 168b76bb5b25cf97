import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type MatchSide = 'STATEMENT' | 'LEDGER';

/**
 * The link of one entry to one match. Written once; only `active` flips to false when the
 * match is rejected, unmatched or superseded. The partial unique index is the database's
 * guarantee that an entry is in at most one active (SUGGESTED or ACCEPTED) match. No index on
 * reconciliation_id: a pass writes hundreds of thousands of links, and lookups by reconciliation
 * go through matches (indexed by reconciliation) and this primary key.
 */
@Entity({ name: 'match_items' })
@Index('ux_match_items_active_entry', ['entryId'], { unique: true, where: '"active"' })
export class MatchItemEntity {
  @PrimaryColumn({ name: 'match_id', type: 'uuid' })
  matchId!: string;

  @PrimaryColumn({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @Column({ type: 'varchar', length: 9 })
  side!: MatchSide;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'reconciliation_id', type: 'uuid' })
  reconciliationId!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
