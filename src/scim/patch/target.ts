/**
 * Where a PATCH path points in the stored attributes. Paths arrive in any case and in any of the
 * spellings Entra uses (`name.FamilyName`, `urn:…:enterprise:2.0:User:manager`, the extension URN on
 * its own, `emails[type eq "work"].value`); a Target is the canonical answer.
 */
import { ScimError, badRequest } from '../errors.js';
import type { Filter, PatchPath } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parser.js';
import { unqualifiedExtensionPath } from '../quirks/patch.js';
import {
  resolveAttribute,
  resourceTypes,
  splitUrn,
  type AttributeDef,
  type ResolvedAttribute,
  type ResourceKind,
} from '../schemas.js';

export interface Target {
  /** The path as written, for error messages. */
  readonly text: string;
  /** URN key of the extension object holding the attribute; undefined for core attributes. */
  readonly container: string | undefined;
  /** Canonical attribute name (as written if not modelled); undefined when the path is a schema URN itself. */
  readonly name: string | undefined;
  readonly def: AttributeDef | undefined;
  /** Canonical sub-attribute, from `a.b` or `a[filter].b`. */
  readonly sub: string | undefined;
  readonly subDef: AttributeDef | undefined;
  readonly filter: Filter | undefined;
}

function parse(text: string): PatchPath {
  try {
    return parsePatchPath(text);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    const scimType = error.scimType === 'invalidFilter' ? 'invalidFilter' : 'invalidPath';
    throw badRequest(scimType, `path ${JSON.stringify(text)} is not a valid path: ${error.detail}`);
  }
}

/** A URI ending in a version segment (`…:2.0`) is followed by a resource type name, not an attribute. */
const VERSIONED_URN = /:\d+(\.\d+)+$/;

/** A core attribute, else (quirk) an extension attribute named without its URN. */
function resolveUnqualified(kind: ResourceKind, name: string, uri: string | undefined): ResolvedAttribute {
  const core = resolveAttribute(kind, name);
  if (core.def || uri) return core;
  return unqualifiedExtensionPath(kind, name) ?? core;
}

export function resolveTarget(kind: ResourceKind, text: string): Target {
  const whole = splitUrn(kind, text);
  if (whole.schema && whole.rest === '') {
    return { text, container: whole.schema, name: undefined, def: undefined, sub: undefined, subDef: undefined, filter: undefined };
  }
  const parsed = parse(text);
  const { uri, attr, sub } = parsed.path;
  if (sub !== undefined && (parsed.filter || parsed.subAttr !== undefined)) {
    throw badRequest('invalidPath', `path ${JSON.stringify(text)} is not a valid path: a filter must follow the attribute, not its sub-attribute`);
  }
  const subName = sub ?? parsed.subAttr;
  // The parser may or may not have split the URN off; rejoining it lets splitUrn decide once.
  const qualified = uri ? `${uri}:${attr}` : attr;
  if (uri && !splitUrn(kind, qualified).schema && sub === undefined && !parsed.filter && VERSIONED_URN.test(uri)) {
    // `urn:…:CustomExt:2.0:User` on its own: a whole unmodelled extension object, as in Entra's POST bodies.
    return { text, container: qualified, name: undefined, def: undefined, sub: undefined, subDef: undefined, filter: undefined };
  }
  if (uri && !splitUrn(kind, qualified).schema) {
    // An extension scimctl does not model (an Entra custom extension): nested under its URN, which is
    // how Entra sends such attributes in POST bodies.
    return { text, container: uri, name: attr, def: undefined, sub: subName, subDef: undefined, filter: parsed.filter };
  }
  const resolved = resolveUnqualified(kind, qualified, uri);
  const def = resolved.def;
  const subDef =
    subName === undefined ? undefined : def?.subAttributes?.find((d) => d.name.toLowerCase() === subName.toLowerCase());
  if (parsed.filter && def && !def.multiValued) {
    throw badRequest('invalidPath', `path ${JSON.stringify(text)} filters "${def.name}", which is single-valued`);
  }
  return {
    text,
    container: resolved.extension ? resolved.schema : undefined,
    name: resolved.name,
    def,
    sub: subDef?.name ?? subName,
    subDef,
    filter: parsed.filter,
  };
}

/** The path names the resource's own core schema URN (`{"urn:…:core:2.0:User": {...}}` in a value). */
export const isCoreContainer = (kind: ResourceKind, t: Target) =>
  t.name === undefined && t.container === resourceTypes[kind].core.id;
