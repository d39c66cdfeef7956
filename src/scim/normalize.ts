/**
 * Incoming resources to their stored shape: attribute names in any case, nulls for "unassigned",
 * and the client quirks of quirks/values.ts (string booleans, wrapped single values, bare manager
 * ids, lone objects for multi-valued attributes). POST/PUT bodies go through normalizeResource();
 * the PATCH engine reuses coerceAttribute() and finalizeAttributes() so both paths store the same shape.
 */
import { cloneJson } from './clone.js';
import { badRequest } from './errors.js';
import { describeValue, findKey, isPlainObject, type Json } from './json.js';
import {
  bareReferenceId,
  discardsWriteOnly,
  entraGroupSchemaUrn,
  loneValueAsList,
  stringBoolean,
  wrappedSingleValue,
} from './quirks/values.js';
import {
  resolveAttribute,
  resourceTypes,
  splitUrn,
  type AttributeDef,
  type ResourceKind,
} from './schemas.js';

export { describeValue, findKey, isPlainObject, type Json };

/** A group member as the store needs it; `$ref` and `display` are derived on output, never stored. */
export interface MemberRef {
  value: string;
  type?: 'User' | 'Group';
}

const invalid = (label: string, expected: string, value: unknown) =>
  badRequest('invalidValue', `"${label}" must be ${expected}, got ${describeValue(value)}`);

const findSub = (def: AttributeDef, name: string) =>
  def.subAttributes?.find((d) => d.name.toLowerCase() === name.toLowerCase());

/**
 * Coerce a value sent for attribute `def` to its stored shape. Returns undefined for "unassigned"
 * (null, or an empty wrapper), which callers turn into "drop the key". Unmodelled attributes
 * (`def` undefined) are kept exactly as sent.
 */
export function coerceAttribute(def: AttributeDef | undefined, value: unknown, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (!def) return value;
  if (def.multiValued) {
    return loneValueAsList(value).filter((v) => v !== null).map((v, i) => coerceSingle(def, v, `${label}[${i}]`));
  }
  const single = wrappedSingleValue(def, value, label);
  return single === undefined ? undefined : coerceSingle(def, single, label);
}

function coerceSingle(def: AttributeDef, value: unknown, label: string): unknown {
  switch (def.type) {
    case 'complex':
      if (isPlainObject(value)) return coerceComplex(def, value, label);
      {
        const reference = bareReferenceId(def, value);
        if (reference) return coerceComplex(def, reference, label);
      }
      throw invalid(label, 'an object', value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return stringBoolean(value) ?? invalidBoolean(label, value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw invalid(label, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalid(label, 'a number', value);
    default:
      if (typeof value === 'string') return value;
      throw invalid(label, 'a string', value);
  }
}

function invalidBoolean(label: string, value: unknown): never {
  throw invalid(label, 'a boolean', value);
}

function coerceComplex(def: AttributeDef, value: Json, label: string): Json {
  const out: Json = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findSub(def, key);
    const name = sub?.name ?? key;
    const v = sub ? coerceAttribute(sub, raw, `${label}.${name}`) : raw === null ? undefined : raw;
    if (v !== undefined) out[name] = v;
    // `Value` then `value` in one object: the later spelling wins, like a JSON duplicate key.
    else delete out[name];
  }
  return out;
}

/** Canonical spelling of the schema URNs scimctl knows; others (Entra's ADSCIM Group URN, custom ones) as sent. */
function canonicalUrn(kind: ResourceKind, urn: string): string {
  const { schema, rest } = splitUrn(kind, urn);
  if (schema && rest === '') return schema;
  return entraGroupSchemaUrn(urn) ?? urn;
}

/**
 * Validate and canonicalize a `schemas` value. Not an array of strings is a malformed body
 * (invalidSyntax); a list without the core URN is well-formed but names the wrong resource, usually a
 * Group body sent to /Users, so that is invalidValue. An empty list counts as missing and is filled in.
 */
export function readSchemas(kind: ResourceKind, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw badRequest('invalidSyntax', `schemas must be an array of schema URN strings, got ${describeValue(value)}`);
  }
  const out: string[] = [];
  for (const urn of value as string[]) {
    const canonical = canonicalUrn(kind, urn);
    if (!out.some((s) => s.toLowerCase() === canonical.toLowerCase())) out.push(canonical);
  }
  const core = resourceTypes[kind].core.id;
  if (out.length > 0 && !out.includes(core)) {
    throw badRequest('invalidValue', `schemas must include ${core}, got ${describeValue(value)}`);
  }
  return out;
}

/**
 * Write one top-level body key into `out`. Keys are attribute paths: `UserName`, `name.givenName`,
 * `urn:…:enterprise:2.0:User:department` and the extension object itself all land in canonical places.
 */
function assignTopLevel(kind: ResourceKind, out: Json, key: string, value: unknown): void {
  const { schema, rest } = splitUrn(kind, key);
  if (schema && rest === '') {
    if (value === null) return;
    if (!isPlainObject(value)) throw invalid(schema, 'an object', value);
    const prefix = schema === resourceTypes[kind].core.id ? '' : `${schema}:`;
    for (const [inner, v] of Object.entries(value)) assignTopLevel(kind, out, prefix + inner, v);
    return;
  }
  const resolved = resolveAttribute(kind, key);
  if (!resolved.def && !schema) {
    // Not modelled: stored exactly as sent so it can be returned as sent (Entra fails the whole user otherwise).
    if (value === null) delete out[key];
    else out[key] = value;
    return;
  }
  // id, meta and User.groups belong to the server; RFC 7643 §7 says clients' values are ignored.
  if (resolved.def?.mutability === 'readOnly' || discardsWriteOnly(resolved.def)) return;
  const container = resolved.extension ? ensureObject(out, resolved.schema) : out;
  const name = resolved.def ? resolved.name : rest;
  if (resolved.def && resolved.subName !== undefined) {
    if (resolved.def.multiValued) {
      throw badRequest('invalidValue', `"${key}" cannot be set in a ${kind} body; send "${name}" as an array instead`);
    }
    const parent = ensureObject(container, name);
    const v = coerceAttribute(resolved.subDef, value, `${name}.${resolved.subName}`);
    if (v === undefined) delete parent[resolved.subName];
    else parent[resolved.subName] = v;
    return;
  }
  const v = coerceAttribute(resolved.def, value, name);
  if (v === undefined) delete container[name];
  else if (isPlainObject(v) && isPlainObject(container[name])) Object.assign(container[name], v);
  else container[name] = v;
}

function ensureObject(obj: Json, key: string): Json {
  const existing = obj[key];
  if (isPlainObject(existing)) return existing;
  const created: Json = {};
  obj[key] = created;
  return created;
}

/** The attribute every resource of `kind` must carry as a non-empty string (userName, Group displayName). */
export function assertRequired(kind: ResourceKind, attrs: Json): void {
  const name = kind === 'User' ? 'userName' : 'displayName';
  const v = attrs[name];
  if (typeof v !== 'string' || v.trim() === '') {
    throw badRequest('invalidValue', `${name} is required and must be a non-empty string, got ${describeValue(v ?? null)}`);
  }
}

/**
 * C0 control characters and DEL. SQLite's case-insensitive comparison, which the uniqueness indexes
 * and filters on these attributes use, stops at a NUL byte, so `z\u0000a` and `z\u0000b` collide;
 * the other controls have no business in a name or an id either.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The attributes stored in indexed columns, which uniqueness and filters compare. */
const INDEXED_STRINGS: Record<ResourceKind, readonly string[]> = {
  User: ['userName', 'externalId', 'displayName'],
  Group: ['displayName', 'externalId'],
};

/** Refuses control characters in the attributes that identify a resource (see CONTROL_CHARACTER). */
export function assertNoControlCharacters(kind: ResourceKind, attrs: Json): void {
  for (const name of INDEXED_STRINGS[kind]) {
    const v = attrs[name];
    if (typeof v === 'string' && CONTROL_CHARACTER.test(v)) {
      throw badRequest('invalidValue', `${name} must not contain control characters (U+0000 to U+001F, U+007F), got ${describeValue(v)}`);
    }
  }
}

/**
 * Invariants every stored resource satisfies, after a POST/PUT or after PATCH: required attributes
 * present and free of control characters, `schemas` listing the core URN first and the enterprise URN whenever enterprise attributes
 * exist, no empty extension objects. Mutates and returns `attrs`.
 */
export function finalizeAttributes(kind: ResourceKind, attrs: Json): Json {
  const type = resourceTypes[kind];
  const schemas = attrs.schemas === undefined ? [] : readSchemas(kind, attrs.schemas);
  for (const ext of type.extensions) {
    const data = attrs[ext.id];
    if (data === undefined) continue;
    if (isPlainObject(data) && Object.keys(data).length === 0) delete attrs[ext.id];
    else if (!schemas.includes(ext.id)) schemas.push(ext.id);
  }
  const ordered = [type.core.id, ...schemas.filter((s) => s !== type.core.id)];
  // Rebuilt in place so `schemas` is listed first, as in every SCIM example and Entra's own bodies.
  const rest = Object.entries(attrs).filter(([key]) => key !== 'schemas');
  for (const key of Object.keys(attrs)) delete attrs[key];
  Object.assign(attrs, { schemas: ordered }, Object.fromEntries(rest));
  assertRequired(kind, attrs);
  assertNoControlCharacters(kind, attrs);
  return attrs;
}

/** Normalize a POST or PUT body to stored attributes (no `id`/`meta`). Groups should use normalizeGroup. */
export function normalizeResource(kind: ResourceKind, body: unknown): Json {
  if (!isPlainObject(body)) {
    throw badRequest('invalidSyntax', `The request body must be a JSON object describing a ${kind}, got ${describeValue(body)}`);
  }
  const out: Json = {};
  // Unmodelled values are stored as they are; copying first keeps them from aliasing the request body.
  for (const [key, value] of Object.entries(cloneJson(body))) {
    if (key.toLowerCase() === 'schemas') {
      if (value !== null) out.schemas = readSchemas(kind, value);
    } else {
      assignTopLevel(kind, out, key, value);
    }
  }
  return finalizeAttributes(kind, out);
}

/**
 * Turn coerced `members` values into MemberRefs, deduplicated by id. Members live in their own table
 * (a group can have 100k), so they never travel inside the stored attributes.
 */
export function toMemberRefs(value: unknown, label = 'members'): MemberRef[] {
  const coerced = coerceAttribute(resourceTypes.Group.core.attributes.find((a) => a.name === 'members'), value, label);
  const refs = new Map<string, MemberRef>();
  ((coerced as Json[] | undefined) ?? []).forEach((m, i) => {
    const id = m.value;
    if (typeof id !== 'string' || id.trim() === '') {
      throw badRequest('invalidValue', `${label}[${i}].value must be a member id string, got ${describeValue(id ?? null)}`);
    }
    const ref: MemberRef = { value: id };
    if (m.type !== undefined) {
      const type = typeof m.type === 'string' ? m.type.toLowerCase() : '';
      if (type !== 'user' && type !== 'group') {
        throw badRequest('invalidValue', `${label}[${i}].type must be "User" or "Group", got ${describeValue(m.type)}`);
      }
      ref.type = type === 'user' ? 'User' : 'Group';
    }
    refs.set(id, ref);
  });
  return [...refs.values()];
}

/** A Group POST/PUT body: attributes to store, and the member list (undefined when the body has none). */
export function normalizeGroup(body: unknown): { attributes: Json; members: MemberRef[] | undefined } {
  const attributes = normalizeResource('Group', body);
  const raw = attributes.members;
  delete attributes.members;
  return { attributes, members: raw === undefined ? undefined : toMemberRefs(raw) };
}
