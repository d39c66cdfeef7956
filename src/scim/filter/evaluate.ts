/**
 * In-memory filter evaluation for PATCH value paths (`emails[type eq "work"]`, `members[value eq "…"]`):
 * decides whether one element of a multi-valued attribute is selected. Same semantics as the SQL
 * compiler (src/store/filter-sql.ts), which handles GET filters:
 * - `ne` is the exact complement of `eq`, so an element without the attribute matches `ne`;
 * - `not` is two-valued: anything that does not match, missing attributes included, matches `not`;
 * - `eq null` means "not present", `ne null` means "present";
 * - `pr` means present and non-empty (not null, "", [] or {}).
 */
import { badRequest } from '../errors.js';
import { resolveAttribute, type AttributeDef, type ResourceKind } from '../schemas.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from './ast.js';
import { invalidValueFor, toBoolean, toIsoDateTime, toNumber } from './values.js';

/**
 * True if `element` (one element of the multi-valued attribute `parent`, e.g. an `emails` entry)
 * matches `filter`, whose attribute paths are relative to the element.
 */
export function matchesFilter(filter: Filter, element: unknown, kind: ResourceKind, parent?: string): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(filter.left, element, kind, parent) && matchesFilter(filter.right, element, kind, parent);
    case 'or':
      return matchesFilter(filter.left, element, kind, parent) || matchesFilter(filter.right, element, kind, parent);
    case 'not':
      return !matchesFilter(filter.filter, element, kind, parent);
    case 'present':
      return valuesAt(element, filter.path).some(isPresent);
    case 'compare':
      return compare(filter.op, filter.path, filter.value, element, kind, parent);
    case 'valuePath':
      throw badRequest('invalidFilter', `Invalid filter: value filters cannot be nested (${pathText(filter.path)}[...])`);
  }
}

function compare(op: CompareOp, path: AttrPath, expected: FilterValue, element: unknown, kind: ResourceKind, parent?: string): boolean {
  const values = valuesAt(element, path);
  if (expected === null) {
    if (op === 'eq') return !values.some(isPresent);
    if (op === 'ne') return values.some(isPresent);
    throw badRequest('invalidFilter', `Invalid filter: "${op}" cannot compare with null`);
  }
  if (op === 'ne') return !compare('eq', path, expected, element, kind, parent);
  const def = definition(kind, path, parent);
  const name = pathText(path);
  const test = comparator(op, expected, def, name);
  return values.some(test);
}

/** Builds the test for one actual value, validating the operator/value pair once up front. */
function comparator(op: CompareOp, expected: Exclude<FilterValue, null>, def: AttributeDef | undefined, name: string): (actual: unknown) => boolean {
  const type = def?.type;
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  if (type === 'complex') throw badRequest('invalidFilter', `Invalid filter: ${name} is complex; filter on one of its sub-attributes`);
  if (type === 'boolean' || (type === undefined && typeof expected === 'boolean')) {
    if (op !== 'eq') throw badRequest('invalidFilter', `Invalid filter: "${op}" is not defined for boolean attribute ${name}`);
    const want = toBoolean(expected);
    if (want === undefined) throw invalidValueFor(name, 'true or false', expected);
    return (actual) => toBoolean(actual) === want;
  }
  if (type === 'binary' && ordering) throw badRequest('invalidFilter', `Invalid filter: "${op}" is not defined for binary attribute ${name}`);
  if (type === 'dateTime' && (op === 'eq' || ordering)) {
    const want = toIsoDateTime(expected);
    if (want === undefined) throw invalidValueFor(name, 'a date-time', expected);
    return (actual) => {
      const got = toIsoDateTime(actual);
      return got !== undefined && order(op, got, want);
    };
  }
  if (type === 'integer' || type === 'decimal' || (type === undefined && typeof expected === 'number' && (op === 'eq' || ordering))) {
    const want = toNumber(expected);
    if (want === undefined) throw invalidValueFor(name, 'a number', expected);
    if (op === 'co' || op === 'sw' || op === 'ew') throw badRequest('invalidFilter', `Invalid filter: "${op}" is not defined for number attribute ${name}`);
    // Like SQLite, an unmodelled attribute only equals a number if it holds a number.
    const read = type === undefined ? (v: unknown) => (typeof v === 'number' ? v : undefined) : toNumber;
    return (actual) => {
      const got = read(actual);
      return got !== undefined && order(op, got, want);
    };
  }
  // Strings, references and attributes scimctl does not model (compared case-insensitively).
  const fold = def?.caseExact ? (s: string) => s : (s: string) => s.toLowerCase();
  const want = fold(String(expected));
  return (actual) => {
    if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
    const got = fold(String(actual));
    if (op === 'co') return got.includes(want);
    if (op === 'sw') return got.startsWith(want);
    if (op === 'ew') return got.endsWith(want);
    return order(op, got, want);
  };
}

function order<T extends string | number>(op: CompareOp, got: T, want: T): boolean {
  switch (op) {
    case 'gt':
      return got > want;
    case 'ge':
      return got >= want;
    case 'lt':
      return got < want;
    case 'le':
      return got <= want;
    default:
      return got === want;
  }
}

function definition(kind: ResourceKind, path: AttrPath, parent: string | undefined): AttributeDef | undefined {
  if (path.sub !== undefined) return undefined;
  if (parent === undefined) return resolveAttribute(kind, path.attr).def;
  return resolveAttribute(kind, `${parent}.${path.attr}`).subDef;
}

/** The values at `path` inside the element; arrays are flattened so any element can match. */
function valuesAt(element: unknown, path: AttrPath): unknown[] {
  if (path.uri !== undefined) {
    throw badRequest('invalidFilter', `Invalid filter: ${pathText(path)} inside "[...]" must be relative to the element, without a schema URI`);
  }
  // A scalar element (e.g. `roles: ["admin"]`) is its own `value`.
  if (!isObject(element)) return path.attr.toLowerCase() === 'value' && path.sub === undefined ? flat(element) : [];
  const top = flat(getCaseInsensitive(element, path.attr));
  if (path.sub === undefined) return top;
  const sub = path.sub;
  return top.flatMap((v) => (isObject(v) ? flat(getCaseInsensitive(v, sub)) : []));
}

function getCaseInsensitive(object: Record<string, unknown>, key: string): unknown {
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(object)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const flat = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

const pathText = (path: AttrPath) => `${path.uri ? `${path.uri}:` : ''}${path.attr}${path.sub ? `.${path.sub}` : ''}`;
