import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AdminController } from './admin.controller';

@Module({ imports: [ApiKeysModule], controllers: [AdminController] })
export class AdminModule {}
