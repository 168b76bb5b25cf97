export * from './entities';
export * from './data-source';
export * from './database';
export * from './repositories';
export * from './nest/persistence.module';
