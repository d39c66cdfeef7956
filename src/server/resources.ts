import type { Request, Response } from 'express';
import { applyPatch } from '../scim/patch/engine.js';
import { normalizeGroup, normalizeResource, type Json, type MemberRef } from '../scim/normalize.js';
import type { Projection } from '../scim/projection.js';
import { listResponse, locationOf, renderResource } from '../scim/render.js';
import { resourceTypes, type ResourceKind } from '../scim/schemas.js';
import type { ListQuery, ListResult, StoredResource } from '../store/index.js';
import type { ServerContext } from './context.js';
import type { ScimExchange } from './exchange.js';
import { withExisting } from './existing.js';
import { setEtag } from './preconditions.js';
import { asksForProjection, listParams, projectionParams, queryParams, searchParams } from './query.js';
import { groupPatchAnswersNoContent } from '../scim/quirks/http.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

/**
 * What differs between /Users and /Groups: how a body becomes stored attributes (`B`), and the
 * store calls that read and write it (the only ones in this module). Everything else (URLs, ETags, If-Match, projection, rendering,
 * status codes) is shared by resourceRoutes().
 */
interface ResourceBehaviour<B> {
  readonly kind: ResourceKind;
  /** Entra's group PATCH wants 204 (quirk groupPatchAnswersNoContent); user PATCH answers 200 with the resource. */
  readonly patchMayAnswerNoContent: boolean;
  /** A user just created is in no group, so its 201 skips the lookup; a group's has its members. */
  readonly relationsOnCreate: boolean;
  normalize(body: unknown): B;
  /** Listings that must read a whole directory run on the store's worker thread. */
  list(directoryId: string, query: ListQuery): Promise<ListResult>;
  create(directoryId: string, body: B, now: string): StoredResource;
  get(directoryId: string, id: string): StoredResource;
  /** Called inside the If-Match transaction. */
  replace(existing: StoredResource, body: B, now: string): StoredResource;
  /** Called inside the If-Match transaction; returns `existing` when nothing changed. */
  patch(existing: StoredResource, body: unknown, now: string): StoredResource;
  delete(existing: StoredResource): void;
}

function userBehaviour(ctx: ServerContext): ResourceBehaviour<Json> {
  return {
    kind: 'User',
    patchMayAnswerNoContent: false,
    relationsOnCreate: false,
    normalize: (body) => normalizeResource('User', body),
    list: (directoryId, query) => ctx.users.listOffThread(directoryId, query),
    create: (directoryId, attributes, now) => ctx.users.create(directoryId, attributes, now),
    get: (directoryId, id) => ctx.users.get(directoryId, id),
    replace: (existing, attributes, now) => ctx.users.replace(existing, attributes, now),
    patch: (existing, body, now) => {
      const result = applyPatch('User', existing.attributes, body, existing.id);
      return result.changed ? ctx.users.replace(existing, result.attributes, now) : existing;
    },
    delete: (existing) => ctx.users.delete(existing.directoryId, existing.id, ctx.now()),
  };
}

type GroupBody = { attributes: Json; members: MemberRef[] | undefined };

function groupBehaviour(ctx: ServerContext): ResourceBehaviour<GroupBody> {
  return {
    kind: 'Group',
    patchMayAnswerNoContent: true,
    relationsOnCreate: true,
    normalize: normalizeGroup,
    list: (directoryId, query) => ctx.groups.listOffThread(directoryId, query),
    // One transaction in the store: the group and its members land together or not at all.
    create: (directoryId, { attributes, members }, now) => ctx.groups.create(directoryId, attributes, members ?? [], now),
    get: (directoryId, id) => ctx.groups.get(directoryId, id),
    // PUT replaces the whole resource: members not sent means no members.
    replace: (existing, { attributes, members }, now) => ctx.groups.update(existing, attributes, { replaceAll: true, add: members ?? [], remove: [] }, now),
    patch: (existing, body, now) => {
      const result = applyPatch('Group', existing.attributes, body, existing.id);
      if (!result.changed) return existing;
      return ctx.groups.update(existing, result.attributesChanged ? result.attributes : undefined, result.members, now);
    },
    delete: (existing) => ctx.groups.delete(existing.directoryId, existing.id, ctx.now()),
  };
}

/** Registers /Users and /Groups in the directory's route table. */
export function resourceRoutes(routes: ScimRoutes, ctx: ServerContext): void {
  registerKind(routes, ctx, userBehaviour(ctx));
  registerKind(routes, ctx, groupBehaviour(ctx));
}

function registerKind<B>(routes: ScimRoutes, ctx: ServerContext, type: ResourceBehaviour<B>): void {
  const endpoint = resourceTypes[type.kind].endpoint;
  const send = sender(ctx, type.kind);
  const list = async (req: Request, res: Response, x: ScimExchange, params: Record<string, unknown>) => {
    const query = listParams(type.kind, params);
    const result = await type.list(x.directoryId, query);
    const base = ctx.baseUrl(req, x);
    const rendered = result.resources.map((r) => renderResource(type.kind, r, base, ctx.relations, query.projection));
    sendScim(x, res, 200, listResponse(rendered, result.total, query.startIndex));
  };

  routes.get(endpoint, (req, res, x) => list(req, res, x, queryParams(req)));
  routes.post(`${endpoint}/.search`, (req, res, x) => list(req, res, x, searchParams(req.body)));
  routes.post(endpoint, (req, res, x) => {
    const created = type.create(x.directoryId, type.normalize(req.body), ctx.now());
    res.setHeader('Location', locationOf(ctx.baseUrl(req, x), type.kind, created.id));
    send(req, res, x, 201, created, type.relationsOnCreate);
  });
  routes.get(`${endpoint}/:id`, (req, res, x) => send(req, res, x, 200, type.get(x.directoryId, x.resourceId!)));
  routes.put(`${endpoint}/:id`, (req, res, x) => {
    const body = type.normalize(req.body);
    send(req, res, x, 200, withExisting(ctx, req, x, type, (existing) => type.replace(existing, body, ctx.now())));
  });
  routes.patch(`${endpoint}/:id`, (req, res, x) => {
    const patched = withExisting(ctx, req, x, type, (existing) => type.patch(existing, req.body, ctx.now()));
    if (type.patchMayAnswerNoContent && groupPatchAnswersNoContent(asksForProjection(queryParams(req)))) {
      setEtag(res, patched.version);
      sendScim(x, res, 204);
    } else {
      send(req, res, x, 200, patched);
    }
  });
  routes.delete(`${endpoint}/:id`, (req, res, x) => {
    withExisting(ctx, req, x, type, (existing) => type.delete(existing));
    sendScim(x, res, 204);
  });
}

/** Answers with one resource as GET would render it, under the request's projection, with its ETag. */
function sender(ctx: ServerContext, kind: ResourceKind) {
  return (req: Request, res: Response, x: ScimExchange, status: number, resource: StoredResource, withRelations = true): void => {
    const projection: Projection | undefined = projectionParams(kind, req);
    setEtag(res, resource.version);
    sendScim(x, res, status, renderResource(kind, resource, ctx.baseUrl(req, x), withRelations ? ctx.relations : undefined, projection));
  };
}
