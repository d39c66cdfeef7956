/**
 * Where a filter's attribute path lives in SQLite, for the filter compiler (filter-sql.ts):
 * an indexed column of the row `r`, a value inside the `r.attributes` JSON, or a multi-valued
 * attribute that has to be searched element by element (a JSON array or the membership table).
 */
import { badRequest } from '../scim/errors.js';
import type { AttrPath } from '../scim/filter/ast.js';
import { resolveAttribute, splitUrn, type AttributeDef, type AttributeType, type ResourceKind } from '../scim/schemas.js';

export type SqlParam = string | number | null;

export interface Sql {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** One scalar SQL expression standing for an attribute's value. */
export interface Operand {
  readonly kind: 'operand';
  readonly name: string;
  readonly expr: Sql;
  /** undefined for attributes scimctl does not model. */
  readonly type: AttributeType | undefined;
  readonly caseExact: boolean;
  /** Present and non-empty: not null, "", [] or {}. */
  readonly present: Sql;
  /** For complex attributes with a `value` sub-attribute (`manager eq "id"` means `manager.value`). */
  readonly value?: Operand | undefined;
  /** meta.version is stored as an integer but rendered `W/"n"`. */
  readonly version?: boolean;
}

/** A multi-valued attribute: a row source correlated with `r`, searched with EXISTS. */
export interface Collection {
  readonly kind: 'collection';
  readonly name: string;
  /** `json_each(…) AS e` or `scim_group_members AS m`. */
  readonly from: string;
  /** Ties the source to the row `r` ('' when `from` already does). */
  readonly correlation: string;
  readonly present: Sql;
  /** The sub-attribute the path named (`emails.value`), if any. */
  readonly sub: string | undefined;
  /** An element's sub-attribute; undefined reads the element's `value` (RFC 7644: `emails eq` is `emails.value eq`). */
  element(sub: string | undefined): Operand;
  /** Puts the primary element first, then document order: what sorting by the attribute uses. */
  readonly elementOrder: string;
}

/** An attribute scimctl does not model: a JSON array is searched like a collection, anything else as a value. */
export interface Either {
  readonly kind: 'either';
  readonly jsonType: string;
  readonly collection: Collection;
  readonly scalar: Operand;
}

export type Target = Operand | Collection | Either;

export const sql = (text: string, params: readonly SqlParam[] = []): Sql => ({ sql: text, params });

const ROW = 'r.attributes';
// json_each yields non-object elements as plain SQL values, which json_extract would reject as
// malformed JSON; only objects are looked into.
const ELEMENT = "(CASE WHEN e.type = 'object' THEN e.value END)";
const ATTR_KEY = /^[A-Za-z0-9_$-]+$/;
const URI_KEY = /^[A-Za-z][A-Za-z0-9+.:/_-]*$/;

export const invalidFilter = (detail: string) => badRequest('invalidFilter', `Invalid filter: ${detail}`);

/** A quoted JSON path literal. Keys are checked, so attribute names can never escape the literal. */
function jsonPath(uri: string | undefined, names: readonly string[]): string {
  if (uri !== undefined && !URI_KEY.test(uri)) throw invalidFilter(`invalid schema URI "${uri}"`);
  for (const name of names) if (!ATTR_KEY.test(name)) throw invalidFilter(`invalid attribute name "${name}"`);
  const keys = uri === undefined ? names : [uri, ...names];
  return `'$${keys.map((k) => `."${k}"`).join('')}'`;
}

function jsonPresent(doc: string, path: string): string {
  const at = `${doc}, ${path}`;
  return (
    `(CASE json_type(${at}) WHEN 'text' THEN json_extract(${at}) <> '' WHEN 'array' THEN json_array_length(${at}) > 0 ` +
    `WHEN 'object' THEN json_extract(${at}) <> '{}' WHEN 'null' THEN 0 ELSE json_type(${at}) IS NOT NULL END)`
  );
}

const findSub = (def: AttributeDef | undefined, name: string) =>
  def?.subAttributes?.find((d) => d.name.toLowerCase() === name.toLowerCase());

function jsonOperand(doc: string, uri: string | undefined, names: readonly string[], def: AttributeDef | undefined): Operand {
  const path = jsonPath(uri, names);
  const valueDef = def?.type === 'complex' ? findSub(def, 'value') : undefined;
  return {
    kind: 'operand',
    name: names.join('.'),
    expr: sql(`json_extract(${doc}, ${path})`),
    type: def?.type,
    caseExact: def?.caseExact ?? false,
    present: sql(jsonPresent(doc, path)),
    value: valueDef ? jsonOperand(doc, uri, [...names, valueDef.name], valueDef) : undefined,
  };
}

function column(expr: string, name: string, type: AttributeType, caseExact: boolean, nullable: boolean): Operand {
  const present = nullable ? `(${expr} IS NOT NULL AND ${expr} <> '')` : '1';
  return { kind: 'operand', name, expr: sql(expr), type, caseExact, present: sql(present) };
}

function jsonCollection(uri: string | undefined, name: string, def: AttributeDef | undefined, sub: string | undefined): Collection {
  const path = jsonPath(uri, [name]);
  return {
    kind: 'collection',
    name,
    from: `json_each(${ROW}, ${path}) AS e`,
    correlation: '',
    present: sql(jsonPresent(ROW, path)),
    sub,
    element(elementSub) {
      if (elementSub !== undefined && elementSub.toLowerCase() !== 'value') {
        const subDef = findSub(def, elementSub);
        return { ...jsonOperand(ELEMENT, undefined, [subDef?.name ?? elementSub], subDef), name: `${name}.${elementSub}` };
      }
      // Scalar elements (`roles: ["admin"]`) stand for their own value, as in the PATCH evaluator.
      const valueDef = findSub(def, 'value');
      const valuePath = `'$."value"'`;
      return {
        kind: 'operand',
        name: `${name}.value`,
        expr: sql(`(CASE WHEN e.type = 'object' THEN json_extract(e.value, ${valuePath}) ELSE e.value END)`),
        type: valueDef?.type,
        caseExact: valueDef?.caseExact ?? false,
        present: sql(`(CASE e.type WHEN 'object' THEN ${jsonPresent('e.value', valuePath)} WHEN 'text' THEN e.value <> '' WHEN 'null' THEN 0 ELSE 1 END)`),
      };
    },
    elementOrder: `(CASE WHEN e.type = 'object' THEN json_extract(e.value, '$."primary"') END) IS 1 DESC, e.key`,
  };
}

/** Group `members` and User `groups` live in scim_group_members, one row per membership. */
function membership(kind: ResourceKind, def: AttributeDef, sub: string | undefined): Collection {
  const group = kind === 'Group';
  const [self, other] = group ? ['m.group_id', 'm.member_id'] : ['m.member_id', 'm.group_id'];
  const display = group
    ? 'COALESCE((SELECT u.display_name FROM scim_users AS u WHERE u.id = m.member_id), (SELECT g.display_name FROM scim_groups AS g WHERE g.id = m.member_id))'
    : '(SELECT g.display_name FROM scim_groups AS g WHERE g.id = m.group_id)';
  return {
    kind: 'collection',
    name: def.name,
    from: 'scim_group_members AS m',
    correlation: `${self} = r.id`,
    present: sql(`EXISTS (SELECT 1 FROM scim_group_members AS m WHERE ${self} = r.id)`),
    sub,
    element(elementSub) {
      const subDef = findSub(def, elementSub ?? 'value');
      const name = `${def.name}.${subDef?.name ?? elementSub}`;
      const caseExact = subDef?.caseExact ?? false;
      switch (subDef?.name) {
        case 'value':
          return column(other, name, 'string', caseExact, false);
        case 'type':
          // Only direct memberships are stored, so a user's groups are all "direct" (RFC 7643 §4.1.2).
          return column(group ? 'm.member_type' : `'direct'`, name, 'string', caseExact, false);
        case 'display':
          return column(display, name, 'string', caseExact, true);
        case '$ref':
          throw invalidFilter(`${name} is derived from the base URL and cannot be filtered; filter on ${def.name}.value`);
        default:
          throw invalidFilter(`${def.name} has no sub-attribute "${elementSub}"`);
      }
    },
    elementOrder: other,
  };
}

function meta(kind: ResourceKind, sub: string | undefined): Operand {
  switch (sub) {
    case undefined:
      return { kind: 'operand', name: 'meta', expr: sql('NULL'), type: 'complex', caseExact: false, present: sql('1') };
    case 'created':
      return column('r.created_at', 'meta.created', 'dateTime', true, false);
    case 'lastModified':
      return column('r.updated_at', 'meta.lastModified', 'dateTime', true, false);
    case 'version':
      return { ...column('r.version', 'meta.version', 'integer', true, false), version: true };
    case 'resourceType':
      // A parameter, not a literal, so Users and Groups filters share their SQL shape.
      return { kind: 'operand', name: 'meta.resourceType', expr: sql('?', [kind]), type: 'string', caseExact: true, present: sql('1') };
    case 'location':
      throw invalidFilter('meta.location is derived from the base URL and cannot be filtered; filter on id');
    default:
      throw invalidFilter(`meta has no sub-attribute "${sub}"`);
  }
}

/** Resolve a path relative to the resource row `r`. */
export function resolveTarget(kind: ResourceKind, path: AttrPath): Target {
  const rest = `${path.attr}${path.sub === undefined ? '' : `.${path.sub}`}`;
  if (path.uri !== undefined && splitUrn(kind, `${path.uri}:${path.attr}`).schema === undefined) {
    return unknown(path.uri, path.attr, path.sub); // an extension scimctl does not model, stored as sent
  }
  let r = resolveAttribute(kind, path.uri === undefined ? rest : `${path.uri}:${rest}`);
  // A core-qualified path (`urn:…:core:2.0:User:userName`) also reaches id, externalId and meta.
  if (path.uri !== undefined && !r.extension) r = resolveAttribute(kind, rest);
  const { def } = r;
  if (!def) return unknown(r.extension ? r.schema : undefined, r.name, r.subName);
  if (path.sub !== undefined && def.type !== 'complex') throw invalidFilter(`${def.name} has no sub-attributes`);
  if (!r.extension) {
    const columnTarget = indexedColumn(kind, def, r.subName);
    if (columnTarget) return columnTarget;
  }
  const uri = r.extension ? r.schema : undefined;
  if (def.multiValued) return jsonCollection(uri, def.name, def, r.subName);
  if (r.subName !== undefined) return jsonOperand(ROW, uri, [def.name, r.subName], r.subDef);
  return jsonOperand(ROW, uri, [def.name], def);
}

function indexedColumn(kind: ResourceKind, def: AttributeDef, sub: string | undefined): Target | undefined {
  const user = kind === 'User';
  switch (def.name) {
    case 'id':
      return column('r.id', 'id', 'string', true, false);
    case 'externalId':
      return column('r.external_id', 'externalId', 'string', def.caseExact, true);
    case 'displayName':
      return column('r.display_name', 'displayName', 'string', def.caseExact, user);
    case 'userName':
      // Always case-insensitive: that is what the (directory_id, user_name COLLATE NOCASE) index serves.
      return user ? column('r.user_name', 'userName', 'string', false, false) : undefined;
    case 'active':
      return user ? column('r.active', 'active', 'boolean', false, false) : undefined;
    case 'meta':
      return meta(kind, sub);
    case 'members':
      return user ? undefined : membership(kind, def, sub);
    case 'groups':
      return user ? membership(kind, def, sub) : undefined;
    default:
      return undefined;
  }
}

function unknown(uri: string | undefined, name: string, sub: string | undefined): Either {
  return {
    kind: 'either',
    jsonType: `json_type(${ROW}, ${jsonPath(uri, [name])})`,
    collection: jsonCollection(uri, name, undefined, sub),
    scalar: jsonOperand(ROW, uri, sub === undefined ? [name] : [name, sub], undefined),
  };
}
