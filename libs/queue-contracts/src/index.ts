export * from './queues';
export * from './payloads';
export * from './job-defaults';
export * from './redis-connection';
