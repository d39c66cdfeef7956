import { notFoundError } from '../core/errors.js';
import { renderResource } from '../scim/render.js';
import type { ResourceKind } from '../scim/schemas.js';
import { parseFilter } from '../scim/filter/parser.js';
import type { StoredResource } from '../store/index.js';
import type { Context } from './context.js';

const ENDPOINT: Record<ResourceKind, string> = { User: 'Users', Group: 'Groups' };

/** Users and groups as the SCIM server would return them, read straight from the database. */
export async function listRendered(ctx: Context, kind: ResourceKind, directoryRef: string, filter: string | undefined, limit: number) {
  const directory = ctx.store.directories.get(directoryRef);
  const result = (kind === 'User' ? ctx.store.users : ctx.store.groups).list(directory.id, {
    filter: filter ? parseFilter(filter) : undefined,
    startIndex: 1,
    count: limit,
  });
  // Lists leave group members out (a group may have 100k); `group show` has them.
  return { total: result.total, resources: result.resources.map((r) => render(ctx, kind, directory.baseUrl, r, false)) };
}

export async function showRendered(ctx: Context, kind: ResourceKind, id: string) {
  const resource = (kind === 'User' ? ctx.store.users : ctx.store.groups).locate(id);
  if (!resource) throw notFoundError(`no ${kind.toLowerCase()} "${id}"`, `See \`scimctl ${kind.toLowerCase()} list --directory <dir>\``);
  const directory = ctx.store.directories.get(resource.directoryId);
  return render(ctx, kind, directory.baseUrl, resource, true);
}

/** Member counts of the listed groups, in one query. */
export function memberCounts(ctx: Context, groupIds: string[]): Map<string, number> {
  return ctx.store.groups.memberCounts(groupIds);
}

function render(ctx: Context, kind: ResourceKind, baseUrl: string, resource: StoredResource, withMembers: boolean): Record<string, unknown> {
  const extra =
    kind === 'Group' && withMembers
      ? { members: ctx.store.groups.members(resource.id).map((m) => ({ value: m.value, display: m.display, type: m.type })) }
      : {};
  return renderResource(kind, resource, `${baseUrl}/${ENDPOINT[kind]}/${resource.id}`, extra);
}
