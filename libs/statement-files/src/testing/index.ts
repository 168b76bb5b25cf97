/** Writers of statement files, for tests and benchmarks only (not part of the library's build). */
export * from './csv-writer';
export * from './camt053-writer';
export * from './mt940-writer';
