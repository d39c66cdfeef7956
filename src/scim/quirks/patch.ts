/**
 * Client quirks in PATCH requests (RFC 7644 §3.5.2): what Entra ID's two PATCH families, Okta and
 * Microsoft's SCIM validator send that the RFC does not allow or leaves undefined, and what the
 * engine does instead. One named function per quirk; the engine calls these.
 */
import type { Filter } from '../filter/ast.js';
import { findKey, isPlainObject, type Json } from '../json.js';
import { resolveAttribute, resourceTypes, type AttributeDef, type ResolvedAttribute, type ResourceKind } from '../schemas.js';
import { deepEqual } from '../patch/equal.js';

/** Entra: `"op": "Add"`, `"Replace"`, `"Remove"`; the RFC spells them in lower case. '' when not a string. */
export function opInAnyCase(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().toLowerCase() : '';
}

/** Microsoft's SCIM validator: an empty `Operations` array (the RFC wants one or more), expecting no change. */
export function emptyOperationsChangeNothing(operations: readonly unknown[]): boolean {
  return operations.length === 0;
}

/**
 * Entra: a path-less add/replace whose value keys are paths (`name.givenName`,
 * `urn:…:enterprise:2.0:User:department`), not attribute names. Returns [path, value] pairs.
 */
export function pathlessValueKeysArePaths(value: Json): [string, unknown][] {
  return Object.entries(value);
}

/**
 * Entra's legacy family: `path: "manager"` without the enterprise URN. RFC 7644 §3.10 lets a server
 * resolve an unqualified name against extensions when the core schema lacks it.
 */
export function unqualifiedExtensionPath(kind: ResourceKind, name: string): ResolvedAttribute | undefined {
  for (const ext of resourceTypes[kind].extensions) {
    const resolved = resolveAttribute(kind, `${ext.id}:${name}`);
    if (resolved.def) return resolved;
  }
  return undefined;
}

/**
 * Entra: a replace of `emails[type eq "work"].value` on a user with no work email expects the
 * element to appear (the RFC answers noTarget). Returns the element the filter describes (`eq`
 * comparisons joined by `and`), or undefined when it describes none.
 */
export function elementForUnmatchedFilter(filter: Filter, def: AttributeDef | undefined): Json | undefined {
  if (filter.kind === 'and') {
    const left = elementForUnmatchedFilter(filter.left, def);
    const right = elementForUnmatchedFilter(filter.right, def);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.sub !== undefined || filter.value === null) return undefined;
  const attr = filter.path.attr;
  const sub = def?.subAttributes?.find((d) => d.name.toLowerCase() === attr.toLowerCase());
  return { [sub?.name ?? attr]: filter.value };
}

/**
 * Entra: a remove names the elements to drop in its value, by `value` (`[{"$ref":null,"value":"id"}]`),
 * instead of a filtered path. Is `el` the element `named` names?
 */
export function removeValueNamesElement(el: unknown, named: unknown): boolean {
  if (isPlainObject(named)) {
    const key = findKey(named, 'value');
    if (!Object.hasOwn(named, key)) return deepEqual(el, named);
    return isPlainObject(el) ? el[findKey(el, 'value')] === named[key] : el === named[key];
  }
  return el === named || (isPlainObject(el) && el[findKey(el, 'value')] === named);
}

/**
 * Entra: retried and replayed removals (a member already gone, a manager already cleared) succeed
 * instead of answering noTarget, which would quarantine the whole provisioning job. The engine
 * returns through here wherever a remove finds nothing to remove.
 */
export function removeOfNothingSucceeds(): void {}

/** Okta: a group rename PATCH replaces `id` with the resource's own id; that is no change, not a mutability error. */
export function echoesOwnId(name: string | undefined, op: string, value: unknown, ownId: string | undefined): boolean {
  return name === 'id' && op !== 'remove' && ownId !== undefined && value === ownId;
}
