import Database from 'better-sqlite3';
import type { Store } from '../../src/store/index.js';

const connections = new Map<string, Database.Database>();

/**
 * A second, raw connection to a store's database file, for tests that look at rows the way SQLite
 * holds them (or plant a trigger to fake a fault). The program itself never reaches past the store.
 */
export function rawDb(store: Store | string): Database.Database {
  const path = typeof store === 'string' ? store : store.path;
  let db = connections.get(path);
  if (!db?.open) {
    db = new Database(path);
    db.pragma('busy_timeout = 5000');
    connections.set(path, db);
  }
  return db;
}
