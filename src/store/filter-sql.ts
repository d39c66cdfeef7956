/**
 * Compiles a SCIM filter AST to a parameterised SQLite WHERE fragment over the row alias `r`
 * (scim_users or scim_groups). Values only ever travel as `?` parameters, so the SQL text depends on
 * the filter's shape alone and the server can cache prepared statements by it.
 *
 * Semantics (shared with the PATCH evaluator, src/scim/filter/evaluate.ts):
 * - filters use two-valued logic: a comparison on a missing attribute is false, and SQL's NULL is
 *   folded to false before `not` (`NOT COALESCE(x, 0)`), so `not (title eq "x")` matches users
 *   without a title;
 * - `ne` is the exact complement of `eq` — it matches resources that lack the attribute, and for a
 *   multi-valued attribute it means "no element equals" (`members.value ne "id"`: groups without it);
 * - `eq null` means "not present", `ne null` "present";
 * - `pr` means present and non-empty (not null, "", [] or {}).
 */
import { ScimError, badRequest } from '../scim/errors.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../scim/filter/ast.js';
import { parseAttrPath } from '../scim/filter/parser.js';
import { invalidValueFor, toBoolean, toIsoDateTime, toNumber, toVersionNumber } from '../scim/filter/values.js';
import type { ResourceKind } from '../scim/schemas.js';
import { invalidFilter, resolveTarget, sql, type Collection, type Either, type Operand, type Sql, type SqlParam, type Target } from './filter-targets.js';

export type { SqlParam } from './filter-targets.js';

type Scope = (path: AttrPath) => Target;

const SQL_OPS: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** A WHERE fragment over `r` and its parameters, in order. */
export function compileFilter(filter: Filter, kind: ResourceKind): { sql: string; params: SqlParam[] } {
  const compiled = node(filter, (path) => resolveTarget(kind, path));
  return { sql: compiled.sql, params: [...compiled.params] };
}

/**
 * An ORDER BY expression for `sortBy` (the caller appends the direction). Multi-valued attributes
 * sort by their primary element, else the first. Throws `invalidValue` for an unusable path.
 */
export function compileSort(sortBy: string, kind: ResourceKind): string {
  const path = parseAttrPath(sortBy.trim(), 'invalidValue');
  if (path.attr.toLowerCase() === 'meta' && path.sub?.toLowerCase() === 'resourcetype') return `'${kind}'`;
  try {
    return sortExpression(resolveTarget(kind, path));
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') {
      throw badRequest('invalidValue', `Invalid sortBy "${sortBy}": ${error.detail.replace(/^Invalid filter: /, '')}`);
    }
    throw error;
  }
}

/** Concatenates SQL text and fragments, keeping parameters in textual order. */
function join(...parts: (string | Sql)[]): Sql {
  let text = '';
  const params: SqlParam[] = [];
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      text += part.sql;
      params.push(...part.params);
    }
  }
  return sql(text, params);
}

const param = (value: SqlParam): Sql => sql('?', [value]);
const negate = (inner: Sql) => join('NOT COALESCE(', inner, ', 0)');

function node(filter: Filter, scope: Scope): Sql {
  switch (filter.kind) {
    case 'and':
      return join('(', node(filter.left, scope), ' AND ', node(filter.right, scope), ')');
    case 'or':
      return join('(', node(filter.left, scope), ' OR ', node(filter.right, scope), ')');
    case 'not':
      return negate(node(filter.filter, scope));
    case 'present':
      return present(scope(filter.path));
    case 'compare':
      return compare(filter.op, filter.value, scope(filter.path));
    case 'valuePath':
      return valuePath(filter.path, filter.filter, scope);
  }
}

function present(target: Target): Sql {
  switch (target.kind) {
    case 'operand':
      return target.present;
    case 'collection':
      return target.sub === undefined ? target.present : exists(target, target.element(target.sub).present);
    case 'either':
      return whenArray(target, present(target.collection), present(target.scalar));
  }
}

function compare(op: CompareOp, value: FilterValue, target: Target): Sql {
  if (op === 'ne') return negate(compare('eq', value, target));
  if (value === null) {
    if (op === 'eq') return negate(present(target));
    throw invalidFilter(`"${op}" cannot compare with null`);
  }
  switch (target.kind) {
    case 'operand':
      return predicate(target, op, value);
    case 'collection':
      return exists(target, predicate(target.element(target.sub), op, value));
    case 'either':
      return whenArray(target, compare(op, value, target.collection), compare(op, value, target.scalar));
  }
}

function valuePath(path: AttrPath, filter: Filter, scope: Scope): Sql {
  const target = scope(path);
  // A complex single-valued attribute (`name[familyName eq "x"]`) reads as `name.familyName eq "x"`.
  const within: Scope = (inner) => scope({ ...relative(inner), attr: path.attr, uri: path.uri, sub: inner.attr });
  switch (target.kind) {
    case 'collection':
      return exists(target, node(filter, elementScope(target)));
    case 'either':
      return whenArray(target, exists(target.collection, node(filter, elementScope(target.collection))), node(filter, within));
    case 'operand':
      if (target.type !== 'complex') throw invalidFilter(`"[...]" needs a multi-valued or complex attribute; ${target.name} is neither`);
      return node(filter, within);
  }
}

function elementScope(collection: Collection): Scope {
  return (inner) => collection.element(relative(inner).attr);
}

function relative(path: AttrPath): AttrPath {
  if (path.uri !== undefined || path.sub !== undefined) {
    throw invalidFilter(`"${path.uri ? `${path.uri}:` : ''}${path.attr}${path.sub ? `.${path.sub}` : ''}" inside "[...]" must be a plain sub-attribute name`);
  }
  return path;
}

function exists(collection: Collection, where: Sql): Sql {
  const correlation = collection.correlation ? `${collection.correlation} AND ` : '';
  return join(`EXISTS (SELECT 1 FROM ${collection.from} WHERE ${correlation}`, where, ')');
}

function whenArray(target: Either, array: Sql, otherwise: Sql): Sql {
  return join(`(CASE ${target.jsonType} WHEN 'array' THEN `, array, ' ELSE ', otherwise, ' END)');
}

/** One comparison on one scalar, checking the operator and value against the attribute's type. */
function predicate(operand: Operand, op: Exclude<CompareOp, 'ne'>, value: Exclude<FilterValue, null>): Sql {
  const { expr, name, type } = operand;
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  const ordering = !substring && op !== 'eq';
  if (type === 'complex') {
    if (operand.value) return predicate(operand.value, op, value);
    throw invalidFilter(`${name} is complex; filter on one of its sub-attributes`);
  }
  if (operand.version) {
    const version = toVersionNumber(value);
    if (substring) throw invalidFilter(`"${op}" is not defined for meta.version`);
    if (version === undefined) throw invalidValueFor(name, 'a version such as W/"3"', value);
    return join(expr, ` ${SQL_OPS[op]} `, param(version));
  }
  if (type === 'boolean' || (type === undefined && typeof value === 'boolean')) {
    if (op !== 'eq') throw invalidFilter(`"${op}" is not defined for boolean attribute ${name}`);
    const bool = toBoolean(value);
    if (bool === undefined) throw invalidValueFor(name, 'true or false', value);
    return join(expr, ' = ', param(bool ? 1 : 0));
  }
  if (type === 'binary' && ordering) throw invalidFilter(`"${op}" is not defined for binary attribute ${name}`);
  if (type === 'dateTime' && !substring) {
    const iso = toIsoDateTime(value);
    if (iso === undefined) throw invalidValueFor(name, 'a date-time such as "2024-01-31T12:00:00Z"', value);
    return join(expr, ` ${SQL_OPS[op]} `, param(iso));
  }
  if (type === 'integer' || type === 'decimal' || (type === undefined && typeof value === 'number' && !substring)) {
    if (substring) throw invalidFilter(`"${op}" is not defined for number attribute ${name}`);
    const number = toNumber(value);
    if (number === undefined) throw invalidValueFor(name, 'a number', value);
    return join(expr, ` ${SQL_OPS[op]} `, param(number));
  }
  const text = String(value);
  const caseExact = operand.caseExact || type === 'dateTime';
  if (!substring) return join(expr, ` ${SQL_OPS[op]} `, param(text), caseExact ? '' : ' COLLATE NOCASE');
  if (caseExact) return exactSubstring(expr, op, text);
  const escaped = text.replace(/[\\%_]/g, '\\$&');
  const pattern = op === 'sw' ? `${escaped}%` : op === 'ew' ? `%${escaped}` : `%${escaped}%`;
  return join(expr, ' LIKE ', param(pattern), ` ESCAPE '\\'`);
}

function exactSubstring(expr: Sql, op: 'co' | 'sw' | 'ew', text: string): Sql {
  if (op === 'co') return join('instr(', expr, ', ', param(text), ') > 0');
  if (op === 'sw') return join('instr(', expr, ', ', param(text), ') = 1');
  return join('(length(', expr, ') >= length(', param(text), ') AND substr(', expr, ', length(', expr, ') - length(', param(text), ') + 1) = ', param(text), ')');
}

function sortExpression(target: Target): string {
  switch (target.kind) {
    case 'operand': {
      const operand = target.type === 'complex' ? target.value : target;
      if (!operand) throw invalidFilter(`${target.name} is complex; sort by one of its sub-attributes`);
      return `${operand.expr.sql}${collation(operand)}`;
    }
    case 'collection':
      return `${firstElement(target)}${collation(target.element(target.sub))}`;
    case 'either':
      return `(CASE ${target.jsonType} WHEN 'array' THEN ${firstElement(target.collection)} ELSE ${target.scalar.expr.sql} END) COLLATE NOCASE`;
  }
}

function firstElement(collection: Collection): string {
  const element = collection.element(collection.sub);
  const where = collection.correlation ? ` WHERE ${collection.correlation}` : '';
  return `(SELECT ${element.expr.sql} FROM ${collection.from}${where} ORDER BY ${collection.elementOrder} LIMIT 1)`;
}

function collation(operand: Operand): string {
  const text = operand.type === undefined || operand.type === 'string' || operand.type === 'reference';
  return text && !operand.caseExact ? ' COLLATE NOCASE' : '';
}
