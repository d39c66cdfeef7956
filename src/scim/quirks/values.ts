/**
 * Client quirks in attribute values: shapes Entra ID and Okta send that RFC 7643 types do not
 * allow, and the value scimctl stores instead. POST/PUT bodies and PATCH values both pass through
 * these (via normalize.ts), so both store the same shape.
 */
import { badRequest } from '../errors.js';
import { describeValue, findKey, isPlainObject, type Json } from '../json.js';
import { ENTRA_GROUP_SCHEMA, type AttributeDef } from '../schemas.js';

/**
 * Entra: booleans as strings, `"active": "True"`, in bodies, PATCH values and filter literals.
 * undefined when `value` is no such string.
 */
export function stringBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/**
 * Entra's legacy PATCH family: a single value wrapped as `[{"$ref":null,"value":x}]` (a plain `[x]`
 * is treated alike). Returns x; undefined for an empty wrapper or null ("unassigned").
 */
export function wrappedSingleValue(def: AttributeDef, value: unknown, label: string): unknown {
  let v = value;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    if (v.length > 1) throw badRequest('invalidValue', `"${label}" must be a single value, got ${describeValue(value)}`);
    v = v[0];
  }
  if (def.type !== 'complex' && isPlainObject(v)) {
    const key = findKey(v, 'value');
    if (Object.hasOwn(v, key)) v = v[key];
  }
  return v === null ? undefined : v;
}

/**
 * Entra: a bare id for a reference-like complex attribute, `"manager": "<id>"`, meaning `{"value": id}`.
 * undefined when `def` has no `value` sub-attribute or `value` is not an id.
 */
export function bareReferenceId(def: AttributeDef, value: unknown): Json | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (!def.subAttributes?.some((d) => d.name === 'value')) return undefined;
  return { value: String(value) };
}

/** Okta and Entra: one object where a multi-valued attribute wants an array (`"emails": {…}`). */
export function loneValueAsList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Okta's password sync: writeOnly attributes (password) are accepted and discarded. scimctl
 * authenticates nobody, so a password would only be a plain-text secret in its database.
 */
export function discardsWriteOnly(def: AttributeDef | undefined): boolean {
  return def?.mutability === 'writeOnly';
}

/** Entra: its ADSCIM Group schema URN in `schemas`, in any case; kept in Entra's own spelling. */
export function entraGroupSchemaUrn(urn: string): string | undefined {
  return urn.toLowerCase() === ENTRA_GROUP_SCHEMA.toLowerCase() ? ENTRA_GROUP_SCHEMA : undefined;
}
