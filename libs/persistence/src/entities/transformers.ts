import type { ValueTransformer } from 'typeorm';

/** bigint columns (money in minor units) arrive from pg as strings: turn them into bigint, and back. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
