import type { Statement } from 'better-sqlite3';
import type { IdGenerator } from '../core/ids.js';
import type { ListWorker } from './list-worker.js';

/** What a repository needs of the store: cached prepared statements, transactions, ids. */
export interface Sql {
  prepare(sql: string): Statement;
  transaction<T>(fn: () => T): T;
  readonly ids: IdGenerator;
  /** The thread that runs listings which must read a whole directory (made on first use). */
  listWorker(): ListWorker;
}

/** The value of a JSON-ish optional text column: strings stay, anything else is NULL. */
export const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
