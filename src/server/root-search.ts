import type { Request, Response } from 'express';
import { badRequest } from '../scim/errors.js';
import { listResponse, renderResource } from '../scim/render.js';
import type { ResourceKind } from '../scim/schemas.js';
import type { ListQuery, ListResult } from '../store/index.js';
import type { ServerContext } from './context.js';
import type { ScimExchange } from './exchange.js';
import { listParams, searchParams, type Params } from './query.js';
import { queryParameterInAnyCase } from '../scim/quirks/http.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

/** The order resources of each type appear in a search across types (RFC 7644 §3.4.2.1). */
const KINDS: readonly ResourceKind[] = ['User', 'Group'];

/**
 * A query at the directory root (RFC 7644 §3.4.2.1), by GET with query parameters or by POST
 * /.search with a SearchRequest body (§3.4.3): one ListResponse over Users and Groups, each resource
 * with its own `schemas` and `meta.resourceType`. The filter is applied to each type; an attribute a
 * type does not model matches none of its resources. Users come first, then Groups, and
 * startIndex/count page over that combined list.
 */
export function rootSearchRoutes(routes: ScimRoutes, ctx: ServerContext): void {
  routes.get('/', (req: Request, res: Response, x: ScimExchange) => searchAcrossTypes(ctx, req, res, x, req.query as Params));
  routes.post('/.search', (req: Request, res: Response, x: ScimExchange) => searchAcrossTypes(ctx, req, res, x, searchParams(req.body)));
}

async function searchAcrossTypes(ctx: ServerContext, req: Request, res: Response, x: ScimExchange, params: Params): Promise<void> {
  // Sorting across types would need one ordering over both tables, which the store cannot give.
  if (queryParameterInAnyCase(params, 'sortBy')) {
    throw badRequest('invalidValue', 'sortBy is not supported when searching across resource types; search /Users or /Groups to sort');
  }
  // Like /Users and /Groups: a filter that must scan a directory runs on the store's worker, with its deadline.
  const list = (kind: ResourceKind, query: ListQuery): Promise<ListResult> =>
    kind === 'User' ? ctx.users.listOffThread(x.directoryId, query) : ctx.groups.listOffThread(x.directoryId, query);
  const base = ctx.baseUrl(req, x);
  const rendered: unknown[] = [];
  let total = 0;
  let first: number | undefined;
  for (const kind of KINDS) {
    const { filter, startIndex, count, projection } = listParams(kind, params);
    first ??= startIndex;
    // This type's page starts where the types before it ended: skip what they had, then fill what is left.
    const skipped = Math.max(0, startIndex - 1 - total);
    const page = await list(kind, { filter, startIndex: skipped + 1, count: Math.max(0, count - rendered.length) });
    total += page.total;
    for (const resource of page.resources) rendered.push(renderResource(kind, resource, base, ctx.relations, projection));
  }
  sendScim(x, res, 200, listResponse(rendered, total, first ?? 1));
}
