import type { NextFunction, Request, Response } from 'express';
import { ScimError } from '../scim/errors.js';
import { BusyError, ConflictError, DatabaseError, InvalidReferenceError, NotFoundError, TooExpensiveError, isBusy, toStoreError, type DatabaseProblem } from '../store/index.js';
import type { Exchanges } from './exchange.js';
import { sendScim } from './respond.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  body?: string;
  limit?: number;
}

/** Turn anything thrown into the RFC 7644 §3.12 Error body. Only real bugs become 500. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  const stored = fromStoreError(toStoreError(error, 'of this server'));
  if (stored) return stored;
  const e = error as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new ScimError(400, 'invalidSyntax', `request body is not valid JSON: ${e.message}`);
    case 'entity.too.large':
      return new ScimError(413, 'tooLarge', `request body is larger than the ${e.limit ?? ''} byte limit`.replace('the  byte', 'the byte'));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ScimError(400, 'invalidSyntax', `${e.message}; send UTF-8 JSON`);
    case 'request.aborted':
    case 'request.size.invalid':
      return new ScimError(400, 'invalidSyntax', e.message);
  }
  // Other client errors raised by express and its parsers (e.g. a malformed %-escape in the path).
  const status = e?.status ?? (e as { statusCode?: number } | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ScimError(status, status === 400 ? 'invalidSyntax' : undefined, e.message);
  }
  return new ScimError(500, undefined, 'internal server error; see the scimctl serve output');
}

const DATABASE_WORDS: Record<DatabaseProblem, string> = {
  full: 'cannot grow: the disk is full',
  unwritable: 'cannot be written',
  damaged: 'is damaged',
  locked: 'is locked',
  'not-a-file': 'cannot be used',
  unopenable: 'cannot be used',
  foreign: 'cannot be used',
  'newer-schema': 'cannot be used',
};

/** The data layer's errors in RFC 7644 terms; undefined for anything else. */
function fromStoreError(error: unknown): ScimError | undefined {
  if (error instanceof NotFoundError) {
    // A directory vanishes under a request only when it is deleted while the request waited for the lock.
    if (error.entity === 'directory') return new ScimError(404, undefined, `SCIM directory ${error.ref} no longer exists`);
    return new ScimError(404, undefined, `${error.entity === 'group' ? 'Group' : 'User'} ${error.ref} not found`);
  }
  if (error instanceof ConflictError) return new ScimError(409, 'uniqueness', error.message);
  if (error instanceof InvalidReferenceError) return new ScimError(400, 'invalidValue', error.message);
  // RFC 7644 §3.12 tooMany: more than the server is willing to calculate or process.
  if (error instanceof TooExpensiveError) {
    return new ScimError(400, 'tooMany', `${error.message}; narrow it with userName or id (displayName or id for groups), which are found on an index`);
  }
  // A full disk or a read-only file: the server's problem, reported on its stderr, and worth a retry
  // once fixed. The client is not told where the file is.
  if (error instanceof DatabaseError) return new ScimError(503, undefined, `the server's database ${DATABASE_WORDS[error.problem]}; retry once it is fixed (see the scimctl serve output)`);
  if (error instanceof BusyError && error.reason === 'searches') return new ScimError(503, undefined, `${error.message}; retry shortly`);
  if (isBusy(error)) return new ScimError(503, undefined, 'the database is busy: another scimctl command holds its write lock; retry shortly');
  return undefined;
}

export function errorKind(error: ScimError): string {
  if (error.scimType) return error.scimType;
  return ({ 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed', 412: 'preconditionFailed', 413: 'tooLarge', 503: 'busy' } as Record<number, string>)[error.status] ?? (error.status >= 500 ? 'internal' : 'error');
}

export function errorMiddleware(exchanges: Exchanges, onInternal: (error: unknown, req: Request) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const scim = toScimError(error);
    // A 500 is a bug and a database problem needs the operator; a 503 for a held lock is neither.
    if (scim.status === 500 || toStoreError(error, 'of this server') instanceof DatabaseError) onInternal(error, req);
    const exchange = exchanges.of(req);
    if (exchange) {
      // A body that failed to parse never reached the parser's verify hook: log it as received.
      const raw = (error as BodyParserError)?.body;
      if (typeof raw === 'string') exchange.rawRequestBody = raw;
      exchange.errorKind = errorKind(scim);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (scim.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="scimctl"');
    if (scim.status === 503) res.setHeader('Retry-After', '1');
    sendScim(exchange, res, scim.status, scim.toJSON());
  };
}

export function notFoundHandler(req: Request): never {
  throw new ScimError(404, undefined, `no SCIM endpoint ${req.method} ${req.path}`);
}
