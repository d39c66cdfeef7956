import { notFoundError } from '../core/errors.js';
import { renderResource } from '../scim/render.js';
import type { ResourceKind } from '../scim/schemas.js';
import { parseFilter } from '../scim/filter/parser.js';
import { findDirectory } from '../store/directories.js';
import { GroupRepository } from '../store/groups.js';
import { listResources, type StoredResource } from '../store/resources.js';
import { UserRepository } from '../store/users.js';
import type { Context } from './context.js';

const ENDPOINT: Record<ResourceKind, string> = { User: 'Users', Group: 'Groups' };
const TABLE: Record<ResourceKind, string> = { User: 'scim_users', Group: 'scim_groups' };

/** Users and groups as the SCIM server would return them, read straight from the database. */
export async function listRendered(ctx: Context, kind: ResourceKind, directoryRef: string, filter: string | undefined, limit: number) {
  const directory = await findDirectory(ctx.store, directoryRef);
  const result = listResources(ctx.store, kind, directory.id, {
    filter: filter ? parseFilter(filter) : undefined,
    startIndex: 1,
    count: limit,
  });
  // Lists leave group members out (a group may have 100k); `group show` has them.
  return { total: result.total, resources: result.resources.map((r) => render(ctx, kind, directory.baseUrl, r, false)) };
}

export async function showRendered(ctx: Context, kind: ResourceKind, id: string) {
  const row = ctx.store.prepare(`SELECT directory_id FROM ${TABLE[kind]} WHERE id = ?`).get(id) as { directory_id: string } | undefined;
  if (!row) throw notFoundError(`no ${kind.toLowerCase()} "${id}"`, `See \`scimctl ${kind.toLowerCase()} list --directory <dir>\``);
  const directory = await findDirectory(ctx.store, row.directory_id);
  const repo = kind === 'User' ? new UserRepository(ctx.store) : new GroupRepository(ctx.store);
  return render(ctx, kind, directory.baseUrl, repo.get(directory.id, id), true);
}

export function memberCount(ctx: Context, groupId: string): number {
  return (ctx.store.prepare('SELECT count(*) AS n FROM scim_group_members WHERE group_id = ?').get(groupId) as { n: number }).n;
}

function render(ctx: Context, kind: ResourceKind, baseUrl: string, resource: StoredResource, withMembers: boolean): Record<string, unknown> {
  const extra =
    kind === 'Group' && withMembers
      ? { members: new GroupRepository(ctx.store).members(resource.id).map((m) => ({ value: m.value, display: m.display, type: m.type })) }
      : {};
  return renderResource(kind, resource, `${baseUrl}/${ENDPOINT[kind]}/${resource.id}`, extra);
}
