import { NotFoundError } from './errors.js';
import { guarded, type ResourceKey, type StoredResource, type WriteGuard, type WriteOptions } from './resources.js';
import { changedAttributes, type EventRepository } from './events.js';
import { ResourceRepository } from './resource-repository.js';
import { textOrNull, type Sql } from './sql.js';

/** Columns derived from the attributes, so filters, uniqueness and sorting run on indexes. */
function userColumns(attributes: Record<string, unknown>) {
  return {
    userName: String(attributes.userName),
    externalId: textOrNull(attributes.externalId),
    displayName: textOrNull(attributes.displayName),
    active: attributes.active === false ? 0 : 1,
  };
}

/** userName is unique per directory, case-insensitively. */
const userNameGuard = (directoryId: string, userName: string): WriteGuard => ({
  entity: 'user',
  directoryId,
  field: 'userName',
  value: userName,
  taken: () => `userName "${userName}" is already taken in this directory`,
});

/** SCIM users. userName is unique per directory, case-insensitively (a unique NOCASE index). */
export class UserRepository extends ResourceRepository {
  constructor(sql: Sql, events: EventRepository) {
    super(sql, events, 'User', 'user_name');
  }

  /**
   * A new user; or, when a deleted user of the directory has this userName, that user revived under
   * its id (as SSOReady does, so the app sees one person come back, not a stranger).
   */
  create(directoryId: string, attributes: Record<string, unknown>, now: string, options: WriteOptions = {}): StoredResource {
    const c = userColumns(attributes);
    const json = options.json ?? JSON.stringify(attributes);
    return this.sql.transaction(() => {
      const deletedId = this.deletedIdByName(directoryId, c.userName);
      if (deletedId !== undefined) {
        const values = [c.userName, c.externalId, c.displayName, c.active, json];
        const revived = guarded(userNameGuard(directoryId, c.userName), () =>
          this.revive(deletedId, 'user_name = ?, external_id = ?, display_name = ?, active = ?, attributes = ?', values, now),
        );
        this.events.user('user.created', deletedId, now);
        return revived;
      }
      const id = options.id ?? this.sql.ids.next('scim_user');
      guarded(userNameGuard(directoryId, c.userName), () =>
        this.sql
          .prepare(
            `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(id, directoryId, c.userName, c.externalId, c.displayName, c.active, json, now, now),
      );
      this.events.user('user.created', id, now);
      return { id, directoryId, attributes, createdAt: now, updatedAt: now, version: 1, deletedAt: null };
    });
  }

  /**
   * New attributes for an existing user, one version up, and the event that says what changed:
   * user.deactivated or user.reactivated when `active` flipped, else user.updated; none when the
   * attributes are the same. The attributes before are the caller's (the server has them) or read here.
   */
  replace(user: ResourceKey | StoredResource, attributes: Record<string, unknown>, now: string, options: WriteOptions = {}): StoredResource {
    const c = userColumns(attributes);
    const json = options.json ?? JSON.stringify(attributes);
    return this.sql.transaction(() => {
      const before = 'attributes' in user ? user.attributes : this.find(user.directoryId, user.id)?.attributes;
      const row = guarded(userNameGuard(user.directoryId, c.userName), () =>
        this.sql
          .prepare(
            `UPDATE scim_users SET user_name = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, updated_at = ?, version = version + 1
             WHERE id = ? AND directory_id = ? AND deleted_at IS NULL RETURNING created_at AS createdAt, version`,
          )
          .get(c.userName, c.externalId, c.displayName, c.active, json, now, user.id, user.directoryId) as { createdAt: string; version: number } | undefined,
      );
      if (!row || !before) throw new NotFoundError('user', user.id);
      const previous = changedAttributes(before, attributes);
      if (previous) {
        const wasActive = before.active !== false;
        const type = wasActive === (c.active === 1) ? 'user.updated' : wasActive ? 'user.deactivated' : 'user.reactivated';
        this.events.user(type, user.id, now, previous);
      }
      return { id: user.id, directoryId: user.directoryId, attributes, createdAt: row.createdAt, updatedAt: now, version: row.version, deletedAt: null };
    });
  }

  /** The groups a user is a direct member of, for the read-only `groups` attribute. */
  groupsOf(userId: string): { value: string; display: string }[] {
    return this.sql
      .prepare(
        `SELECT g.id AS value, g.display_name AS display FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
         WHERE m.member_id = ? ORDER BY g.seq`,
      )
      .all(userId) as { value: string; display: string }[];
  }

}
