import type { Request } from 'express';
import type { RelationReader } from '../scim/render.js';
import type { Store } from '../store/index.js';
import type { ScimExchange } from './exchange.js';

/** What route handlers share: the store and its repositories, the clock, and how to build URLs. */
export interface ServerContext {
  store: Store;
  users: Store['users'];
  groups: Store['groups'];
  /** Users' groups and groups' members, for rendering. */
  relations: RelationReader;
  now: () => string;
  /** The base URL of the directory the request addresses, as the client sees it. */
  baseUrl: (req: Request, exchange: ScimExchange) => string;
}
