import type { Request, Response } from 'express';
import type { StoredResource } from '../store/index.js';
import { directoryOf, type ServerContext } from './context.js';
import { checkIfMatch } from './preconditions.js';

/**
 * The shape of every PUT, PATCH and DELETE: in one transaction, load the addressed resource of the
 * caller's directory (404 otherwise), check If-Match, then change it.
 */
export function withExisting<T>(
  ctx: ServerContext,
  req: Request,
  res: Response,
  repository: { get(directoryId: string, id: string): StoredResource },
  change: (existing: StoredResource) => T,
): T {
  return ctx.store.transaction(() => {
    const existing = repository.get(directoryOf(res), req.params.id as string);
    checkIfMatch(req, existing.version);
    return change(existing);
  });
}
