import { DomainError } from '@concilia/domain';
import type { Page, PageRequest } from '@concilia/persistence';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads `limit` and `cursor` (opaque to clients: base64url of the last id). */
export function pageRequest(limit: unknown, cursor: unknown): PageRequest {
  return { limit: parseLimit(limit), after: parseCursor(cursor) };
}

function parseLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  const value = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw DomainError.field('invalid_query', 'limit', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return value;
}

function parseCursor(cursor: unknown): string | null {
  if (cursor === undefined) return null;
  const decoded = typeof cursor === 'string' && cursor.length <= 100 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!UUID.test(decoded)) throw DomainError.field('invalid_cursor', 'cursor', 'cursor is not one this API returned');
  return decoded;
}

export function encodeCursor(id: string | null): string | null {
  return id === null ? null : Buffer.from(id, 'utf8').toString('base64url');
}

/** The list envelope of API.md: `{ data, nextCursor }`. */
export function listResponse<T, R>(page: Page<T>, present: (item: T) => R): { data: R[]; nextCursor: string | null } {
  return { data: page.data.map(present), nextCursor: encodeCursor(page.nextAfter) };
}
