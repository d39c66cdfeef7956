import { excludes, project, type Projection } from './projection.js';
import { LIST_RESPONSE_SCHEMA, resourceTypes, type ResourceKind } from './schemas.js';

/** What the renderer needs of a stored resource; the store's type satisfies it. */
export interface ResourceRecord {
  id: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * The relationships a rendered resource shows but does not store: a user's groups and a group's
 * members. The store's user and group repositories answer these.
 */
export interface RelationReader {
  groupsOf(userId: string): readonly { value: string; display: string }[];
  members(groupId: string): readonly { value: string; type: 'User' | 'Group'; display: string | null }[];
}

export const etagOf = (version: number) => `W/"${version}"`;

/** RFC 7644 §3.1 `meta.location`, also the `Location` header of a 201. */
export function locationOf(baseUrl: string, kind: ResourceKind, id: string): string {
  return `${baseUrl}${resourceTypes[kind].endpoint}/${id}`;
}

/**
 * The resource as SCIM returns it: `schemas` and `id` first, the stored attributes as sent, the
 * derived `groups` (User) or `members` (Group) with `$ref`s, then server-owned `meta`; finally the
 * client's `attributes`/`excludedAttributes` projection. Without `relations` the derived attribute
 * is left out: a user just created is in no group, so there is nothing to look up.
 */
export function renderResource(
  kind: ResourceKind,
  resource: ResourceRecord,
  baseUrl: string,
  relations: RelationReader | undefined,
  projection?: Projection,
): Record<string, unknown> {
  const { schemas, ...attributes } = resource.attributes;
  const rendered: Record<string, unknown> = { schemas, id: resource.id, ...attributes };
  if (relations) {
    if (kind === 'User' && !excludes(projection, 'groups')) addGroups(rendered, relations, baseUrl, resource.id);
    if (kind === 'Group' && !excludes(projection, 'members')) addMembers(rendered, relations, baseUrl, resource.id);
  }
  rendered.meta = {
    resourceType: kind,
    created: resource.createdAt,
    lastModified: resource.updatedAt,
    location: locationOf(baseUrl, kind, resource.id),
    version: etagOf(resource.version),
  };
  return project(kind, rendered, projection);
}

/** The read-only `groups` attribute (RFC 7643 §4.1.2), only when the user is in any group. */
function addGroups(out: Record<string, unknown>, relations: RelationReader, baseUrl: string, userId: string): void {
  const groups = relations.groupsOf(userId);
  if (groups.length === 0) return;
  out.groups = groups.map((g) => ({ value: g.value, $ref: locationOf(baseUrl, 'Group', g.value), display: g.display, type: 'direct' }));
}

/** `members` with a `$ref` each; `display` only when the member has a name to show. */
function addMembers(out: Record<string, unknown>, relations: RelationReader, baseUrl: string, groupId: string): void {
  out.members = relations.members(groupId).map((m) => ({
    value: m.value,
    $ref: locationOf(baseUrl, m.type, m.value),
    ...(m.display === null ? {} : { display: m.display }),
    type: m.type,
  }));
}

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: unknown[];
}

export function listResponse(resources: unknown[], totalResults: number, startIndex: number): ListResponse {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
