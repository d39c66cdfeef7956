import type { Request, Response } from 'express';
import { applyPatch } from '../scim/patch/engine.js';
import { normalizeGroup } from '../scim/normalize.js';
import { excludes, project, type Projection } from '../scim/projection.js';
import { listResponse, renderResource } from '../scim/render.js';
import { listResources, type StoredResource } from '../store/resources.js';
import { directoryOf, type ServerContext } from './context.js';
import { withExisting } from './existing.js';
import { setEtag } from './preconditions.js';
import { asksForProjection, listParams, projectionParams, queryParams, searchParams } from './query.js';
import { groupPatchAnswersNoContent } from '../scim/quirks/http.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

/** Registers /Groups routes in the directory's route table. */
export function groupRoutes(routes: ScimRoutes, ctx: ServerContext): void {

  const render = (req: Request, group: StoredResource, projection: Projection | undefined) => {
    const base = ctx.baseUrl(req);
    const extra = excludes(projection, 'members')
      ? {}
      : {
          members: ctx.groups.members(group.id).map((m) => ({
            value: m.value,
            $ref: `${base}/${m.type === 'User' ? 'Users' : 'Groups'}/${m.value}`,
            ...(m.display === null ? {} : { display: m.display }),
            type: m.type,
          })),
        };
    return project('Group', renderResource('Group', group, `${base}/Groups/${group.id}`, extra), projection);
  };

  const single = (req: Request) => projectionParams('Group', req);

  const list = (req: Request, res: Response, params: Record<string, unknown>) => {
    const query = listParams('Group', params);
    const result = listResources(ctx.store, 'Group', directoryOf(res), query);
    sendScim(res, 200, listResponse(result.resources.map((g) => render(req, g, query.projection)), result.total, query.startIndex));
  };

  routes.get('/Groups', (req, res) => list(req, res, queryParams(req)));
  routes.post('/Groups/.search', (req, res) => list(req, res, searchParams(req.body)));

  routes.post('/Groups', (req, res) => {
    const { attributes, members } = normalizeGroup(req.body);
    const group = ctx.store.transaction(() => ctx.groups.create(directoryOf(res), attributes, members ?? [], ctx.now()));
    res.setHeader('Location', `${ctx.baseUrl(req)}/Groups/${group.id}`);
    setEtag(res, group.version);
    sendScim(res, 201, render(req, group, single(req)));
  });

  routes.get('/Groups/:id', (req, res) => {
    const group = ctx.groups.get(directoryOf(res), req.params.id as string);
    setEtag(res, group.version);
    sendScim(res, 200, render(req, group, single(req)));
  });

  routes.put('/Groups/:id', (req, res) => {
    const { attributes, members } = normalizeGroup(req.body);
    const group = withExisting(ctx, req, res, ctx.groups, (existing) => {
      // PUT replaces the whole resource: members not sent means no members.
      return ctx.groups.update(existing, attributes, { replaceAll: true, add: members ?? [], remove: [] }, ctx.now());
    });
    setEtag(res, group.version);
    sendScim(res, 200, render(req, group, single(req)));
  });

  routes.patch('/Groups/:id', (req, res) => {
    const group = withExisting(ctx, req, res, ctx.groups, (existing) => {
      const result = applyPatch('Group', existing.attributes, req.body, existing.id);
      if (!result.changed) return existing;
      return ctx.groups.update(existing, result.attributesChanged ? result.attributes : undefined, result.members, ctx.now());
    });
    setEtag(res, group.version);
    if (groupPatchAnswersNoContent(asksForProjection(queryParams(req)))) sendScim(res, 204);
    else sendScim(res, 200, render(req, group, single(req)));
  });

  routes.delete('/Groups/:id', (req, res) => {
    withExisting(ctx, req, res, ctx.groups, (existing) => ctx.groups.delete(existing.directoryId, existing.id));
    sendScim(res, 204);
  });
}
