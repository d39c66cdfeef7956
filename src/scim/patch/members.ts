/**
 * Group membership PATCHes. Members are not part of the stored attributes (a group can have 100k):
 * every members operation folds into one MemberChanges the store applies row by row.
 */
import { badRequest } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { toMemberRefs, type MemberRef } from '../normalize.js';
import type { Target } from './target.js';

/**
 * Net membership change of one PATCH. `add` and `remove` never share an id, so the store may apply
 * them in any order; with `replaceAll` the group's members become exactly `add` and `remove` is empty.
 */
export interface MemberChanges {
  replaceAll: boolean;
  add: MemberRef[];
  remove: string[];
}

export class MemberChangeSet {
  private replaceAll = false;
  private readonly adds = new Map<string, MemberRef>();
  private readonly removes = new Set<string>();

  replace(refs: readonly MemberRef[]): void {
    this.replaceAll = true;
    this.adds.clear();
    this.removes.clear();
    this.add(refs);
  }

  add(refs: readonly MemberRef[]): void {
    for (const ref of refs) {
      this.removes.delete(ref.value);
      this.adds.set(ref.value, ref);
    }
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      this.adds.delete(id);
      // After a replaceAll the id is already gone unless re-added, which the delete above undid.
      if (!this.replaceAll) this.removes.add(id);
    }
  }

  /** undefined when no operation touched members, so callers can skip the membership table. */
  result(): MemberChanges | undefined {
    if (!this.replaceAll && this.adds.size === 0 && this.removes.size === 0) return undefined;
    return { replaceAll: this.replaceAll, add: [...this.adds.values()], remove: [...this.removes] };
  }
}

/** Ids named by `members[value eq "a" or value eq "b"]`; anything else cannot be applied row by row. */
function idsFromFilter(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = idsFromFilter(filter.left);
    const right = idsFromFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const isValueEq =
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.sub === undefined &&
    filter.path.attr.toLowerCase() === 'value' &&
    typeof filter.value === 'string';
  return isValueEq ? [filter.value as string] : undefined;
}

export function applyMemberOp(set: MemberChangeSet, op: 'add' | 'replace' | 'remove', t: Target, value: unknown): void {
  if (t.sub !== undefined || (t.filter && op !== 'remove')) {
    throw badRequest('invalidPath', `path ${JSON.stringify(t.text)} is not supported for members; use "members" with a value array, or remove "members[value eq \\"<id>\\"]"`);
  }
  if (op === 'add') return set.add(toMemberRefs(value, 'value'));
  if (op === 'replace') return set.replace(toMemberRefs(value, 'value'));
  if (t.filter) {
    const ids = idsFromFilter(t.filter);
    if (!ids) {
      throw badRequest('invalidFilter', `members filter in ${JSON.stringify(t.text)} is not supported; use value eq "<id>", optionally joined with "or"`);
    }
    return set.remove(ids);
  }
  if (value === undefined || value === null) return set.replace([]);
  set.remove(toMemberRefs(value, 'value').map((m) => m.value));
}
