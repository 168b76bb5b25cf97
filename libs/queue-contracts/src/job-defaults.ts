import type { JobsOptions } from 'bullmq';

/** Retries with exponential back-off; finished jobs are kept a while so a repeat publish stays a no-op. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
