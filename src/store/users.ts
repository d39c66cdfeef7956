import { NotFoundError } from './errors.js';
import {
  RESOURCE_COLUMNS,
  listResources,
  listResourcesOffThread,
  toResource,
  guarded,
  type ListQuery,
  type ListResult,
  type ResourceKey,
  type ResourceRow,
  type ResourceSnapshot,
  type StoredResource,
  type WriteGuard,
  type WriteOptions,
} from './resources.js';
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
export class UserRepository {
  constructor(private readonly sql: Sql) {}

  create(directoryId: string, attributes: Record<string, unknown>, now: string, options: WriteOptions = {}): StoredResource {
    const c = userColumns(attributes);
    const id = options.id ?? this.sql.ids.next('scim_user');
    const json = options.json ?? JSON.stringify(attributes);
    guarded(userNameGuard(directoryId, c.userName), () =>
      this.sql
        .prepare(
          `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(id, directoryId, c.userName, c.externalId, c.displayName, c.active, json, now, now),
    );
    return { id, directoryId, attributes, createdAt: now, updatedAt: now, version: 1 };
  }

  find(directoryId: string, id: string): StoredResource | undefined {
    const row = this.sql.prepare(`SELECT ${RESOURCE_COLUMNS} FROM scim_users WHERE id = ? AND directory_id = ?`).get(id, directoryId) as ResourceRow | undefined;
    return row && toResource(row);
  }

  get(directoryId: string, id: string): StoredResource {
    const found = this.find(directoryId, id);
    if (!found) throw new NotFoundError('user', id);
    return found;
  }

  /** A user of any directory, for tools the developer runs locally (never for a SCIM client). */
  locate(id: string): StoredResource | undefined {
    const row = this.sql.prepare(`SELECT ${RESOURCE_COLUMNS} FROM scim_users WHERE id = ?`).get(id) as ResourceRow | undefined;
    return row && toResource(row);
  }

  list(directoryId: string, query: ListQuery): ListResult {
    return listResources(this.sql, 'User', directoryId, query);
  }

  /** The same listing; one that must read the whole directory runs on the worker thread (see listResourcesOffThread). */
  listOffThread(directoryId: string, query: ListQuery): Promise<ListResult> {
    return listResourcesOffThread(this.sql, this.sql.listWorker(), 'User', directoryId, query);
  }

  /** New attributes for an existing user, one version up. */
  replace(user: ResourceKey, attributes: Record<string, unknown>, now: string, options: WriteOptions = {}): StoredResource {
    const c = userColumns(attributes);
    const json = options.json ?? JSON.stringify(attributes);
    const row = guarded(userNameGuard(user.directoryId, c.userName), () =>
      this.sql
        .prepare(
          `UPDATE scim_users SET user_name = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, updated_at = ?, version = version + 1
           WHERE id = ? AND directory_id = ? RETURNING created_at AS createdAt, version`,
        )
        .get(c.userName, c.externalId, c.displayName, c.active, json, now, user.id, user.directoryId) as { createdAt: string; version: number } | undefined,
    );
    if (!row) throw new NotFoundError('user', user.id);
    return { id: user.id, directoryId: user.directoryId, attributes, createdAt: row.createdAt, updatedAt: now, version: row.version };
  }

  /** Deletes the user and its memberships; false when there was no such user in the directory. */
  delete(directoryId: string, id: string): boolean {
    return this.sql.prepare('DELETE FROM scim_users WHERE id = ? AND directory_id = ?').run(id, directoryId).changes > 0;
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

  /** Every user of the directory as seed and export compare them, in creation order: one query, not one per user. */
  snapshot(directoryId: string): ResourceSnapshot[] {
    return this.sql
      .prepare('SELECT id, user_name AS name, attributes AS attributesJson FROM scim_users WHERE directory_id = ? ORDER BY seq')
      .all(directoryId) as ResourceSnapshot[];
  }
}
