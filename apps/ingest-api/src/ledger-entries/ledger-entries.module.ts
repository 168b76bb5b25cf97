import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LedgerEntriesController } from './ledger-entries.controller';
import { LedgerEntriesService } from './ledger-entries.service';

@Module({ imports: [AccountsModule], controllers: [LedgerEntriesController], providers: [LedgerEntriesService] })
export class LedgerEntriesModule {}
