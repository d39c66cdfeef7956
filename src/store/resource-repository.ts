import type { ResourceKind } from '../scim/schemas.js';
import { NotFoundError } from './errors.js';
import {
  RESOURCE_COLUMNS,
  TABLES,
  listResources,
  listResourcesOffThread,
  toResource,
  type ListQuery,
  type ListResult,
  type ResourceRow,
  type ResourceSnapshot,
  type StoredResource,
} from './resources.js';
import type { EventRepository } from './events.js';
import type { Sql } from './sql.js';

/** What users and groups share: reads scoped to a directory, listings, delete, and the snapshot seed and export compare. */
export abstract class ResourceRepository {
  private readonly table: 'scim_users' | 'scim_groups';
  private readonly entity: 'user' | 'group';

  constructor(
    protected readonly sql: Sql,
    protected readonly events: EventRepository,
    private readonly kind: ResourceKind,
    /** The column a resource is matched by in seed and export: user_name or display_name. */
    private readonly nameColumn: 'user_name' | 'display_name',
  ) {
    this.table = TABLES[kind];
    this.entity = kind === 'User' ? 'user' : 'group';
  }

  /** A live resource of the directory: what a SCIM client may see (a deleted one is not found). */
  find(directoryId: string, id: string): StoredResource | undefined {
    const row = this.sql.prepare(`SELECT ${RESOURCE_COLUMNS} FROM ${this.table} WHERE id = ? AND directory_id = ? AND deleted_at IS NULL`).get(id, directoryId) as
      | ResourceRow
      | undefined;
    return row && toResource(row);
  }

  get(directoryId: string, id: string): StoredResource {
    const found = this.find(directoryId, id);
    if (!found) throw new NotFoundError(this.entity, id);
    return found;
  }

  /** A resource of any directory, deleted ones included, for tools the developer runs locally (never for a SCIM client). */
  locate(id: string): StoredResource | undefined {
    const row = this.sql.prepare(`SELECT ${RESOURCE_COLUMNS} FROM ${this.table} WHERE id = ?`).get(id) as ResourceRow | undefined;
    return row && toResource(row);
  }

  list(directoryId: string, query: ListQuery): ListResult {
    return listResources(this.sql, this.kind, directoryId, query);
  }

  /** The same listing; one that must read the whole directory runs on the worker thread (see listResourcesOffThread). */
  listOffThread(directoryId: string, query: ListQuery): Promise<ListResult> {
    return listResourcesOffThread(this.sql, this.sql.listWorker(), this.kind, directoryId, query);
  }

  /**
   * Deletes the resource as an IdP's DELETE does: softly. SCIM clients no longer see it, and its
   * memberships move to the retained table (the app API still lists them); false when there was no
   * such live resource in the directory.
   */
  delete(directoryId: string, id: string, now = new Date().toISOString()): boolean {
    return this.sql.transaction(() => {
      const marked = this.sql
        .prepare(`UPDATE ${this.table} SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND directory_id = ? AND deleted_at IS NULL`)
        .run(now, now, id, directoryId);
      if (marked.changes === 0) return false;
      const where = this.kind === 'User' ? 'member_id = @id' : 'group_id = @id OR member_id = @id';
      this.sql
        .prepare(`INSERT OR IGNORE INTO scim_group_members_retained (group_id, member_id, member_type) SELECT group_id, member_id, member_type FROM scim_group_members WHERE ${where}`)
        .run({ id });
      this.sql.prepare(`DELETE FROM scim_group_members WHERE ${where}`).run({ id });
      if (this.kind === 'User') this.events.user('user.deleted', id, now);
      else this.events.group('group.deleted', id, now);
      return true;
    });
  }

  /** The id of the most recently deleted resource of that name, which a create of the name revives. */
  deletedIdByName(directoryId: string, name: string): string | undefined {
    return this.sql
      .prepare(`SELECT id FROM ${this.table} WHERE directory_id = ? AND ${this.nameColumn} = ? COLLATE NOCASE AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, seq DESC LIMIT 1`)
      .pluck()
      .get(directoryId, name) as string | undefined;
  }

  /** Every live resource of the directory as seed and export compare them, in creation order: one query, not one per resource. */
  snapshot(directoryId: string): ResourceSnapshot[] {
    return this.sql
      .prepare(`SELECT id, ${this.nameColumn} AS name, attributes AS attributesJson FROM ${this.table} WHERE directory_id = ? AND deleted_at IS NULL ORDER BY seq`)
      .all(directoryId) as ResourceSnapshot[];
  }

  /**
   * Bring a deleted resource back under the same id, as a new resource: what a create does when its
   * name is a deleted one's. Its memberships with live groups and members are dropped (a created
   * resource is in no group and has no members until told so); those with deleted ones stay, as the
   * app API shows them. created_at restarts. The caller writes the created event: back
   * under its id, the resource is new to the IdP, and the app hears of it as created.
   */
  protected revive(id: string, setColumns: string, values: unknown[], now: string): StoredResource {
    const row = this.sql
      .prepare(`UPDATE ${this.table} SET ${setColumns}, created_at = ?, updated_at = ?, deleted_at = NULL, version = version + 1 WHERE id = ? AND deleted_at IS NOT NULL RETURNING ${RESOURCE_COLUMNS}`)
      .get(...values, now, now, id) as ResourceRow | undefined;
    if (!row) throw new NotFoundError(this.entity, id);
    // Only memberships with a live other side go: a deleted group keeps the members it had, for the
    // app. The app saw those memberships (the app API lists them), so it hears that they ended.
    const dropped = this.sql
      .prepare(
        `DELETE FROM scim_group_members_retained WHERE
           (member_id = @id AND group_id IN (SELECT id FROM scim_groups WHERE deleted_at IS NULL))
           OR (group_id = @id AND (member_id IN (SELECT id FROM scim_users WHERE deleted_at IS NULL) OR member_id IN (SELECT id FROM scim_groups WHERE deleted_at IS NULL)))
         RETURNING group_id AS groupId, member_id AS memberId, member_type AS memberType`,
      )
      .all({ id }) as { groupId: string; memberId: string; memberType: string }[];
    for (const m of dropped) if (m.memberType === 'User') this.events.membership('group.user_removed', m.groupId, m.memberId, now);
    return toResource(row);
  }
}
