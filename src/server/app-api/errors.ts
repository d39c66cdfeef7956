import type { NextFunction, Request, Response } from 'express';
import { BusyError, ConflictError, DatabaseError, InvalidReferenceError, NotFoundError, isBusy, toStoreError } from '../../store/index.js';

/**
 * Errors as SSOReady's REST gateway writes them: a google.rpc.Status, `{"code", "message",
 * "details"}`, with the gRPC code's HTTP status. The codes used here:
 */
export const Code = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const STATUS: Record<number, number> = { 3: 400, 5: 404, 6: 409, 13: 500, 14: 503, 16: 401 };

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code] ?? 500;
  }
}

export const invalidArgument = (message: string) => new ApiError(Code.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(Code.NOT_FOUND, message);
export const unauthenticated = (message: string) => new ApiError(Code.UNAUTHENTICATED, message);

/**
 * The store's errors in the gateway's words. Ours, on purpose: an unknown id is 404 (NOT_FOUND) and
 * a taken external id 409 (ALREADY_EXISTS), where SSOReady answers 500, which its SDK retries.
 */
function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const stored = toStoreError(error, 'of this server');
  if (stored instanceof NotFoundError) return notFound(stored.message);
  if (stored instanceof ConflictError) return new ApiError(Code.ALREADY_EXISTS, stored.message);
  if (stored instanceof InvalidReferenceError) return invalidArgument(stored.message);
  // A full disk or an unwritable file: the operator's to fix (serve reports it), worth a retry after.
  if (stored instanceof DatabaseError) return new ApiError(Code.UNAVAILABLE, "the server's database cannot be used; retry once it is fixed (see the scimctl serve output)");
  if (stored instanceof BusyError || isBusy(error)) return new ApiError(Code.UNAVAILABLE, 'the database is busy: another scimctl command holds its write lock; retry shortly');
  const e = error as { status?: unknown; type?: unknown; message?: string } | null;
  // express.json's own errors (type entity.* / charset.* / encoding.*): malformed JSON, a body over the limit, an unsupported charset.
  if (typeof e?.type === 'string' && /^(entity|charset|encoding)\./.test(e.type)) return invalidArgument(`invalid request body: ${e.message}`);
  // A path id that is not valid %-encoding names nothing.
  if (error instanceof URIError || (e?.status === 400 && e.message?.startsWith('Failed to decode param'))) return notFound('no such id: the path is not valid URL encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return invalidArgument(e.message ?? 'bad request');
  return undefined;
}

export function sendError(res: Response, error: ApiError): void {
  if (error.code === Code.UNAUTHENTICATED) res.setHeader('WWW-Authenticate', 'Bearer realm="scimctl app API"');
  if (error.code === Code.UNAVAILABLE) res.setHeader('Retry-After', '1');
  res.status(error.status).json({ code: error.code, message: error.message, details: [] });
}

/** The app API's error handler: every failure answers in the gateway's shape, never an HTML page. */
export function apiErrorMiddleware(onInternalError: (error: unknown, req: Request) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toApiError(error);
    if (!known || known.code === Code.UNAVAILABLE && toStoreError(error, 'of this server') instanceof DatabaseError) onInternalError(error, req);
    if (res.headersSent) return void res.end();
    sendError(res, known ?? new ApiError(Code.INTERNAL, 'internal error; see the serve output'));
  };
}
