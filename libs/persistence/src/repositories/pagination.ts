/** Keyset pagination over time-ordered (UUIDv7) ids, newest first. */
export interface PageRequest {
  limit: number;
  /** Id of the last row of the previous page, or null for the first page. */
  after: string | null;
}

export interface Page<T> {
  data: T[];
  /** Id to continue after, or null on the last page. */
  nextAfter: string | null;
}

/** Takes `limit + 1` rows and turns them into a page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  return { data, nextAfter: hasMore ? data[data.length - 1].id : null };
}
