import type { NextFunction, Request, Response } from 'express';
import { ScimError } from '../scim/errors.js';
import { tokenMatches, type Secret } from '../core/tokens.js';
import { NotFoundError, type Store } from '../store/index.js';
import type { ScimExchange } from './exchange.js';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * Bearer-token auth for one directory. An unknown directory id answers exactly like a wrong token
 * (401, same body), so directory ids cannot be probed without a valid token. Throws the 401.
 * A directory this server does not serve (`serves` says no) is, to the client, an unknown one.
 * `credentials`: secrets of this process that stand for any served directory (the inspector's
 * replay, see inspector/replay.ts; `scimctl trigger`'s own server, see internal-app.ts).
 */
export function authenticate(store: Store, serves: (directoryId: string) => boolean = () => true, credentials: readonly Secret[] = []) {
  return (req: Request, exchange: ScimExchange): void => {
    const directoryId = exchange.directorySegment;
    const tokenHash = serves(directoryId) ? store.directories.tokenHash(directoryId) : undefined;
    if (tokenHash !== undefined) exchange.loggedDirectoryId = directoryId;
    const header = req.get('authorization');
    if (!header) throw unauthorized('Authorization header missing: send "Authorization: Bearer <token>"');
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('Authorization header malformed: expected "Bearer <token>"');
    // A process credential stands for any served directory; it is checked only after the
    // directory's own token failed, so ordinary requests never pay for it.
    const ownToken = tokenMatches(match[1]!, tokenHash);
    if (!ownToken && !(tokenHash !== undefined && credentials.some((c) => c.matches(match[1])))) {
      throw unauthorized('bearer token is not valid for this directory');
    }
    exchange.directoryId = directoryId;
    exchange.recheckCredential = () => {
      const now = store.directories.tokenHash(directoryId);
      if (now === undefined) throw new NotFoundError('directory', directoryId);
      if (ownToken && now !== tokenHash) throw unauthorized('bearer token is no longer valid for this directory: it was rotated while the request waited');
    };
  };
}

function unauthorized(detail: string): ScimError {
  return new ScimError(401, undefined, detail);
}

/** How much of an unauthenticated request's body is read, and kept in the log. */
export const UNAUTHENTICATED_BODY_PREFIX = 1024;

/**
 * Answers a request whose token failed without reading its body: at most the first
 * UNAUTHENTICATED_BODY_PREFIX bytes are read (for the log, to help debug a misconfigured client),
 * then the 401 goes out with `Connection: close` so the rest is never read or parsed. Anyone can
 * send these, so they must cost no more than their headers and fill the log with no more than a prefix.
 */
export function refuseUnauthenticated(req: Request, res: Response, exchange: ScimExchange, error: unknown, next: NextFunction): void {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) return next(error);
  res.setHeader('Connection', 'close');
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (complete: boolean) => {
    if (done) return;
    done = true;
    req.off('data', onData).off('end', onEnd).off('error', onCut).off('close', onCut);
    req.pause();
    const prefix = Buffer.concat(chunks, size);
    exchange.rawRequestBody = prefix.subarray(0, UNAUTHENTICATED_BODY_PREFIX);
    exchange.requestBodyTruncated = !complete || size > UNAUTHENTICATED_BODY_PREFIX;
    next(error);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    // Past the prefix, not at it: a body of exactly the prefix's size is complete once it ends.
    if (size > UNAUTHENTICATED_BODY_PREFIX) finish(false);
  };
  const onEnd = () => finish(true);
  // Closed or failed before its end: what arrived is only part of the body.
  const onCut = () => finish(false);
  req.on('data', onData).on('end', onEnd).on('error', onCut).on('close', onCut);
}
