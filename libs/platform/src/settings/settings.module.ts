import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Settings } from '@concilia/config';

/** Makes the validated settings injectable by their class. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return { module: SettingsModule, providers: [{ provide: Settings, useValue: settings }], exports: [Settings] };
  }
}
