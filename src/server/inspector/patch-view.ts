import { findKey, isPlainObject } from '../../scim/normalize.js';
import { isCoreContainer, resolveTarget, type Target } from '../../scim/patch/target.js';
import { opInAnyCase, pathlessValueKeysArePaths } from '../../scim/quirks/patch.js';
import type { EventRecord } from '../../store/index.js';

/** One PATCH operation as the server reads it: op in lower case, path null when absent. */
export interface PatchOperationView {
  op: string;
  path: string | null;
  value: unknown;
}

export interface AttributeChange {
  /** The top-level attribute (an extension's URN for its attributes), as the events name it. */
  attribute: string;
  before: unknown;
  after: unknown;
}

export interface MemberView {
  id: string;
  display: string | null;
}

export interface PatchView {
  operations: PatchOperationView[];
  /** Why the operations could not be read from the logged body (not JSON, cut short, no Operations array); else null. */
  unreadable: string | null;
  changes: AttributeChange[];
  members: { added: MemberView[]; removed: MemberView[] };
  /**
   * What can be said of the change: `changed`, from its events; `failed`, the request was refused (not
   * 2xx), so nothing was applied; `trimmed`, it wrote events but they have since been trimmed;
   * `unchanged`, it succeeded and wrote no events, and every change its operations could make writes
   * one, so the resource was already as asked; `unreported`, it succeeded and wrote no events, but
   * its operations touch members, and a group added to or removed from a group writes no event.
   */
  effect: 'changed' | 'failed' | 'trimmed' | 'unchanged' | 'unreported';
}

/** What the log row says of the request besides its body. */
export interface PatchOutcome {
  status: number;
  /** The row holds a request key: the request wrote events (which may have been trimmed since). */
  causedEvents: boolean;
  /** A PATCH of a group may change group members, which make no event; one of a user may not. */
  ofGroup: boolean;
}

/**
 * The inspector's reading of a logged PATCH: the operations as the server parses them (op in any
 * case, as Entra sends it; a path-less add or replace is one operation per key of its value, each key a
 * path, as the engine applies it) and what the request changed, taken from the events it caused:
 * an update event's `previous` holds the changed attributes' values before, its resource their
 * values after; membership events say who was added and removed. Tolerant: a body the server refused
 * still shows what could be read of it.
 */
export function patchView(requestBody: string | null, events: readonly EventRecord[], outcome: PatchOutcome): PatchView {
  const { operations, unreadable } = readOperations(requestBody);
  const { changes, members } = changesOf(events);
  const eventsTellAll = unreadable === null && !(outcome.ofGroup && operations.some(touchesMembers));
  return { operations, unreadable, changes, members, effect: effectOf(outcome, events.length > 0, eventsTellAll) };
}

function effectOf({ status, causedEvents }: PatchOutcome, haveEvents: boolean, eventsTellAll: boolean): PatchView['effect'] {
  if (haveEvents) return 'changed';
  if (status < 200 || status >= 300) return 'failed';
  if (causedEvents) return 'trimmed';
  return eventsTellAll ? 'unchanged' : 'unreported';
}

/**
 * An operation that may change a group's members (a group among them makes no event), as the PATCH
 * engine resolves its path: no path, one that resolves to `members`, or the core schema URN whose
 * value names `members`. A path the engine cannot read counts as one that may.
 */
function touchesMembers(o: PatchOperationView): boolean {
  if (o.path === null) return true;
  if (o.path.toLowerCase() === 'schemas') return false;
  let target: Target;
  try {
    target = resolveTarget('Group', o.path);
  } catch {
    return true;
  }
  if (target.container === undefined && target.name === 'members') return true;
  // The engine applies each key of a core schema's value as a path of its own.
  if (isCoreContainer('Group', target) && isPlainObject(o.value)) return Object.entries(o.value).some(([path, value]) => touchesMembers({ op: o.op, path, value }));
  return false;
}

/** The before and after of each attribute, and the members added and removed, as the events tell them. */
function changesOf(events: readonly EventRecord[]): Pick<PatchView, 'changes' | 'members'> {
  const changes: AttributeChange[] = [];
  const members: PatchView['members'] = { added: [], removed: [] };
  for (const event of events) {
    const data = parse(event.data);
    if (!isPlainObject(data)) continue;
    if (event.type === 'group.user_added' || event.type === 'group.user_removed') {
      const user = isPlainObject(data.user) ? data.user : {};
      const attributes = isPlainObject(user.attributes) ? user.attributes : {};
      const display = typeof attributes.displayName === 'string' ? attributes.displayName : typeof user.email === 'string' ? user.email : null;
      (event.type === 'group.user_added' ? members.added : members.removed).push({ id: event.memberId ?? String(user.id), display });
      continue;
    }
    if (!isPlainObject(data.previous)) continue;
    const after = isPlainObject(data.attributes) ? data.attributes : {};
    for (const [attribute, before] of Object.entries(data.previous)) changes.push({ attribute, before, after: after[attribute] ?? null });
  }
  return { changes, members };
}

function readOperations(body: string | null): { operations: PatchOperationView[]; unreadable: string | null } {
  if (body === null || body === '') return { operations: [], unreadable: 'the request had no body' };
  const parsed = parse(body);
  if (parsed === undefined) return { operations: [], unreadable: 'the logged body is not JSON (or was cut short)' };
  if (!isPlainObject(parsed)) return { operations: [], unreadable: 'the body is not a JSON object' };
  const list = parsed[findKey(parsed, 'Operations')];
  if (!Array.isArray(list)) return { operations: [], unreadable: 'the body has no "Operations" array' };
  const operations: PatchOperationView[] = [];
  for (const raw of list) {
    if (!isPlainObject(raw)) {
      operations.push({ op: '', path: null, value: raw ?? null });
      continue;
    }
    const field = (name: string) => raw[findKey(raw, name)];
    const rawOp = field('op');
    const op = opInAnyCase(rawOp) || (rawOp === undefined ? '' : String(rawOp));
    const rawPath = field('path');
    const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : null;
    const value = field('value');
    if (path === null && (op === 'add' || op === 'replace') && isPlainObject(value)) {
      for (const [key, v] of pathlessValueKeysArePaths(value)) operations.push({ op, path: key, value: v ?? null });
    } else {
      operations.push({ op, path, value: value ?? null });
    }
  }
  return { operations, unreadable: null };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
