export { readMt940, type Mt940ReadOptions } from './mt940-reader';
