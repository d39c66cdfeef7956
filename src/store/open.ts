import { closeSync, openSync, statSync } from 'node:fs';
import { makeFolders } from '../core/fs.js';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseError, describeOpenError, toStoreError } from './errors.js';
import { LATEST_VERSION, migrations } from './migrations.js';

export type Sqlite = BetterSqlite3.Database;

/** How long a write waits for another process's write lock before giving up with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Marks a file as a scimctl database (PRAGMA application_id), so a foreign SQLite file is refused untouched. */
export const APPLICATION_ID = 0x5c1c7c71;

/**
 * Open (creating if needed) a scimctl database. Everything that can go wrong before the first
 * write is checked read-only first, so a foreign, corrupt or newer file is never modified.
 */
export function openDatabase(path: string): Sqlite {
  ensureParentFolder(path);
  let db: Sqlite;
  try {
    createPrivately(path);
    db = new BetterSqlite3(path);
  } catch (error) {
    throw new DatabaseError(`cannot open database ${path}: ${describeOpenError(error)}`, 'unopenable', error);
  }
  try {
    checkIdentity(db, path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Fewer, larger checkpoints: a serve under load appends a log row per request.
    db.pragma('wal_autocheckpoint = 4000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw toStoreError(error, path);
  }
}

function ensureParentFolder(path: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new DatabaseError(`cannot open database ${path}: it is a folder`, 'not-a-file');
    }
    // Only folders made here are made private; an existing one (/tmp, a project folder) is left as it is.
    makeFolders(dirname(path), 0o700);
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot create the folder for database ${path}: ${describeOpenError(error)}`, 'unwritable', error);
  }
}

/**
 * The database holds what IdPs provisioned (names, emails, request bodies): a new file is readable by
 * its owner only, from its first byte. SQLite gives the -wal and -shm files the main file's mode.
 */
function createPrivately(path: string): void {
  if (path === ':memory:' || statSync(path, { throwIfNoEntry: false })) return;
  try {
    closeSync(openSync(path, 'a', 0o600));
  } catch {
    // Not creatable here: SQLite's own open says why, in the words users see for every open failure.
  }
}

/** True when an existing database file can be read by users other than its owner (POSIX modes only). */
export function readableByOthers(path: string): boolean {
  if (process.platform === 'win32') return false;
  const mode = statSync(path, { throwIfNoEntry: false })?.mode;
  return mode !== undefined && (mode & 0o077) !== 0;
}

function checkIdentity(db: Sqlite, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId === 0 && version === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw new DatabaseError(`${path} is a SQLite database, but not a scimctl one; refusing to touch it`, 'foreign');
    return;
  }
  if (appId !== APPLICATION_ID) {
    throw new DatabaseError(`${path} is a SQLite database, but not a scimctl one; refusing to touch it`, 'foreign');
  }
  if (version > LATEST_VERSION) {
    throw new DatabaseError(
      `${path} was written by a newer scimctl (schema version ${version}; this scimctl knows up to ${LATEST_VERSION})`,
      'newer-schema',
    );
  }
}

function migrate(db: Sqlite): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) db.exec(migration.sql);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${LATEST_VERSION}`);
  }).immediate();
}
