export * from './events';
export * from './secrets';
export * from './signing';
export * from './address-guard';
export * from './retry-schedule';
