import { Module } from '@nestjs/common';
import { ReleaseTypesController } from './release-types.controller';
import { ReleaseTypesService } from './release-types.service';

@Module({ controllers: [ReleaseTypesController], providers: [ReleaseTypesService], exports: [ReleaseTypesService] })
export class ReleaseTypesModule {}
