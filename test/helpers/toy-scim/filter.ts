/**
 * Filter evaluation for the toy SCIM server's list endpoints. Parsing is the project's own parser:
 * the toy server exists to exercise `scimctl test`, not to be a second filter implementation, and
 * a parse error from it is already a ScimError with scimType invalidFilter.
 *
 * The per-element comparison is the project's matchesFilter (built for PATCH value paths); this file
 * only adds what a whole-resource filter needs on top: schema URN prefixes (the enterprise extension
 * lives under its URN key) and value paths (`emails[type eq "work" and value co "@x"]`).
 */
import type { AttrPath, Filter } from '../../../src/scim/filter/ast.js';
import { matchesFilter } from '../../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../../src/scim/filter/parser.js';
import { ENTERPRISE_USER_SCHEMA, type ResourceKind } from '../../../src/scim/schemas.js';

export type Json = Record<string, unknown>;

export { parseFilter };

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The actual key in `object` matching `name` case-insensitively (attribute names are case-insensitive). */
export function keyOf(object: Json, name: string): string | undefined {
  if (name in object) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

export const getCI = (object: Json, name: string): unknown => {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
};

/** The object a path with an optional schema URN is relative to: the extension object, or the resource. */
function containerFor(resource: Json, path: AttrPath): Json {
  if (path.uri === undefined || path.uri.toLowerCase() !== ENTERPRISE_USER_SCHEMA.toLowerCase()) return resource;
  const extension = getCI(resource, ENTERPRISE_USER_SCHEMA);
  return isObject(extension) ? extension : {};
}

const withoutUri = (path: AttrPath): AttrPath => ({ ...path, uri: undefined });

/** True if the whole resource matches `filter` (RFC 7644 §3.4.2.2). */
export function matchesResource(filter: Filter, resource: Json, kind: ResourceKind): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesResource(filter.left, resource, kind) && matchesResource(filter.right, resource, kind);
    case 'or':
      return matchesResource(filter.left, resource, kind) || matchesResource(filter.right, resource, kind);
    case 'not':
      return !matchesResource(filter.filter, resource, kind);
    case 'valuePath': {
      const values = getCI(containerFor(resource, filter.path), filter.path.attr);
      const elements = Array.isArray(values) ? values : values === undefined ? [] : [values];
      return elements.some((element) => matchesFilter(filter.filter, element, kind, filter.path.attr));
    }
    case 'present':
    case 'compare':
      // The resource (or its extension object) is one "element" whose attributes the path names.
      return matchesFilter({ ...filter, path: withoutUri(filter.path) }, containerFor(resource, filter.path), kind);
  }
}
