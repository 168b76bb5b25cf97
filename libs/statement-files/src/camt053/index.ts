export { readCamt053, type Camt053ReadOptions } from './read-camt053';
