import { notFoundError } from '../core/errors.js';
import { parseProjection } from '../scim/projection.js';
import { renderResource, type RelationReader } from '../scim/render.js';
import type { ResourceKind } from '../scim/schemas.js';
import { parseFilter } from '../scim/filter/parser.js';
import { findDirectory } from '../store/directories.js';
import { GroupRepository } from '../store/groups.js';
import { listResources } from '../store/resources.js';
import { UserRepository } from '../store/users.js';
import type { Context } from './context.js';

const TABLE: Record<ResourceKind, string> = { User: 'scim_users', Group: 'scim_groups' };

/** Users and groups as the SCIM server would return them, read straight from the database. */
export async function listRendered(ctx: Context, kind: ResourceKind, directoryRef: string, filter: string | undefined, limit: number) {
  const directory = await findDirectory(ctx.store, directoryRef);
  const result = listResources(ctx.store, kind, directory.id, {
    filter: filter ? parseFilter(filter) : undefined,
    startIndex: 1,
    count: limit,
  });
  // Lists leave group members out (a group may have 100k), as GET /Groups?excludedAttributes=members
  // does; `group show` has them.
  const projection = kind === 'Group' ? parseProjection('Group', undefined, 'members') : undefined;
  const relations = relationsOf(ctx);
  return { total: result.total, resources: result.resources.map((r) => renderResource(kind, r, directory.baseUrl, relations, projection)) };
}

export async function showRendered(ctx: Context, kind: ResourceKind, id: string) {
  const row = ctx.store.prepare(`SELECT directory_id FROM ${TABLE[kind]} WHERE id = ?`).get(id) as { directory_id: string } | undefined;
  if (!row) throw notFoundError(`no ${kind.toLowerCase()} "${id}"`, `See \`scimctl ${kind.toLowerCase()} list --directory <dir>\``);
  const directory = await findDirectory(ctx.store, row.directory_id);
  const repo = kind === 'User' ? new UserRepository(ctx.store) : new GroupRepository(ctx.store);
  // Exactly what GET /Users/{id} or /Groups/{id} answers.
  return renderResource(kind, repo.get(directory.id, id), directory.baseUrl, relationsOf(ctx));
}

export function memberCount(ctx: Context, groupId: string): number {
  return (ctx.store.prepare('SELECT count(*) AS n FROM scim_group_members WHERE group_id = ?').get(groupId) as { n: number }).n;
}

function relationsOf(ctx: Context): RelationReader {
  const users = new UserRepository(ctx.store);
  const groups = new GroupRepository(ctx.store);
  return { groupsOf: (userId) => users.groupsOf(userId), members: (groupId) => groups.members(groupId) };
}
