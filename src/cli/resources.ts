import { notFoundError, usageError } from '../core/errors.js';
import { looksLikeId } from '../core/ids.js';
import { findDirectory } from './pickers.js';
import { parseProjection } from '../scim/projection.js';
import { renderResource, type RelationReader } from '../scim/render.js';
import type { ResourceKind } from '../scim/schemas.js';
import { parseFilter } from '../scim/filter/parser.js';
import type { Context } from './context.js';
import type { StoredResource } from '../store/index.js';

/** Users and groups as the SCIM server would return them, read straight from the database. */
export async function listRendered(ctx: Context, kind: ResourceKind, directoryRef: string, filter: string | undefined, limit: number, includeDeleted = false) {
  const directory = ctx.store.directories.get(directoryRef);
  const result = repository(ctx, kind).list(directory.id, {
    filter: filter ? parseFilter(filter) : undefined,
    startIndex: 1,
    count: limit,
    includeDeleted,
  });
  // Lists leave group members out (a group may have 100k), as GET /Groups?excludedAttributes=members
  // does; `group show` has them.
  const projection = kind === 'Group' ? parseProjection('Group', undefined, 'members') : undefined;
  const relations = relationsOf(ctx);
  // Asked for deleted ones, every item says whether it is one (null when live); otherwise items stay as SCIM renders them.
  const render = (r: StoredResource) => renderResource(kind, r, directory.baseUrl, relations, projection);
  const resources = result.resources.map((r) => (includeDeleted ? { ...render(r), deletedAt: r.deletedAt } : render(r)));
  return { total: result.total, resources };
}

/**
 * One user or group as GET /Users/{id} answers: by id, or by userName (a group: displayName) within
 * --directory, or within the only directory there is.
 */
export async function showRendered(ctx: Context, kind: ResourceKind, ref: string, directoryRef?: string) {
  const resource = repository(ctx, kind).locate(ref) ?? (await byName(ctx, kind, ref, directoryRef));
  if (!resource) throw notFoundError(`no ${kind.toLowerCase()} "${ref}"`, `See \`scimctl ${kind.toLowerCase()} list --directory <dir>\``);
  const directory = ctx.store.directories.get(resource.directoryId);
  // Exactly what GET /Users/{id} or /Groups/{id} answers, plus deletedAt for one the IdP deleted (which GET no longer finds).
  const rendered = renderResource(kind, resource, directory.baseUrl, relationsOf(ctx));
  return resource.deletedAt === null ? rendered : { ...rendered, deletedAt: resource.deletedAt };
}

/**
 * Said under `user show` / `group show` of a deleted one, aligned like the other field lists; and of
 * a deactivated user, which the app API also reports as deleted (as SSOReady does).
 */
export function deletedNotice(ctx: Context, resource: Record<string, unknown>): void {
  if (ctx.json) return;
  if (typeof resource.deletedAt === 'string') {
    ctx.notice(ctx.errColor.yellow(`Deleted:      ${resource.deletedAt} (the IdP deleted it; SCIM clients no longer see it, the app API still does)`));
  } else if (resource.active === false) {
    ctx.notice(ctx.errColor.yellow('Inactive:     the IdP deactivated it (active: false); the app API shows it with "deleted": true'));
  }
}

async function byName(ctx: Context, kind: ResourceKind, name: string, directoryRef: string | undefined) {
  if (looksLikeId(name)) return undefined;
  const directories = directoryRef ? [findDirectory(ctx.store, directoryRef)] : ctx.store.directories.list();
  if (directories.length > 1) {
    throw usageError(`"${name}" is not a ${kind.toLowerCase()} id; to find it by name, say which directory`, 'Pass --directory <dir>');
  }
  const [directory] = directories;
  if (!directory) return undefined;
  // SCIM filter strings are JSON strings: JSON.stringify quotes and escapes the name exactly.
  const attribute = kind === 'User' ? 'userName' : 'displayName';
  const found = repository(ctx, kind).list(directory.id, { filter: parseFilter(`${attribute} eq ${JSON.stringify(name)}`), startIndex: 1, count: 2 });
  if (found.total > 1) throw usageError(`${found.total} ${kind.toLowerCase()}s of ${directory.id} have ${attribute} "${name}"`, `Use the ${kind.toLowerCase()} id`);
  return found.resources[0];
}

const repository = (ctx: Context, kind: ResourceKind) => (kind === 'User' ? ctx.store.users : ctx.store.groups);

function relationsOf(ctx: Context): RelationReader {
  const { users, groups } = ctx.store;
  return { groupsOf: (userId) => users.groupsOf(userId), members: (groupId) => groups.members(groupId) };
}
