/**
 * add / replace / remove against one resolved Target, RFC 7644 §3.5.2.1-3, mutating a working copy.
 * Values are coerced with the same rules as POST bodies (normalize.ts), so a PATCH can never store
 * something a POST would not.
 */
import { badRequest } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { matchesFilter } from '../filter/evaluate.js';
import { coerceAttribute, describeValue, findKey, isPlainObject, type Json } from '../normalize.js';
import { elementForUnmatchedFilter, removeOfNothingSucceeds, removeValueNamesElement } from '../quirks/patch.js';
import type { AttributeDef, ResourceKind } from '../schemas.js';
import { deepEqual } from './equal.js';
import type { Target } from './target.js';

export type SetMode = 'add' | 'replace';

const labelOf = (t: Target) => (t.sub === undefined ? `${t.name}` : `${t.name}.${t.sub}`);

/** The object an attribute lives in: the resource, or its extension object (created on demand). */
function holder(res: Json, t: Target, create: boolean): Json | undefined {
  if (t.container === undefined) return res;
  const key = findKey(res, t.container);
  const existing = res[key];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const made: Json = {};
  res[key] = made;
  return made;
}

/** Set `name` on `obj`, dropping any other spelling of it; undefined unassigns. */
function put(obj: Json, name: string, value: unknown): void {
  const existing = findKey(obj, name);
  if (existing !== name) delete obj[existing];
  if (value === undefined) delete obj[name];
  else obj[name] = value;
}

function putArray(obj: Json, name: string, items: unknown[]): void {
  // RFC 7644 §3.5.2.2: a multi-valued attribute with no values left is unassigned.
  put(obj, name, items.length === 0 ? undefined : items);
}

const hasPrimary = (def: AttributeDef | undefined) => def?.subAttributes?.some((s) => s.name === 'primary') ?? false;

/** RFC 7643 §2.4: at most one `primary: true`; the element this operation touched last wins. */
function enforcePrimary(def: AttributeDef | undefined, items: unknown[], touched: readonly unknown[]): void {
  if (!hasPrimary(def)) return;
  const winner = [...touched].reverse().find((el) => isPlainObject(el) && el.primary === true);
  if (!winner) return;
  for (const el of items) if (el !== winner && isPlainObject(el) && el.primary === true) el.primary = false;
}

/** Merge sub-attributes (RFC 7644 §3.5.2.1/.3 leave unnamed sub-attributes unchanged). */
function mergeComplex(def: AttributeDef | undefined, current: Json, incoming: Json): Json {
  // A new `value` points at another resource (a new manager): the old $ref/displayName would describe the wrong one.
  const isReference = def?.subAttributes?.some((s) => s.name === 'value') ?? false;
  if (isReference && Object.hasOwn(incoming, 'value') && incoming.value !== current.value) return incoming;
  const merged = { ...current };
  for (const [k, v] of Object.entries(incoming)) put(merged, k, v);
  return merged;
}

/** One element of a multi-valued attribute, for `attr[filter]` targets. */
function coerceElement(t: Target, value: unknown): Json {
  const items = Array.isArray(value) ? value : [value];
  const coerced = t.def ? coerceAttribute(t.def, items, `${t.name}`) : items;
  const list = Array.isArray(coerced) ? coerced : [];
  const [element] = list;
  if (list.length !== 1 || !isPlainObject(element)) {
    throw badRequest('invalidValue', `path ${JSON.stringify(t.text)} selects elements, so its value must be one object, got ${describeValue(value)}`);
  }
  return element;
}

function setFiltered(kind: ResourceKind, c: Json, key: string, t: Target, filter: Filter, value: unknown): void {
  const current = c[key];
  if (current !== undefined && !Array.isArray(current)) {
    throw badRequest('invalidPath', `path ${JSON.stringify(t.text)} filters "${key}", which holds a single value`);
  }
  const items: unknown[] = current ?? [];
  const parent = t.name ?? key;
  const matches = items.filter((el): el is Json => isPlainObject(el) && matchesFilter(filter, el, kind, parent));
  const subValue = t.sub === undefined ? undefined : coerceAttribute(t.subDef, value, labelOf(t));
  const element = t.sub === undefined ? coerceElement(t, value) : undefined;
  if (matches.length === 0) {
    if (t.sub !== undefined && subValue === undefined) return;
    const described = elementForUnmatchedFilter(filter, t.def);
    const created = described && coerceElement(t, described);
    if (!created) {
      throw badRequest('noTarget', `path ${JSON.stringify(t.text)} matches no element, and its filter does not describe a new one (use "eq" comparisons joined by "and")`);
    }
    items.push(created);
    matches.push(created);
  }
  for (const el of matches) {
    if (t.sub !== undefined) put(el, t.sub, subValue);
    else for (const [k, v] of Object.entries(element ?? {})) put(el, k, v);
  }
  putArray(c, key, items);
  enforcePrimary(t.def, items, matches);
}

/** `emails.value` without a filter: RFC 7644 leaves it open; every element is addressed, or a first one created. */
function setSubOfEach(c: Json, key: string, t: Target, sub: string, value: unknown): void {
  const current = c[key];
  const items: unknown[] = Array.isArray(current) ? current : [];
  if (items.length === 0 && value !== undefined) items.push({});
  for (const el of items) if (isPlainObject(el)) put(el, sub, value);
  putArray(c, key, items);
  enforcePrimary(t.def, items, items);
}

export function setAt(kind: ResourceKind, res: Json, t: Target, value: unknown, mode: SetMode): void {
  if (t.name === undefined) throw new Error('setAt: schema-URN targets are expanded by the engine');
  const c = holder(res, t, true)!;
  const key = t.def ? t.name : findKey(c, t.name);
  const current = c[key];
  const multi = t.def ? t.def.multiValued : Array.isArray(current);
  if (t.filter) return setFiltered(kind, c, key, t, t.filter, value);
  if (t.sub !== undefined) {
    const v = coerceAttribute(t.subDef, value, labelOf(t));
    if (multi) return setSubOfEach(c, key, t, t.sub, v);
    if (v === undefined && !isPlainObject(current)) return;
    const parent = isPlainObject(current) ? current : {};
    put(parent, t.sub, v);
    put(c, key, Object.keys(parent).length === 0 ? undefined : parent);
    return;
  }
  const v = coerceAttribute(t.def, value, t.name);
  if (v === undefined) return put(c, key, undefined);
  if (multi) {
    const incoming = Array.isArray(v) ? v : [v];
    if (mode === 'replace' || !Array.isArray(current)) {
      putArray(c, key, incoming);
      return enforcePrimary(t.def, incoming, incoming);
    }
    const added: unknown[] = [];
    for (const el of incoming) if (![...current, ...added].some((old) => deepEqual(old, el))) added.push(el);
    const items = [...current, ...added];
    putArray(c, key, items);
    return enforcePrimary(t.def, items, added);
  }
  const complex = t.def ? t.def.type === 'complex' : mode === 'add';
  if (complex && isPlainObject(v) && isPlainObject(current)) put(c, key, mergeComplex(t.def, current, v));
  else put(c, key, v);
}

/** Remove never fails for lack of a target (quirk removeOfNothingSucceeds). */
export function removeAt(kind: ResourceKind, res: Json, t: Target, value: unknown): void {
  if (t.name === undefined) {
    if (t.container !== undefined) delete res[findKey(res, t.container)];
    return;
  }
  const c = holder(res, t, false);
  if (!c) return removeOfNothingSucceeds();
  const key = t.def ? t.name : findKey(c, t.name);
  const current = c[key];
  if (current === undefined) return removeOfNothingSucceeds();
  if (t.filter) {
    if (!Array.isArray(current)) return removeOfNothingSucceeds();
    const filter = t.filter;
    const hit = (el: unknown) => isPlainObject(el) && matchesFilter(filter, el, kind, t.name ?? key);
    if (t.sub === undefined) return putArray(c, key, current.filter((el) => !hit(el)));
    for (const el of current) if (hit(el)) put(el as Json, t.sub, undefined);
    return;
  }
  if (t.sub !== undefined) {
    for (const el of Array.isArray(current) ? current : [current]) if (isPlainObject(el)) put(el, t.sub, undefined);
    if (isPlainObject(current) && Object.keys(current).length === 0) put(c, key, undefined);
    return;
  }
  if (value !== undefined && value !== null && Array.isArray(current)) {
    const named = Array.isArray(value) ? value : [value];
    return putArray(c, key, current.filter((el) => !named.some((n) => removeValueNamesElement(el, n))));
  }
  put(c, key, undefined);
}
