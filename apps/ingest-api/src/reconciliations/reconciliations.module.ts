import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { MatchingRequestService } from './matching-request.service';
import { ReconciliationsController } from './reconciliations.controller';
import { ReconciliationsService } from './reconciliations.service';

@Module({
  imports: [AccountsModule],
  controllers: [ReconciliationsController],
  providers: [ReconciliationsService, MatchingRequestService],
  exports: [ReconciliationsService],
})
export class ReconciliationsModule {}
