import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';
import { ManualMatchService } from './manual-match.service';
import { MatchesController } from './matches.controller';
import { MatchesService } from './matches.service';
import { ReviewGate } from './review-gate.service';

/** The review of matching results: matches, manual matches, and the items of a reconciliation. */
@Module({
  imports: [AccountsModule],
  controllers: [MatchesController, ItemsController],
  providers: [MatchesService, ManualMatchService, ItemsService, ReviewGate],
})
export class MatchesModule {}
