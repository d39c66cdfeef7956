import { statSync } from 'node:fs';
import { makeFolders } from '../core/fs.js';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { databaseError } from '../core/errors.js';
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
    db = new BetterSqlite3(path);
  } catch (error) {
    throw databaseError(`cannot open database ${path}: ${describe(error)}`, 'Choose a readable, writable file with --db or SCIMCTL_DB', error);
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
    throw translateSqliteError(error, path);
  }
}

function ensureParentFolder(path: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw databaseError(`cannot open database ${path}: it is a folder`, 'Pass a file path with --db');
    }
    makeFolders(dirname(path));
  } catch (error) {
    if (error instanceof Error && error.name === 'CliError') throw error;
    throw databaseError(`cannot create the folder for database ${path}: ${describe(error)}`, 'Choose a writable location with --db or SCIMCTL_DB', error);
  }
}

function checkIdentity(db: Sqlite, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId === 0 && version === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw databaseError(`${path} is a SQLite database, but not a scimctl one; refusing to touch it`, 'Pass another file with --db');
    return;
  }
  if (appId !== APPLICATION_ID) {
    throw databaseError(`${path} is a SQLite database, but not a scimctl one; refusing to touch it`, 'Pass another file with --db');
  }
  if (version > LATEST_VERSION) {
    throw databaseError(
      `${path} was written by a newer scimctl (schema version ${version}; this scimctl knows up to ${LATEST_VERSION})`,
      'Upgrade scimctl to use this database',
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

const SQLITE_MESSAGES: Record<string, string> = {
  SQLITE_NOTADB: 'is not a SQLite database (or is encrypted or corrupt)',
  SQLITE_CORRUPT: 'is corrupt',
  SQLITE_READONLY: 'is read-only',
  SQLITE_READONLY_DIRECTORY: 'is in a read-only folder',
  SQLITE_CANTOPEN: 'cannot be opened',
  SQLITE_FULL: 'cannot grow: the disk is full',
  SQLITE_PERM: 'cannot be written: permission denied',
  SQLITE_BUSY: 'is locked by another process',
};

/** Map a better-sqlite3 error to one readable line naming the file; leave other errors alone. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return error;
  const code = error.code;
  const key = Object.keys(SQLITE_MESSAGES).find((k) => code === k || code.startsWith(k + '_'));
  if (!key) return error;
  const hint = key.startsWith('SQLITE_READONLY') || key === 'SQLITE_PERM' ? 'Choose a writable location with --db or SCIMCTL_DB' : undefined;
  return databaseError(`database ${path} ${SQLITE_MESSAGES[key]}`, hint, error);
}

/** Another connection holds the write lock (past the busy timeout, or at once when failing fast): worth a retry, not a bug. */
export function isDatabaseBusy(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'));
}

function describe(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    const code = String(error.code);
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EROFS') return 'read-only file system';
    if (code === 'ENOTDIR') return 'a part of the path is not a folder';
    // mkdir says ENOENT when the parent exists but cannot hold folders (/proc, a dangling link).
    if (code === 'ENOENT') return 'folders cannot be made there';
    if (code.startsWith('SQLITE_')) return SQLITE_MESSAGES[code] ?? code;
  }
  return error instanceof Error ? error.message : String(error);
}
