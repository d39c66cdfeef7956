import type { Request } from 'express';
import { ScimError } from '../scim/errors.js';
import { tokenMatches } from '../core/tokens.js';
import type { Store } from '../store/index.js';
import type { ScimExchange } from './exchange.js';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * Bearer-token auth for one directory. An unknown directory id answers exactly like a wrong token
 * (401, same body), so directory ids cannot be probed without a valid token. Throws the 401.
 */
export function authenticate(store: Store) {
  return (req: Request, exchange: ScimExchange): void => {
    const directoryId = exchange.directorySegment;
    const tokenHash = store.directories.tokenHash(directoryId);
    if (tokenHash !== undefined) exchange.loggedDirectoryId = directoryId;
    const header = req.get('authorization');
    if (!header) throw unauthorized('Authorization header missing: send "Authorization: Bearer <token>"');
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('Authorization header malformed: expected "Bearer <token>"');
    if (!tokenMatches(match[1]!, tokenHash)) throw unauthorized('bearer token is not valid for this directory');
    exchange.directoryId = directoryId;
  };
}

function unauthorized(detail: string): ScimError {
  return new ScimError(401, undefined, detail);
}
