import { newId } from '../core/ids.js';
import { notFound } from '../scim/errors.js';
import type { Store } from './store.js';
import { toResource, uniquely, type ResourceRow, type StoredResource } from './resources.js';

/** Columns derived from the attributes, so filters, uniqueness and sorting run on indexes. */
export function userColumns(attributes: Record<string, unknown>) {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    userName: String(attributes.userName),
    externalId: str(attributes.externalId),
    displayName: str(attributes.displayName),
    active: attributes.active === false ? 0 : 1,
  };
}

const taken = (attributes: Record<string, unknown>) => `userName "${String(attributes.userName)}" is already taken in this directory`;

export class UserRepository {
  constructor(private readonly store: Store) {}

  create(directoryId: string, attributes: Record<string, unknown>, now: string): StoredResource {
    const c = userColumns(attributes);
    const id = newId('scim_user');
    const json = JSON.stringify(attributes);
    uniquely(
      () =>
        this.store
          .prepare(
            `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(id, directoryId, c.userName, c.externalId, c.displayName, c.active, json, now, now),
      () => taken(attributes),
    );
    return { id, directoryId, attributes, createdAt: now, updatedAt: now, version: 1 };
  }

  find(directoryId: string, id: string): StoredResource | undefined {
    const row = this.store
      .prepare('SELECT id, directory_id, attributes, created_at, updated_at, version FROM scim_users WHERE id = ? AND directory_id = ?')
      .get(id, directoryId) as ResourceRow | undefined;
    return row && toResource(row);
  }

  get(directoryId: string, id: string): StoredResource {
    const found = this.find(directoryId, id);
    if (!found) throw notFound(`User ${id} not found`);
    return found;
  }

  replace(existing: StoredResource, attributes: Record<string, unknown>, now: string): StoredResource {
    const c = userColumns(attributes);
    uniquely(
      () =>
        this.store
          .prepare(
            `UPDATE scim_users SET user_name = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, updated_at = ?, version = version + 1
             WHERE id = ? AND directory_id = ?`,
          )
          .run(c.userName, c.externalId, c.displayName, c.active, JSON.stringify(attributes), now, existing.id, existing.directoryId),
      () => taken(attributes),
    );
    return { ...existing, attributes, updatedAt: now, version: existing.version + 1 };
  }

  delete(directoryId: string, id: string): boolean {
    return this.store.prepare('DELETE FROM scim_users WHERE id = ? AND directory_id = ?').run(id, directoryId).changes > 0;
  }

  /** The groups a user is a direct member of, for the read-only `groups` attribute. */
  groupsOf(userId: string): { value: string; display: string }[] {
    return this.store
      .prepare(
        `SELECT g.id AS value, g.display_name AS display FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
         WHERE m.member_id = ? ORDER BY g.seq`,
      )
      .all(userId) as { value: string; display: string }[];
  }
}
