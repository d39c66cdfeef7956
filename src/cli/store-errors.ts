import { CliError } from '../core/errors.js';
import { BusyError, ConflictError, DatabaseError, InvalidReferenceError, NotFoundError, toStoreError, type DatabaseProblem, type Entity } from '../store/index.js';

const LIST_COMMAND: Record<Entity, string> = {
  environment: 'scimctl env list',
  organization: 'scimctl org list',
  directory: 'scimctl directory list',
  user: 'scimctl user list --directory <dir>',
  group: 'scimctl group list --directory <dir>',
  request: 'scimctl log list',
  'api key': 'scimctl apikey list',
};

const DATABASE_HINTS: Partial<Record<DatabaseProblem, string>> = {
  'not-a-file': 'Pass a file path with --db',
  unopenable: 'Choose a readable, writable file with --db or SCIMCTL_DB',
  unwritable: 'Choose a writable location with --db or SCIMCTL_DB',
  foreign: 'Pass another file with --db',
  'newer-schema': 'Upgrade scimctl to use this database',
};

/**
 * The CLI's reading of a data-layer error: one line, a hint, an exit code kind. Anything the store
 * does not recognise comes back unchanged (a bug, reported with --debug's stack).
 */
export function fromStoreError(raw: unknown, dbPath: string): unknown {
  const error = toStoreError(raw, dbPath);
  if (error instanceof NotFoundError) return new CliError('not-found', error.message, `See \`${LIST_COMMAND[error.entity]}\``, error);
  if (error instanceof ConflictError) return new CliError('conflict', error.message, undefined, error);
  if (error instanceof InvalidReferenceError) return new CliError('invalid', error.message, undefined, error);
  if (error instanceof BusyError) {
    return new CliError('database', `database ${dbPath} is locked by another process`, 'Try again when the other scimctl command has finished', error.cause ?? error);
  }
  if (error instanceof DatabaseError) return new CliError('database', error.message, DATABASE_HINTS[error.problem], error.cause ?? error);
  return error;
}
