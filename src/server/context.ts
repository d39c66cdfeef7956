import type { Request, Response } from 'express';
import type { Store } from '../store/index.js';

/** What route handlers share: the store and its repositories, the clock, and how to build URLs. */
export interface ServerContext {
  store: Store;
  users: Store['users'];
  groups: Store['groups'];
  now: () => string;
  /** The base URL of the directory the request addresses, as the client sees it. */
  baseUrl: (req: Request) => string;
}

/** Set by the auth middleware once the bearer token matched the directory. */
export function directoryOf(res: Response): string {
  return res.locals.directoryId as string;
}
