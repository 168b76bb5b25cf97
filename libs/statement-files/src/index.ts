export * from './statement-file.types';
export * from './text-decoding';
export * from './mt940';
export * from './csv';
export * from './camt053';
