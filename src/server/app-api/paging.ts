import type { PageTokens } from './page-token.js';

/** SSOReady's page size, fixed: an app written against it pages in tens. */
export const PAGE_SIZE = 10;

/** One page of rows fetched one past the page, and the token for the rest ("" on the last page). */
export function paged<T>(rows: T[], tokens: PageTokens, listing: string, cursorOf: (row: T) => string): { items: T[]; nextPageToken: string } {
  if (rows.length <= PAGE_SIZE) return { items: rows, nextPageToken: '' };
  return { items: rows.slice(0, PAGE_SIZE), nextPageToken: tokens.sign(listing, cursorOf(rows[PAGE_SIZE]!)) };
}
