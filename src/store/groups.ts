import type { MemberRef } from '../scim/normalize.js';
import type { MemberChanges } from '../scim/patch/members.js';
import { InvalidReferenceError, NotFoundError } from './errors.js';
import {
  RESOURCE_COLUMNS,
  guarded,
  toResource,
  type ResourceKey,
  type ResourceRow,
  type StoredResource,
  type WriteGuard,
  type WriteOptions,
} from './resources.js';
import { changedAttributes, type EventRepository } from './events.js';
import { ResourceRepository } from './resource-repository.js';
import { textOrNull, type Sql } from './sql.js';

export type MemberType = 'User' | 'Group';

export interface Member {
  value: string;
  type: MemberType;
  display: string | null;
}

/** One membership row, for seed and export. */
export interface Membership {
  groupId: string;
  memberId: string;
  memberType: MemberType;
}

/** displayName is unique per directory, case-insensitively. */
const displayNameGuard = (directoryId: string, displayName: string): WriteGuard => ({
  entity: 'group',
  directoryId,
  field: 'displayName',
  value: displayName,
  taken: () => `a group named "${displayName}" already exists in this directory`,
});

/**
 * Groups and their memberships. Memberships are rows of their own, so adding one member to a
 * 100k-member group is one indexed insert, never a rewrite of the group. displayName is unique per
 * directory, case-insensitively.
 */
export class GroupRepository extends ResourceRepository {
  constructor(sql: Sql, events: EventRepository) {
    super(sql, events, 'Group', 'display_name');
  }

  /** A new group, or the deleted group of this displayName revived under its id (see UserRepository.create). */
  create(directoryId: string, attributes: Record<string, unknown>, members: readonly MemberRef[], now: string, options: WriteOptions = {}): StoredResource {
    const name = String(attributes.displayName);
    const json = options.json ?? JSON.stringify(attributes);
    const externalId = textOrNull(attributes.externalId);
    return this.sql.transaction(() => {
      const deletedId = this.deletedIdByName(directoryId, name);
      const id = deletedId ?? options.id ?? this.sql.ids.next('scim_group');
      const created = guarded(displayNameGuard(directoryId, name), () => {
        if (deletedId !== undefined) return this.revive(deletedId, 'display_name = ?, external_id = ?, attributes = ?', [name, externalId, json], now);
        this.sql
          .prepare(
            `INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(id, directoryId, name, externalId, json, now, now);
        return { id, directoryId, attributes, createdAt: now, updatedAt: now, version: 1, deletedAt: null };
      });
      this.events.group('group.created', id, now);
      this.addMembers(directoryId, id, members, now);
      return created;
    });
  }

  /**
   * Apply new attributes (undefined: unchanged) and member changes, bumping the version once.
   * A membership-only change never rewrites the group row's attributes or touches its name index.
   */
  update(
    group: ResourceKey | StoredResource,
    attributes: Record<string, unknown> | undefined,
    changes: MemberChanges | undefined,
    now: string,
    options: WriteOptions = {},
  ): StoredResource {
    return this.sql.transaction(() => {
      const before = attributes && ('attributes' in group ? group.attributes : this.find(group.directoryId, group.id)?.attributes);
      const updated = attributes ? this.writeAttributes(group, attributes, now, options.json) : this.touch(group, now);
      if (!updated) throw new NotFoundError('group', group.id);
      const previous = before && changedAttributes(before, updated.attributes);
      if (previous) this.events.group('group.updated', group.id, now, previous);
      if (changes) this.applyMemberChanges(group.directoryId, group.id, changes, now);
      return updated;
    });
  }

  /** Members with their display names: users first, then groups, each in creation order. */
  members(groupId: string): Member[] {
    return this.sql
      .prepare(
        `SELECT m.member_id AS value, m.member_type AS type, coalesce(u.display_name, u.user_name, g.display_name) AS display
         FROM scim_group_members m
         LEFT JOIN scim_users u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN scim_groups g ON m.member_type = 'Group' AND g.id = m.member_id
         WHERE m.group_id = ? ORDER BY m.member_type DESC, coalesce(u.seq, g.seq)`,
      )
      .all(groupId) as Member[];
  }

  /** How many members each of these groups has (groups without members are absent), in one query. */
  memberCounts(groupIds: readonly string[]): Map<string, number> {
    const rows = this.sql
      .prepare('SELECT group_id, count(*) AS n FROM scim_group_members WHERE group_id IN (SELECT value FROM json_each(?)) GROUP BY group_id')
      .all(JSON.stringify(groupIds)) as { group_id: string; n: number }[];
    return new Map(rows.map((r) => [r.group_id, r.n]));
  }

  /** Every membership of the directory's groups, members in the order they were created (as the server lists them). */
  memberships(directoryId: string): Membership[] {
    return this.sql
      .prepare(
        `SELECT m.group_id AS groupId, m.member_id AS memberId, m.member_type AS memberType FROM scim_group_members m
         JOIN scim_groups g ON g.id = m.group_id
         LEFT JOIN scim_users u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN scim_groups mg ON m.member_type = 'Group' AND mg.id = m.member_id
         WHERE g.directory_id = ? ORDER BY g.seq, coalesce(u.seq, mg.seq)`,
      )
      .all(directoryId) as Membership[];
  }

  /**
   * Link members whose type the caller already knows to be of the group's directory (seeding resolves
   * them within one fixture directory): skips the per-member lookup that addMembers does.
   */
  linkKnownMembers(groupId: string, members: readonly { id: string; type: MemberType }[], now: string): void {
    const insert = this.sql.prepare('INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    for (const m of members) {
      const added = insert.run(groupId, m.id, m.type).changes > 0;
      if (added && m.type === 'User') this.events.membership('group.user_added', groupId, m.id, now);
    }
  }

  /** Remove members; a user that really was one gets its group.user_removed event. */
  unlinkMembers(groupId: string, memberIds: Iterable<string>, now: string): void {
    const remove = this.sql.prepare('DELETE FROM scim_group_members WHERE group_id = ? AND member_id = ? RETURNING member_type');
    for (const id of memberIds) {
      const removed = remove.get(groupId, id) as { member_type: MemberType } | undefined;
      if (removed?.member_type === 'User') this.events.membership('group.user_removed', groupId, id, now);
    }
  }

  private writeAttributes(group: ResourceKey, attributes: Record<string, unknown>, now: string, json: string | undefined): StoredResource | undefined {
    const name = String(attributes.displayName);
    const row = guarded(displayNameGuard(group.directoryId, name), () =>
      this.sql
        .prepare(
          `UPDATE scim_groups SET display_name = ?, external_id = ?, attributes = ?, updated_at = ?, version = version + 1
           WHERE id = ? AND directory_id = ? AND deleted_at IS NULL RETURNING ${RESOURCE_COLUMNS}`,
        )
        .get(name, textOrNull(attributes.externalId), json ?? JSON.stringify(attributes), now, group.id, group.directoryId) as ResourceRow | undefined,
    );
    return row && toResource(row);
  }

  /**
   * A membership-only change bumps the version. The attributes the caller already holds are reused:
   * Entra's add-member PATCH is the hot path, and parsing a group's attributes again was pure waste.
   */
  private touch(group: ResourceKey | StoredResource, now: string): StoredResource | undefined {
    const row = this.sql
      .prepare(`UPDATE scim_groups SET updated_at = ?, version = version + 1 WHERE id = ? AND directory_id = ? AND deleted_at IS NULL RETURNING ${'attributes' in group ? 'created_at, version' : RESOURCE_COLUMNS}`)
      .get(now, group.id, group.directoryId) as (Partial<ResourceRow> & { created_at: string; version: number }) | undefined;
    if (!row) return undefined;
    if ('attributes' in group) return { ...group, updatedAt: now, createdAt: row.created_at, version: row.version };
    return toResource(row as ResourceRow);
  }

  private applyMemberChanges(directoryId: string, groupId: string, changes: MemberChanges, now: string): void {
    if (changes.replaceAll) return this.replaceMembers(directoryId, groupId, changes, now);
    this.unlinkMembers(groupId, changes.remove, now);
    this.addMembers(directoryId, groupId, changes.add, now);
  }

  /**
   * A PUT (or a replace of `members`): the new list is written whole, and the events say only what
   * differs, so re-sending the same members is no event at all.
   */
  private replaceMembers(directoryId: string, groupId: string, changes: MemberChanges, now: string): void {
    const userMembers = () =>
      new Set(this.sql.prepare("SELECT member_id FROM scim_group_members WHERE group_id = ? AND member_type = 'User'").pluck().all(groupId) as string[]);
    const before = userMembers();
    this.sql.prepare('DELETE FROM scim_group_members WHERE group_id = ?').run(groupId);
    this.addMembers(directoryId, groupId, changes.add, undefined);
    const after = userMembers();
    for (const id of before) if (!after.has(id)) this.events.membership('group.user_removed', groupId, id, now);
    for (const id of after) if (!before.has(id)) this.events.membership('group.user_added', groupId, id, now);
  }

  /**
   * Members must exist in the same directory: a token for one directory never links another's data.
   * With `now`, each user that was not a member yet gets its group.user_added event.
   */
  private addMembers(directoryId: string, groupId: string, members: readonly MemberRef[], now: string | undefined): void {
    const typeOf = this.sql.prepare(
      `SELECT 'User' AS type FROM scim_users WHERE id = @id AND directory_id = @directoryId AND deleted_at IS NULL
       UNION ALL SELECT 'Group' FROM scim_groups WHERE id = @id AND directory_id = @directoryId AND deleted_at IS NULL`,
    );
    const insert = this.sql.prepare('INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    for (const [index, member] of members.entries()) {
      const found = typeOf.get({ id: member.value, directoryId }) as { type: MemberType } | undefined;
      if (!found) throw new InvalidReferenceError(`members[${index}].value "${member.value}" is not a user or group of this directory`);
      if (found.type === 'Group' && member.value === groupId) throw new InvalidReferenceError(`members[${index}]: a group cannot be a member of itself`);
      const added = insert.run(groupId, member.value, found.type).changes > 0;
      if (added && now !== undefined && found.type === 'User') this.events.membership('group.user_added', groupId, member.value, now);
    }
  }
}
