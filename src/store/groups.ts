import { newId } from '../core/ids.js';
import { badRequest, notFound } from '../scim/errors.js';
import type { MemberRef } from '../scim/normalize.js';
import type { MemberChanges } from '../scim/patch/members.js';
import type { Store } from './store.js';
import { toResource, uniquely, type ResourceRow, type StoredResource } from './resources.js';

export interface Member {
  value: string;
  type: 'User' | 'Group';
  display: string | null;
}

const taken = (attributes: Record<string, unknown>) => `a group named "${String(attributes.displayName)}" already exists in this directory`;
const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * Groups and their memberships. Memberships are rows of their own, so adding one member to a
 * 100k-member group is one indexed insert, never a rewrite of the group.
 */
export class GroupRepository {
  constructor(private readonly store: Store) {}

  create(directoryId: string, attributes: Record<string, unknown>, members: MemberRef[], now: string): StoredResource {
    const id = newId('scim_group');
    uniquely(
      () =>
        this.store
          .prepare(
            `INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(id, directoryId, String(attributes.displayName), str(attributes.externalId), JSON.stringify(attributes), now, now),
      () => taken(attributes),
    );
    this.addMembers(directoryId, id, members);
    return { id, directoryId, attributes, createdAt: now, updatedAt: now, version: 1 };
  }

  find(directoryId: string, id: string): StoredResource | undefined {
    const row = this.store
      .prepare('SELECT id, directory_id, attributes, created_at, updated_at, version FROM scim_groups WHERE id = ? AND directory_id = ?')
      .get(id, directoryId) as ResourceRow | undefined;
    return row && toResource(row);
  }

  get(directoryId: string, id: string): StoredResource {
    const found = this.find(directoryId, id);
    if (!found) throw notFound(`Group ${id} not found`);
    return found;
  }

  /**
   * Apply new attributes (undefined: unchanged) and member changes, bumping the version once.
   * A membership-only change never rewrites the group row's attributes or touches its name index.
   */
  update(existing: StoredResource, attributes: Record<string, unknown> | undefined, changes: MemberChanges | undefined, now: string): StoredResource {
    if (attributes) {
      uniquely(
        () =>
          this.store
            .prepare('UPDATE scim_groups SET display_name = ?, external_id = ?, attributes = ?, updated_at = ?, version = version + 1 WHERE id = ?')
            .run(String(attributes.displayName), str(attributes.externalId), JSON.stringify(attributes), now, existing.id),
        () => taken(attributes),
      );
    } else {
      this.store.prepare('UPDATE scim_groups SET updated_at = ?, version = version + 1 WHERE id = ?').run(now, existing.id);
    }
    if (changes) this.applyMemberChanges(existing.directoryId, existing.id, changes);
    return { ...existing, attributes: attributes ?? existing.attributes, updatedAt: now, version: existing.version + 1 };
  }

  delete(directoryId: string, id: string): boolean {
    return this.store.prepare('DELETE FROM scim_groups WHERE id = ? AND directory_id = ?').run(id, directoryId).changes > 0;
  }

  members(groupId: string): Member[] {
    return this.store
      .prepare(
        `SELECT m.member_id AS value, m.member_type AS type, coalesce(u.display_name, u.user_name, g.display_name) AS display
         FROM scim_group_members m
         LEFT JOIN scim_users u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN scim_groups g ON m.member_type = 'Group' AND g.id = m.member_id
         WHERE m.group_id = ? ORDER BY m.member_type DESC, coalesce(u.seq, g.seq)`,
      )
      .all(groupId) as Member[];
  }

  private applyMemberChanges(directoryId: string, groupId: string, changes: MemberChanges): void {
    if (changes.replaceAll) this.store.prepare('DELETE FROM scim_group_members WHERE group_id = ?').run(groupId);
    const remove = this.store.prepare('DELETE FROM scim_group_members WHERE group_id = ? AND member_id = ?');
    for (const id of changes.remove) remove.run(groupId, id);
    this.addMembers(directoryId, groupId, changes.add);
  }

  /** Members must exist in the same directory: a token for one directory never links another's data. */
  private addMembers(directoryId: string, groupId: string, members: MemberRef[]): void {
    const typeOf = this.store.prepare(
      `SELECT 'User' AS type FROM scim_users WHERE id = @id AND directory_id = @directoryId
       UNION ALL SELECT 'Group' FROM scim_groups WHERE id = @id AND directory_id = @directoryId`,
    );
    const insert = this.store.prepare('INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    for (const [index, member] of members.entries()) {
      const found = typeOf.get({ id: member.value, directoryId }) as { type: 'User' | 'Group' } | undefined;
      if (!found) throw badRequest('invalidValue', `members[${index}].value "${member.value}" is not a user or group of this directory`);
      if (found.type === 'Group' && member.value === groupId) throw badRequest('invalidValue', `members[${index}]: a group cannot be a member of itself`);
      insert.run(groupId, member.value, found.type);
    }
  }
}
