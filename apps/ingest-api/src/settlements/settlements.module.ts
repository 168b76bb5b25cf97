import { Module } from '@nestjs/common';
import { ReleaseTypesModule } from '../release-types/release-types.module';
import { SettlementsController } from './settlements.controller';
import { SettlementsService } from './settlements.service';

@Module({ imports: [ReleaseTypesModule], controllers: [SettlementsController], providers: [SettlementsService] })
export class SettlementsModule {}
