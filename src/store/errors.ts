/**
 * The store's own error vocabulary: what went wrong with the data, in words that name no CLI flag, no
 * HTTP status and no SQL engine. Each edge maps these once: the CLI to exit codes and hints, the SCIM
 * server to RFC 7644 errors, the app API to gateway errors. A driver error a repository did not expect
 * may pass through; edges read every error through `toStoreError`/`isBusy`, which turn the ones that
 * mean something (a held lock, an unusable database file) into these, so only this file knows the
 * driver's codes.
 */
export type Entity = 'environment' | 'organization' | 'directory' | 'user' | 'group' | 'request' | 'api key';

export abstract class StoreError extends Error {
  abstract readonly kind: 'not-found' | 'conflict' | 'invalid-reference' | 'busy' | 'too-expensive' | 'database';
}

/** No `entity` matches `ref` (an id, or a name where names identify). */
export class NotFoundError extends StoreError {
  readonly kind = 'not-found';
  constructor(
    readonly entity: Entity,
    readonly ref: string,
  ) {
    super(`no ${entity === 'directory' ? 'SCIM directory' : entity} "${ref}"`);
    this.name = 'NotFoundError';
  }
}

/** A value that must be unique (`field` of `entity`) is already taken, by `ownerId` when known. */
export class ConflictError extends StoreError {
  readonly kind = 'conflict';
  constructor(
    readonly entity: Entity,
    readonly field: string,
    readonly value: string,
    message: string,
    readonly ownerId?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A write names something that may not be linked (a member outside the directory, a group inside itself). */
export class InvalidReferenceError extends StoreError {
  readonly kind = 'invalid-reference';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

/** Worth a retry, not a bug: another process holds the write lock, or too many searches wait for the worker. */
export class BusyError extends StoreError {
  readonly kind = 'busy';
  constructor(
    cause?: unknown,
    readonly reason: 'lock' | 'searches' = 'lock',
  ) {
    super(
      reason === 'lock' ? 'the database is busy: another scimctl process holds its write lock' : 'too many searches that scan a whole directory are waiting',
      cause === undefined ? undefined : { cause },
    );
    this.name = 'BusyError';
  }
}

/** A query stopped at its deadline: it asks for more work than the store will do at once. */
export class TooExpensiveError extends StoreError {
  readonly kind = 'too-expensive';
  constructor(readonly deadlineMs: number) {
    super(`the filter needs more than ${deadlineMs / 1000} s of searching in this directory`);
    this.name = 'TooExpensiveError';
  }
}

/** Why a database file cannot be used; each edge says what to do about it in its own words. */
export type DatabaseProblem = 'not-a-file' | 'unopenable' | 'unwritable' | 'foreign' | 'newer-schema' | 'damaged' | 'full' | 'locked';

/** The database file cannot be used as it is (missing folder, foreign or corrupt file, read-only, disk full). */
export class DatabaseError extends StoreError {
  readonly kind = 'database';
  constructor(
    message: string,
    readonly problem: DatabaseProblem,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DatabaseError';
  }
}

const SQLITE_PROBLEMS: Record<string, [string, DatabaseProblem]> = {
  SQLITE_NOTADB: ['is not a SQLite database (or is encrypted or corrupt)', 'damaged'],
  SQLITE_CORRUPT: ['is corrupt', 'damaged'],
  SQLITE_READONLY: ['is read-only', 'unwritable'],
  SQLITE_READONLY_DIRECTORY: ['is in a read-only folder', 'unwritable'],
  SQLITE_CANTOPEN: ['cannot be opened', 'unopenable'],
  SQLITE_FULL: ['cannot grow: the disk is full', 'full'],
  SQLITE_PERM: ['cannot be written: permission denied', 'unwritable'],
  SQLITE_BUSY: ['is locked by another process', 'locked'],
};

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_') ? error.code : undefined;
}

export function isBusy(error: unknown): boolean {
  if (error instanceof BusyError) return true;
  const code = sqliteCode(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** A unique index refused the write; the caller knows which field that was. */
export function isUniqueViolation(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * The store's reading of any error: a held lock becomes BusyError, a problem with the file (named by
 * `path`) a DatabaseError; anything else is returned unchanged (a bug, for the edge to report).
 */
export function toStoreError(error: unknown, path: string): unknown {
  if (error instanceof StoreError) return error;
  if (isBusy(error)) return new BusyError(error);
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const key = Object.keys(SQLITE_PROBLEMS).find((k) => code === k || code.startsWith(k + '_'));
  if (!key) return error;
  const [words, problem] = SQLITE_PROBLEMS[key]!;
  return new DatabaseError(`database ${path} ${words}`, problem, error);
}

/** Words for a file-system or SQLite error met while opening, for DatabaseError messages. */
export function describeOpenError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  // mkdir says ENOENT when the parent exists but cannot hold folders (/proc, a dangling link).
  if (code === 'ENOENT') return 'folders cannot be made there';
  if (code?.startsWith('SQLITE_')) return SQLITE_PROBLEMS[code]?.[0] ?? code;
  return error instanceof Error ? error.message : String(error);
}
