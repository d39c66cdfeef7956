/**
 * PATCH (RFC 7644 §3.5.2) for the toy SCIM server, deliberately written apart from scimctl's own
 * engine so `scimctl test` is measured against a second, independent reading of the RFC and of
 * what Entra and Okta send:
 * - op names in any case ("Replace", "add");
 * - string booleans ("False") stored as booleans on boolean attributes;
 * - path-less add/replace whose keys are paths (`name.familyName`, `urn:…:enterprise:2.0:User:department`);
 * - filtered paths (`emails[type eq "work"].value`) that create the element when none matches;
 * - the manager as a bare id, as `[{"$ref":null,"value":id}]`, or on the legacy path "manager";
 * - members added/removed by value array or by `members[value eq "id"]`.
 */
import { ScimError } from '../../../src/scim/errors.js';
import type { Filter } from '../../../src/scim/filter/ast.js';
import { matchesFilter } from '../../../src/scim/filter/evaluate.js';
import { parsePatchPath } from '../../../src/scim/filter/parser.js';
import { ENTERPRISE_USER_SCHEMA, type ResourceKind } from '../../../src/scim/schemas.js';
import { getCI, isObject, keyOf, type Json } from './filter.js';

type Op = 'add' | 'replace' | 'remove';

const BOOLEAN_ATTRIBUTES = new Set(['active', 'primary']);
const ENTERPRISE_LOWER = ENTERPRISE_USER_SCHEMA.toLowerCase();

export const invalid = (scimType: 'invalidSyntax' | 'invalidValue' | 'invalidPath' | 'noTarget', detail: string) =>
  new ScimError(400, scimType, detail);

export function isStringBoolean(value: unknown): boolean {
  return typeof value === 'string' && /^(true|false)$/i.test(value);
}

/** "False"/"True" (any case) on a boolean attribute become real booleans; everything else as sent. */
export function coerce(name: string, value: unknown): unknown {
  return BOOLEAN_ATTRIBUTES.has(name.toLowerCase()) && isStringBoolean(value) ? (value as string).toLowerCase() === 'true' : value;
}

export interface PatchOptions {
  kind: ResourceKind;
  /** The drop-enterprise flaw: operations on the enterprise extension are silently ignored. */
  ignoreEnterprise: boolean;
}

/** Applies the operations to `resource` in place. Throws ScimError 400 for a malformed request. */
export function applyPatch(resource: Json, body: unknown, options: PatchOptions): void {
  const operations = isObject(body) ? getCI(body, 'Operations') : undefined;
  if (!Array.isArray(operations)) throw invalid('invalidSyntax', 'a PatchOp body needs an "Operations" array');
  operations.forEach((raw, index) => {
    if (!isObject(raw)) throw invalid('invalidSyntax', `Operations[${index}] is not an object`);
    const op = String(getCI(raw, 'op') ?? '').toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalid('invalidSyntax', `Operations[${index}]: unknown op ${JSON.stringify(raw.op)}`);
    const path = getCI(raw, 'path');
    const value = getCI(raw, 'value');
    if (path === undefined || path === '') {
      if (op === 'remove') throw invalid('noTarget', `Operations[${index}]: remove needs a path`);
      if (!isObject(value)) throw invalid('invalidValue', `Operations[${index}]: a path-less ${op} needs an object value`);
      for (const [key, v] of Object.entries(value)) {
        // Okta renames a group with its own id in the value; schemas/meta/id are not the client's to set.
        if (['id', 'schemas', 'meta'].includes(key.toLowerCase())) continue;
        if (key.toLowerCase() === ENTERPRISE_LOWER && isObject(v)) {
          for (const [sub, subValue] of Object.entries(v)) applyPath(resource, op, `${ENTERPRISE_USER_SCHEMA}:${sub}`, subValue, options);
        } else applyPath(resource, op, key, v, options);
      }
    } else {
      if (typeof path !== 'string') throw invalid('invalidPath', `Operations[${index}]: path must be a string`);
      if (op !== 'remove' && value === undefined) throw invalid('invalidValue', `Operations[${index}]: ${op} needs a value`);
      applyPath(resource, op, path, value, options);
    }
  });
}

function applyPath(resource: Json, op: Op, text: string, value: unknown, options: PatchOptions): void {
  const parsed = parsePatchPath(text);
  let { uri, attr, sub } = parsed.path;
  // Legacy Entra sets the manager on the bare path "manager".
  if (uri === undefined && options.kind === 'User' && attr.toLowerCase() === 'manager') uri = ENTERPRISE_USER_SCHEMA;
  const enterprise = uri !== undefined && uri.toLowerCase() === ENTERPRISE_LOWER;
  if (enterprise && options.ignoreEnterprise) return;
  let container = resource;
  if (enterprise) {
    const key = keyOf(resource, ENTERPRISE_USER_SCHEMA) ?? ENTERPRISE_USER_SCHEMA;
    if (!isObject(resource[key])) {
      if (op === 'remove') return;
      resource[key] = {};
    }
    container = resource[key] as Json;
  }
  const key = keyOf(container, attr) ?? attr;
  if (enterprise && attr.toLowerCase() === 'manager' && sub === undefined) return setManager(container, key, op, value);
  if (parsed.filter) return applyFiltered(container, op, key, parsed.filter, parsed.subAttr, value, options.kind);
  if (sub !== undefined) {
    if (op === 'remove') {
      const parent = container[key];
      if (isObject(parent)) delete parent[keyOf(parent, sub) ?? sub];
      return;
    }
    const parent = isObject(container[key]) ? (container[key] as Json) : (container[key] = {});
    parent[keyOf(parent, sub) ?? sub] = coerce(sub, value);
    return;
  }
  if (op === 'remove') {
    if (Array.isArray(container[key]) && Array.isArray(value)) {
      // Legacy member removal: the value lists the members to take out.
      const out = new Set(value.map((v) => (isObject(v) ? String(v.value) : String(v))));
      container[key] = (container[key] as unknown[]).filter((e) => !(isObject(e) && out.has(String(e.value))));
    } else delete container[key];
    return;
  }
  if (op === 'add' && Array.isArray(container[key]) && Array.isArray(value)) {
    // Add to a multi-valued attribute appends, skipping elements already there (members by value).
    const list = container[key] as unknown[];
    for (const v of value) if (!list.some((e) => sameElement(e, v))) list.push(v);
    return;
  }
  // A complex attribute given sub-attributes keeps the ones not named, for add and replace alike (§3.5.2.3).
  if (isObject(container[key]) && isObject(value)) return void Object.assign(container[key] as Json, value);
  container[key] = coerce(attr, value);
}

function setManager(container: Json, key: string, op: Op, value: unknown): void {
  if (op === 'remove') return void delete container[key];
  // Bare id (current Entra), [{"$ref":null,"value":id}] (legacy Entra) or {"value":id} (RFC).
  const first = Array.isArray(value) ? value[0] : value;
  const id = isObject(first) ? first.value : first;
  if (typeof id !== 'string' || id === '') throw invalid('invalidValue', `manager: expected an id, got ${JSON.stringify(value)}`);
  container[key] = { value: id };
}

function applyFiltered(container: Json, op: Op, key: string, filter: Filter, subAttr: string | undefined, value: unknown, kind: ResourceKind): void {
  const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
  const selected = list.filter((e) => matchesFilter(filter, e, kind, key));
  if (op === 'remove') {
    if (subAttr === undefined) container[key] = list.filter((e) => !selected.includes(e));
    else for (const e of selected) if (isObject(e)) delete e[keyOf(e, subAttr) ?? subAttr];
    return;
  }
  if (selected.length === 0) {
    // Entra's `phoneNumbers[type eq "fax"].value` on a user without a fax: create the element the filter describes.
    const element: Json = { ...equalities(filter) };
    if (subAttr !== undefined) element[subAttr] = coerce(subAttr, value);
    else if (isObject(value)) Object.assign(element, value);
    container[key] = [...list, element];
    return;
  }
  for (const e of selected) {
    if (!isObject(e)) continue;
    if (subAttr !== undefined) e[keyOf(e, subAttr) ?? subAttr] = coerce(subAttr, value);
    else if (isObject(value)) Object.assign(e, value);
  }
}

/** The `attr eq "value"` pairs of an and-chain, e.g. {type: "fax"} for `type eq "fax"`. */
function equalities(filter: Filter): Json {
  if (filter.kind === 'and') return { ...equalities(filter.left), ...equalities(filter.right) };
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.sub === undefined) return { [filter.path.attr]: filter.value };
  return {};
}

function sameElement(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && a.value !== undefined) return String(a.value) === String(b.value);
  return JSON.stringify(a) === JSON.stringify(b);
}
