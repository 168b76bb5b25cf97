import { Injectable } from '@nestjs/common';
import { DomainError } from '@concilia/domain';
import { ReconciliationRepository, type AccountEntity, type ReconciliationEntity, type Tx } from '@concilia/persistence';
import { AccountsService } from '../accounts/accounts.service';
import { closed } from '../reconciliations/matching-request.service';

export interface ReviewScope {
  reconciliation: ReconciliationEntity;
  account: AccountEntity;
}

/**
 * The entry of every review write: locks the reconciliation for the rest of `tx` (review
 * actions and matching passes are serialised on it), then refuses a missing one (404), a
 * BLOCKED account (423), a CLOSED reconciliation (409 reconciliation_closed) and, unless told
 * otherwise, one a matching pass is working on (409 reconciliation_state_invalid): the pass
 * read the entries before the person acted, and would undo or contradict the decision.
 */
@Injectable()
export class ReviewGate {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly accounts: AccountsService,
  ) {}

  async enter(tx: Tx, tenantId: string, reconciliationId: string, options: { whileProcessing?: boolean } = {}): Promise<ReviewScope> {
    const reconciliation = await this.reconciliations.lockById(tx, tenantId, reconciliationId);
    if (!reconciliation) throw new DomainError('not_found', 'No reconciliation with this id.');
    const account = await this.accounts.writableAccount(tx, tenantId, reconciliation.accountId);
    if (reconciliation.status === 'CLOSED') throw closed();
    if (reconciliation.status === 'PROCESSING' && !options.whileProcessing) {
      throw new DomainError('reconciliation_state_invalid', 'A matching pass is running on this reconciliation; review it when the pass has finished.');
    }
    return { reconciliation, account };
  }
}
