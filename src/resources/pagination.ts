import { invalidField } from '../core/errors.ts';
import type { PageRequest } from '../store/records.ts';

export interface PageQuery {
  limit?: string | null;
  cursor?: string | null;
}

export interface Page<T extends { id: string }> {
  data: T[];
  next_cursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageRequest(query: PageQuery): PageRequest {
  let limit = DEFAULT_PAGE_SIZE;
  if (query.limit !== undefined && query.limit !== null) {
    if (!/^\d+$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_PAGE_SIZE) {
      throw invalidField('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    limit = Number(query.limit);
  }
  let after: string | null = null;
  if (query.cursor) {
    after = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!/^[a-z]+_[0-9a-z]{24}$/.test(after))
      throw invalidField('cursor', 'is not a cursor this API returned');
  }
  return { limit, after };
}

/** `rows` holds up to limit + 1 rows; the extra one only says that another page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return {
    data,
    next_cursor: rows.length > limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
  };
}
