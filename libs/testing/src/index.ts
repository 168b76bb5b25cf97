export * from './test-environment';
export * from './test-database';
export * from './api-client';
export * from './seed';
export * from './multipart';
export * from './redis-keys';
