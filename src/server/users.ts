import type { Request, Response } from 'express';
import { applyPatch } from '../scim/patch/engine.js';
import { normalizeResource } from '../scim/normalize.js';
import { excludes, project, type Projection } from '../scim/projection.js';
import { listResponse, renderResource } from '../scim/render.js';
import type { StoredResource } from '../store/index.js';
import { directoryOf, type ServerContext } from './context.js';
import { withExisting } from './existing.js';
import { setEtag } from './preconditions.js';
import { listParams, projectionParams, queryParams, searchParams } from './query.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

/** Registers /Users routes in the directory's route table. */
export function userRoutes(routes: ScimRoutes, ctx: ServerContext): void {

  const render = (req: Request, user: StoredResource, projection: Projection | undefined, withGroups = true) => {
    const extra = withGroups && !excludes(projection, 'groups') ? groupsAttribute(ctx, req, user.id) : {};
    return project('User', renderResource('User', user, `${ctx.baseUrl(req)}/Users/${user.id}`, extra), projection);
  };

  const list = (req: Request, res: Response, params: Record<string, unknown>) => {
    const query = listParams('User', params);
    const result = ctx.users.list(directoryOf(res), query);
    sendScim(res, 200, listResponse(result.resources.map((u) => render(req, u, query.projection)), result.total, query.startIndex));
  };

  const single = (req: Request) => projectionParams('User', req);

  routes.get('/Users', (req, res) => list(req, res, queryParams(req)));
  routes.post('/Users/.search', (req, res) => list(req, res, searchParams(req.body)));

  routes.post('/Users', (req, res) => {
    const attributes = normalizeResource('User', req.body);
    const user = ctx.users.create(directoryOf(res), attributes, ctx.now());
    res.setHeader('Location', `${ctx.baseUrl(req)}/Users/${user.id}`);
    setEtag(res, user.version);
    sendScim(res, 201, render(req, user, single(req), false));
  });

  routes.get('/Users/:id', (req, res) => {
    const user = ctx.users.get(directoryOf(res), req.params.id as string);
    setEtag(res, user.version);
    sendScim(res, 200, render(req, user, single(req)));
  });

  routes.put('/Users/:id', (req, res) => {
    const attributes = normalizeResource('User', req.body);
    const user = withExisting(ctx, req, res, ctx.users, (existing) => ctx.users.replace(existing, attributes, ctx.now()));
    setEtag(res, user.version);
    sendScim(res, 200, render(req, user, single(req)));
  });

  routes.patch('/Users/:id', (req, res) => {
    const user = withExisting(ctx, req, res, ctx.users, (existing) => {
      const result = applyPatch('User', existing.attributes, req.body, existing.id);
      return result.changed ? ctx.users.replace(existing, result.attributes, ctx.now()) : existing;
    });
    setEtag(res, user.version);
    sendScim(res, 200, render(req, user, single(req)));
  });

  routes.delete('/Users/:id', (req, res) => {
    withExisting(ctx, req, res, ctx.users, (existing) => ctx.users.delete(existing.directoryId, existing.id));
    sendScim(res, 204);
  });
}

/** The read-only `groups` attribute (RFC 7643 §4.1.2), only when the user is in any group. */
function groupsAttribute(ctx: ServerContext, req: Request, userId: string): Record<string, unknown> {
  const groups = ctx.users.groupsOf(userId);
  if (groups.length === 0) return {};
  const base = ctx.baseUrl(req);
  return { groups: groups.map((g) => ({ value: g.value, $ref: `${base}/Groups/${g.value}`, display: g.display, type: 'direct' })) };
}
