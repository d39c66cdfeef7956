import type { Request } from 'express';
import type { ApiKeyGrant, Store } from '../../store/index.js';
import { unauthenticated } from './errors.js';

/** What a request may see: the key's environment, and of it only the directories this serve serves. */
export interface Grant extends ApiKeyGrant {
  serves(directoryId: string): boolean;
  /** The environment's directories this serve serves; undefined when it serves all of them. */
  directoryIds?: string[] | undefined;
}

/**
 * The API key of a request, as SSOReady checks it: `Authorization: Bearer <key>`. The key is looked
 * up by its hash and compared in constant time; it is never logged or echoed. A serve limited to some
 * directories (--env, --directory) answers a key of an environment it does not serve like an unknown
 * key, and hides the directories it does not serve, as its SCIM side does.
 */
export function authenticateKey(store: Store, req: Request, serves?: (directoryId: string) => boolean): Grant {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw unauthenticated('authorization header is required');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw unauthenticated('authorization header must be "Bearer <api key>"');
  const grant = store.apiKeys.authenticate(match[1]!);
  const invalid = unauthenticated('invalid API key (unknown or revoked); create one with `scimctl apikey create`');
  if (!grant) throw invalid;
  if (!serves) return { ...grant, serves: () => true };
  const all = store.directories.ids({ environmentId: grant.environmentId });
  const served = all.filter((id) => serves(id));
  if (served.length === 0) throw invalid;
  return { ...grant, serves, directoryIds: served.length < all.length ? served : undefined };
}

/** Management routes take only keys made with --management, as SSOReady answers: 401, UNAUTHENTICATED. */
export function requireManagement(grant: Grant): void {
  if (!grant.management) throw unauthenticated('api key is not authorized to access management api; create one with `scimctl apikey create --management`');
}
