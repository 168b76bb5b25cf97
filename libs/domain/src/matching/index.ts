export * from './matching.types';
export { matchEntries } from './match-entries';
export type { MatchList } from './match-list';
export { withinTolerance, toleranceFor } from './tolerance';
export { descriptionSimilarity } from './description-similarity';
export { severityOf, DEFAULT_AGGREGATE_BUDGET } from './matching-context';
export { REFERENCE_CONFIDENCE, REFERENCE_MISMATCH_CONFIDENCE, MAX_REFERENCE_GROUP_SIDE } from './reference.strategy';
export { amountDateConfidence, TIE_PENALTY } from './amount-date.strategy';
export { AGGREGATE_CONFIDENCE, AGGREGATE_AMBIGUOUS_CONFIDENCE } from './aggregate.strategy';
