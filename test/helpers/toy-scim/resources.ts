/**
 * The toy SCIM server's in-memory directory: users and groups as plain JSON, how a request body
 * becomes a stored resource, and how a stored resource is rendered (meta.location, members with
 * display and $ref, a user's groups, attributes/excludedAttributes).
 */
import { randomUUID } from 'node:crypto';
import { ScimError } from '../../../src/scim/errors.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type ResourceKind } from '../../../src/scim/schemas.js';
import { getCI, isObject, keyOf, type Json } from './filter.js';
import { coerce } from './patch.js';

export const ENDPOINT: Record<ResourceKind, string> = { User: 'Users', Group: 'Groups' };
const CORE: Record<ResourceKind, string> = { User: USER_SCHEMA, Group: GROUP_SCHEMA };
// Never stored, never returned: what the server sets itself, and the password (returned "never").
const SERVER_SET = new Set(['id', 'meta', 'groups', 'password']);

export class Directory {
  readonly users = new Map<string, Json>();
  readonly groups = new Map<string, Json>();

  constructor(private readonly dropEnterprise: boolean) {}

  map(kind: ResourceKind): Map<string, Json> {
    return kind === 'User' ? this.users : this.groups;
  }

  /** A request body (POST or PUT) as it is stored: client-set attributes only, booleans as booleans. */
  fromBody(kind: ResourceKind, body: unknown): Json {
    if (!isObject(body)) throw new ScimError(400, 'invalidSyntax', 'the body must be a JSON object');
    const stored: Json = {};
    for (const [key, value] of Object.entries(body)) {
      if (SERVER_SET.has(key.toLowerCase())) continue;
      if (this.dropEnterprise && key.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase()) continue;
      stored[key] = Array.isArray(value) ? value.map((e) => (isObject(e) ? coerceAll(e) : e)) : isObject(value) ? value : coerce(key, value);
    }
    if (kind === 'Group' && !Array.isArray(stored.members)) stored.members = [];
    return stored;
  }

  /** 400 for a missing required name, 409 for a taken one (userName case-insensitively). */
  check(kind: ResourceKind, resource: Json, id: string | undefined): void {
    const attribute = kind === 'User' ? 'userName' : 'displayName';
    const name = getCI(resource, attribute);
    if (typeof name !== 'string' || name === '') throw new ScimError(400, 'invalidValue', `${attribute} is required`);
    for (const [otherId, other] of this.map(kind)) {
      const otherName = getCI(other, attribute);
      if (otherId !== id && typeof otherName === 'string' && otherName.toLowerCase() === name.toLowerCase()) {
        throw new ScimError(409, 'uniqueness', `${attribute} "${name}" is already taken`);
      }
    }
  }

  /** Stores `resource` under `id` (new when undefined), moving meta.version only when something changed. */
  save(kind: ResourceKind, resource: Json, id: string = randomUUID()): string {
    const map = this.map(kind);
    const before = map.get(id);
    const now = new Date().toISOString();
    const meta = isObject(before?.meta) ? { ...before.meta } : { resourceType: kind, created: now, lastModified: now, version: 0 };
    const { meta: _old, ...previous } = before ?? {};
    const { meta: _new, ...next }: Json = { ...resource, id };
    if (before === undefined || JSON.stringify(previous) !== JSON.stringify(next)) {
      meta.lastModified = now;
      meta.version = Number(meta.version) + 1;
    }
    if (this.dropEnterprise) delete next[keyOf(next, ENTERPRISE_USER_SCHEMA) ?? ENTERPRISE_USER_SCHEMA];
    map.set(id, { ...next, meta });
    return id;
  }

  delete(kind: ResourceKind, id: string): boolean {
    if (!this.map(kind).delete(id)) return false;
    // A deleted user or group is no longer anybody's member.
    for (const group of this.groups.values()) {
      if (Array.isArray(group.members)) group.members = group.members.filter((m) => !(isObject(m) && m.value === id));
    }
    return true;
  }

  /** The resource as a client sees it; `base` is the SCIM base URL the request came in on. */
  render(kind: ResourceKind, stored: Json, base: string): Json {
    const out: Json = structuredClone(stored);
    const id = String(stored.id);
    const meta = stored.meta as Json;
    out.meta = { ...meta, version: `W/"${String(meta.version)}"`, location: `${base}/${ENDPOINT[kind]}/${id}` };
    const sent = Array.isArray(out.schemas) ? out.schemas.filter((s): s is string => typeof s === 'string') : [];
    const hasExtension = keyOf(out, ENTERPRISE_USER_SCHEMA) !== undefined;
    out.schemas = [
      CORE[kind],
      ...sent.filter((s) => s !== CORE[kind] && s.toLowerCase() !== ENTERPRISE_USER_SCHEMA.toLowerCase()),
      ...(kind === 'User' && hasExtension ? [ENTERPRISE_USER_SCHEMA] : []),
    ];
    if (kind === 'Group') {
      out.members = (Array.isArray(stored.members) ? stored.members : []).filter(isObject).map((m) => this.member(String(m.value), base));
    } else {
      const groups = [...this.groups.values()].filter((g) => Array.isArray(g.members) && g.members.some((m) => isObject(m) && m.value === id));
      if (groups.length > 0) {
        out.groups = groups.map((g) => ({ value: g.id, display: g.displayName, type: 'direct', $ref: `${base}/Groups/${String(g.id)}` }));
      }
    }
    return out;
  }

  private member(value: string, base: string): Json {
    const user = this.users.get(value);
    const group = user ? undefined : this.groups.get(value);
    const type = user ? 'User' : 'Group';
    const display = user ? (user.displayName ?? user.userName) : group?.displayName;
    return { value, ...(display !== undefined ? { display } : {}), type, $ref: `${base}/${ENDPOINT[type]}/${value}` };
  }
}

function coerceAll(element: Json): Json {
  return Object.fromEntries(Object.entries(element).map(([k, v]) => [k, coerce(k, v)]));
}

/** attributes / excludedAttributes (RFC 7644 §3.9): top-level and `parent.sub` names; id and schemas always stay. */
export function project(resource: Json, attributes: string[], excluded: string[]): Json {
  const names = (list: string[]) => list.map((a) => a.replace(/\[.*$/, '').trim()).filter((a) => a !== '');
  if (attributes.length > 0) {
    const out: Json = { schemas: resource.schemas, id: resource.id };
    for (const name of names(attributes)) copyPath(resource, out, name);
    return out;
  }
  const out: Json = { ...resource };
  for (const name of names(excluded)) {
    const [top, sub] = splitName(name);
    const key = keyOf(out, top);
    if (key === undefined || key === 'id' || key === 'schemas') continue;
    if (sub === undefined) delete out[key];
    else if (isObject(out[key])) {
      const copy = { ...(out[key] as Json) };
      delete copy[keyOf(copy, sub) ?? sub];
      out[key] = copy;
    }
  }
  return out;
}

/** Splits `name.familyName` and `urn:…:enterprise:2.0:User:department` into the top key and the sub-attribute. */
function splitName(name: string): [string, string | undefined] {
  if (name.toLowerCase().startsWith(ENTERPRISE_USER_SCHEMA.toLowerCase() + ':')) return [ENTERPRISE_USER_SCHEMA, name.slice(ENTERPRISE_USER_SCHEMA.length + 1)];
  const dot = name.indexOf('.');
  return dot < 0 || name.includes(':') ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
}

function copyPath(from: Json, to: Json, name: string): void {
  const [top, sub] = splitName(name);
  const key = keyOf(from, top);
  if (key === undefined) return;
  if (sub === undefined) return void (to[key] = from[key]);
  const value = from[key];
  if (Array.isArray(value)) {
    to[key] = value.map((e) => (isObject(e) && keyOf(e, sub) !== undefined ? { [keyOf(e, sub)!]: getCI(e, sub) } : {}));
  } else if (isObject(value) && keyOf(value, sub) !== undefined) {
    to[key] = { ...(isObject(to[key]) ? (to[key] as Json) : {}), [keyOf(value, sub)!]: getCI(value, sub) };
  }
}
