import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ReconciliationsModule } from '../reconciliations/reconciliations.module';
import { ImportProfilesController } from './import-profiles.controller';
import { ImportProfilesService } from './import-profiles.service';
import { ImportRunner } from './import-runner.service';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { LedgerImportService } from './ledger-import.service';
import { StatementImportService } from './statement-import.service';
import { UploadSpoolGuard } from './upload-spool.guard';

@Module({
  imports: [AccountsModule, ReconciliationsModule],
  controllers: [ImportsController, ImportProfilesController],
  providers: [ImportRunner, ImportsService, StatementImportService, LedgerImportService, ImportProfilesService, UploadSpoolGuard],
})
export class ImportsModule {}
