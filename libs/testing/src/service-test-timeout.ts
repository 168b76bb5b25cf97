import { jest } from '@jest/globals';

/**
 * Tests against the real Postgres and Redis share a noisy 2-core machine: a deadline that
 * only bounds a hang, never a measurement (benchmarks measure; tests assert behaviour).
 */
jest.setTimeout(120_000);
