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
  constructor(sql: Sql) {
    super(sql, 'Group', 'display_name');
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
      this.addMembers(directoryId, id, members);
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
      const updated = attributes ? this.writeAttributes(group, attributes, now, options.json) : this.touch(group, now);
      if (!updated) throw new NotFoundError('group', group.id);
      if (changes) this.applyMemberChanges(group.directoryId, group.id, changes);
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
  linkKnownMembers(groupId: string, members: readonly { id: string; type: MemberType }[]): void {
    const insert = this.sql.prepare('INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    for (const m of members) insert.run(groupId, m.id, m.type);
  }

  unlinkMembers(groupId: string, memberIds: Iterable<string>): void {
    const remove = this.sql.prepare('DELETE FROM scim_group_members WHERE group_id = ? AND member_id = ?');
    for (const id of memberIds) remove.run(groupId, id);
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

  private applyMemberChanges(directoryId: string, groupId: string, changes: MemberChanges): void {
    if (changes.replaceAll) this.sql.prepare('DELETE FROM scim_group_members WHERE group_id = ?').run(groupId);
    this.unlinkMembers(groupId, changes.remove);
    this.addMembers(directoryId, groupId, changes.add);
  }

  /** Members must exist in the same directory: a token for one directory never links another's data. */
  private addMembers(directoryId: string, groupId: string, members: readonly MemberRef[]): void {
    const typeOf = this.sql.prepare(
      `SELECT 'User' AS type FROM scim_users WHERE id = @id AND directory_id = @directoryId AND deleted_at IS NULL
       UNION ALL SELECT 'Group' FROM scim_groups WHERE id = @id AND directory_id = @directoryId AND deleted_at IS NULL`,
    );
    const insert = this.sql.prepare('INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    for (const [index, member] of members.entries()) {
      const found = typeOf.get({ id: member.value, directoryId }) as { type: MemberType } | undefined;
      if (!found) throw new InvalidReferenceError(`members[${index}].value "${member.value}" is not a user or group of this directory`);
      if (found.type === 'Group' && member.value === groupId) throw new InvalidReferenceError(`members[${index}]: a group cannot be a member of itself`);
      insert.run(groupId, member.value, found.type);
    }
  }
}
