export * from './csv-profile';
export * from './csv-reader';
