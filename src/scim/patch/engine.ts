/**
 * RFC 7644 §3.5.2 PATCH over stored attributes, accepting both of Entra's PATCH families and Okta's
 * (their deviations are named in quirks/patch.ts and quirks/values.ts). Pure: returns a new attributes object and, for Groups, the
 * membership changes for the store to apply.
 */
import { cloneJson } from '../clone.js';
import { ScimError, badRequest } from '../errors.js';
import {
  assertRequired,
  describeValue,
  finalizeAttributes,
  findKey,
  isPlainObject,
  readSchemas,
  type Json,
  type MemberRef,
} from '../normalize.js';
import { resourceTypes, type ResourceKind } from '../schemas.js';
import { echoesOwnId, emptyOperationsChangeNothing, opInAnyCase, pathlessValueKeysArePaths } from '../quirks/patch.js';
import { discardsWriteOnly } from '../quirks/values.js';
import { removeAt, setAt } from './apply.js';
import { deepEqual } from './equal.js';
import { MemberChangeSet, applyMemberOp, type MemberChanges } from './members.js';
import { isCoreContainer, resolveTarget } from './target.js';

export type { MemberChanges, MemberRef };

export interface PatchResult {
  attributes: Record<string, unknown>;
  /** False when the attributes deep-equal the stored ones and membership is untouched (an idempotent replay). */
  changed: boolean;
  /** False when only memberships changed, so the store need not rewrite the resource row. */
  attributesChanged: boolean;
  /** Group only, and only when some operation targeted `members`. */
  members?: MemberChanges;
}

type OpName = 'add' | 'replace' | 'remove';

interface Operation {
  readonly op: OpName;
  readonly path: string | undefined;
  /** undefined when absent; a private copy, so applying it can never alias the request body. */
  readonly value: unknown;
}

function readOperations(body: unknown): unknown[] {
  if (!isPlainObject(body)) {
    throw badRequest('invalidSyntax', `A PATCH body must be a JSON object with an "Operations" array, got ${describeValue(body)}`);
  }
  // `schemas` should name the PatchOp URN, but nothing else can arrive at PATCH, so it is not checked:
  // rejecting a body for omitting it would fail clients that otherwise speak perfectly good SCIM.
  const operations = body[findKey(body, 'Operations')];
  if (!Array.isArray(operations)) {
    throw badRequest('invalidSyntax', `A PATCH body needs an "Operations" array, got ${describeValue(operations ?? null)}`);
  }
  return operations;
}

function readOperation(raw: unknown, index: number): Operation {
  if (!isPlainObject(raw)) {
    throw badRequest('invalidSyntax', `Operations[${index}] must be an object with "op", "path" and "value", got ${describeValue(raw)}`);
  }
  const field = (name: string) => raw[findKey(raw, name)];
  const rawOp = field('op');
  if (rawOp === undefined) throw badRequest('invalidValue', `Operations[${index}] has no "op"; use add, replace or remove`);
  const op = opInAnyCase(rawOp);
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw badRequest('invalidValue', `Operations[${index}].op ${describeValue(rawOp)} is not add, replace or remove`);
  }
  const rawPath = field('path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw badRequest('invalidPath', `Operations[${index}].path must be a string, got ${describeValue(rawPath)}`);
  }
  const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;
  const value = field('value');
  if (op !== 'remove' && value === undefined) {
    throw badRequest('invalidValue', `Operations[${index}]: ${op} needs a "value"`);
  }
  return { op, path, value: cloneJson(value) };
}

function patchSchemas(kind: ResourceKind, res: Json, op: OpName, value: unknown): void {
  const core = resourceTypes[kind].core.id;
  const current = Array.isArray(res.schemas) ? (res.schemas as string[]) : [core];
  const given = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  if (op === 'remove') {
    const doomed = new Set(readSchemas(kind, [core, ...given]).map((s) => s.toLowerCase()));
    // Without a value, "remove schemas" can only mean the optional ones; the core URN always stays.
    res.schemas = current.filter((s) => s === core || (given.length > 0 && !doomed.has(s.toLowerCase())));
    return;
  }
  // Lenient: a replace listing only extensions still keeps the core URN rather than failing.
  res.schemas = readSchemas(kind, op === 'add' ? [...current, ...given] : [core, ...given]);
}

/** What one PATCH request carries through its operations. */
interface PatchContext {
  members: MemberChangeSet | undefined;
  /** The resource's own id: a client may send it back unchanged (Okta renames groups that way). */
  id: string | undefined;
  /** Set by any operation that may change attributes; membership-only requests leave it false. */
  attributesTouched: boolean;
}

function applyAt(kind: ResourceKind, res: Json, path: string, op: OpName, value: unknown, ctx: PatchContext): void {
  const { members } = ctx;
  if (path.toLowerCase() === 'schemas') {
    ctx.attributesTouched = true;
    return patchSchemas(kind, res, op, value);
  }
  const t = resolveTarget(kind, path);
  if (t.container === undefined && t.def?.mutability === 'readOnly') {
    if (echoesOwnId(t.name, op, value, ctx.id)) return;
    throw badRequest('mutability', `"${t.name}" is read-only and cannot be changed (path ${JSON.stringify(path)})`);
  }
  if (discardsWriteOnly(t.def)) return;
  if (members && t.container === undefined && t.name === 'members') return applyMemberOp(members, op, t, value);
  ctx.attributesTouched = true;
  if (t.name === undefined) {
    if (op === 'remove' || value === null) {
      if (isCoreContainer(kind, t)) throw badRequest('invalidPath', `path ${JSON.stringify(path)} names the core schema; name an attribute`);
      return removeAt(kind, res, t, undefined);
    }
    if (!isPlainObject(value)) {
      throw badRequest('invalidValue', `path ${JSON.stringify(path)} names a schema, so its value must be an object of attributes, got ${describeValue(value)}`);
    }
    const prefix = isCoreContainer(kind, t) ? '' : `${t.container}:`;
    for (const [key, v] of Object.entries(value)) applyAt(kind, res, prefix + key, op, v, ctx);
    return;
  }
  // null is "unassigned" (RFC 7643 §2.5), whichever op carries it.
  if (op === 'remove' || value === null) return removeAt(kind, res, t, op === 'remove' ? value : undefined);
  setAt(kind, res, t, value, op);
}

function applyOperation(kind: ResourceKind, res: Json, op: Operation, ctx: PatchContext): void {
  if (op.path !== undefined) return applyAt(kind, res, op.path, op.op, op.value, ctx);
  if (op.op === 'remove') throw badRequest('noTarget', 'remove needs a "path" naming what to remove');
  if (!isPlainObject(op.value)) {
    throw badRequest('invalidValue', `${op.op} without a path needs an object of attributes as its value, got ${describeValue(op.value)}`);
  }
  for (const [key, value] of pathlessValueKeysArePaths(op.value)) applyAt(kind, res, key, op.op, value, ctx);
}

function withIndex(error: unknown, index: number): unknown {
  if (!(error instanceof ScimError) || error.detail.startsWith('Operations[')) return error;
  return new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
}

export function applyPatch(kind: ResourceKind, stored: Readonly<Record<string, unknown>>, body: unknown, id?: string): PatchResult {
  const operations = readOperations(body);
  const attributes = cloneJson(stored) as Json;
  if (emptyOperationsChangeNothing(operations)) return { attributes, changed: false, attributesChanged: false };
  const members = kind === 'Group' ? new MemberChangeSet() : undefined;
  const ctx: PatchContext = { members, id, attributesTouched: false };
  operations.forEach((raw, index) => {
    try {
      applyOperation(kind, attributes, readOperation(raw, index), ctx);
      // Checked per operation so the error names the operation that emptied userName/displayName.
      assertRequired(kind, attributes);
    } catch (error) {
      throw withIndex(error, index);
    }
  });
  // Entra's add/remove-member requests touch only memberships: the stored attributes are already in
  // final form, so there is nothing to rebuild or compare.
  if (ctx.attributesTouched) finalizeAttributes(kind, attributes);
  const memberChanges = members?.result();
  const attributesChanged = ctx.attributesTouched && !deepEqual(attributes, stored);
  const result: PatchResult = { attributes, attributesChanged, changed: memberChanges !== undefined || attributesChanged };
  if (memberChanges) result.members = memberChanges;
  return result;
}
