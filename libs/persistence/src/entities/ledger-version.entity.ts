import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { bigintTransformer } from './transformers';

/**
 * How many times what an account's reconciliations see of its ledger has changed: ledger
 * entries written, matches made or taken apart, matching rules replaced. A row of its own, not
 * a column of accounts: writers lock it for the last moment of their transaction only, while
 * accounts rows are held (FOR SHARE) by every writer for the whole of theirs. Made on the first
 * change; see ledger-version.ts.
 */
@Entity({ name: 'ledger_versions' })
export class LedgerVersionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @OneToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_ledger_versions_account' })
  account?: AccountEntity;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  version!: bigint;
}
