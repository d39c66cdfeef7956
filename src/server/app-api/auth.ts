import type { Request } from 'express';
import type { ApiKeyGrant, Store } from '../../store/index.js';
import { unauthenticated } from './errors.js';

/**
 * The API key of a request, as SSOReady checks it: `Authorization: Bearer <key>`. The key is looked
 * up by its hash and compared in constant time; it is never logged or echoed.
 */
export function authenticateKey(store: Store, req: Request): ApiKeyGrant {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw unauthenticated('authorization header is required');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw unauthenticated('authorization header must be "Bearer <api key>"');
  const grant = store.apiKeys.authenticate(match[1]!);
  if (!grant) throw unauthenticated('invalid API key (unknown or revoked); create one with `scimctl apikey create`');
  return grant;
}

/** Management routes take only keys made with --management, as SSOReady answers: 401, UNAUTHENTICATED. */
export function requireManagement(grant: ApiKeyGrant): void {
  if (!grant.management) throw unauthenticated('api key is not authorized to access management api; create one with `scimctl apikey create --management`');
}
