import type { Request } from 'express';
import type { StoredResource } from '../store/index.js';
import type { ServerContext } from './context.js';
import type { ScimExchange } from './exchange.js';
import { checkIfMatch } from './preconditions.js';

/**
 * The shape of every PUT, PATCH and DELETE: in one transaction, load the addressed resource of the
 * caller's directory (404 otherwise), check If-Match, then change it.
 */
export function withExisting<T>(
  ctx: ServerContext,
  req: Request,
  exchange: ScimExchange,
  repository: { get(directoryId: string, id: string): StoredResource },
  change: (existing: StoredResource) => T,
): T {
  return ctx.store.transaction(() => {
    const existing = repository.get(exchange.directoryId, exchange.resourceId!);
    checkIfMatch(req, existing.version);
    return change(existing);
  });
}
