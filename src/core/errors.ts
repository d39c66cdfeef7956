/**
 * Errors the CLI turns into one readable line and an exit code. Anything else is a bug and
 * gets the stack only with --debug.
 */
export type CliErrorKind = 'usage' | 'not-found' | 'conflict' | 'invalid' | 'database' | 'runtime' | 'cancelled';

export class CliError extends Error {
  constructor(
    readonly kind: CliErrorKind,
    message: string,
    /** A hint printed after the message: what to do next. */
    readonly hint?: string,
    /** The error this one explains (a SQLite or file-system error), whose stack --debug prints. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string) => new CliError('usage', message, hint);
export const notFoundError = (message: string, hint?: string) => new CliError('not-found', message, hint);
export const conflictError = (message: string, hint?: string) => new CliError('conflict', message, hint);
export const invalidError = (message: string, hint?: string) => new CliError('invalid', message, hint);
export const databaseError = (message: string, hint?: string, cause?: unknown) => new CliError('database', message, hint, cause);

/** Exit codes: 2 for usage errors (like gh and most Unix tools), 1 for everything that went wrong at run time. */
export function exitCodeFor(kind: CliErrorKind): number {
  if (kind === 'usage') return 2;
  if (kind === 'cancelled') return 130;
  return 1;
}
