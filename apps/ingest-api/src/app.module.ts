import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { Settings } from '@concilia/config';
import { PersistenceModule } from '@concilia/persistence';
import { bullConnection, QUEUES } from '@concilia/queue-contracts';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './http/auth.guard';
import { HttpMetricsInterceptor } from './http/http-metrics.interceptor';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProblemFilter } from './http/problem.filter';
import { RateLimitGuard } from './http/rate-limit.guard';
import { validationPipe } from './http/validation';
import { LedgerEntriesModule } from './ledger-entries/ledger-entries.module';
import { MatchesModule } from './matches/matches.module';
import { ReconciliationsModule } from './reconciliations/reconciliations.module';
import { DiscrepanciesModule } from './discrepancies/discrepancies.module';
import { SettlementsModule } from './settlements/settlements.module';
import { ReleaseTypesModule } from './release-types/release-types.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ImportsModule } from './imports/imports.module';
import { HealthModule, loggerModule, MetricsModule, OutboxModule, RedisModule, SettingsModule } from '@concilia/platform';

@Module({})
export class AppModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        loggerModule('ingest-api', settings.LOG_LEVEL),
        PersistenceModule.forRoot({ url: settings.DATABASE_URL, poolSize: settings.DATABASE_POOL_SIZE, applicationName: 'ingest-api' }),
        RedisModule.forRoot({ url: settings.REDIS_URL, prefix: settings.REDIS_PREFIX }),
        BullModule.forRoot({ connection: bullConnection(settings.REDIS_URL), prefix: settings.REDIS_PREFIX }),
        MetricsModule.forRoot('ingest-api'),
        HealthModule,
        AuditModule,
        OutboxModule.forRoot([QUEUES.matching, QUEUES.webhookDispatch, QUEUES.webhookDelivery]),
        AdminModule,
        ApiKeysModule,
        AccountsModule,
        LedgerEntriesModule,
        ReconciliationsModule,
        DiscrepanciesModule,
        SettlementsModule,
        ReleaseTypesModule,
        MatchesModule,
        WebhooksModule,
        ImportsModule,
      ],
      providers: [
        // Guards run in this order: who is calling, then how often.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_PIPE, useFactory: validationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
