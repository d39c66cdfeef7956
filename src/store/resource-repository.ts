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
import type { Sql } from './sql.js';

/** What users and groups share: reads scoped to a directory, listings, delete, and the snapshot seed and export compare. */
export abstract class ResourceRepository {
  private readonly table: 'scim_users' | 'scim_groups';
  private readonly entity: 'user' | 'group';

  constructor(
    protected readonly sql: Sql,
    private readonly kind: ResourceKind,
    /** The column a resource is matched by in seed and export: user_name or display_name. */
    private readonly nameColumn: 'user_name' | 'display_name',
  ) {
    this.table = TABLES[kind];
    this.entity = kind === 'User' ? 'user' : 'group';
  }

  find(directoryId: string, id: string): StoredResource | undefined {
    const row = this.sql.prepare(`SELECT ${RESOURCE_COLUMNS} FROM ${this.table} WHERE id = ? AND directory_id = ?`).get(id, directoryId) as ResourceRow | undefined;
    return row && toResource(row);
  }

  get(directoryId: string, id: string): StoredResource {
    const found = this.find(directoryId, id);
    if (!found) throw new NotFoundError(this.entity, id);
    return found;
  }

  /** A resource of any directory, for tools the developer runs locally (never for a SCIM client). */
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

  /** Deletes the resource and its memberships; false when there was no such resource in the directory. */
  delete(directoryId: string, id: string): boolean {
    return this.sql.prepare(`DELETE FROM ${this.table} WHERE id = ? AND directory_id = ?`).run(id, directoryId).changes > 0;
  }

  /** Every resource of the directory as seed and export compare them, in creation order: one query, not one per resource. */
  snapshot(directoryId: string): ResourceSnapshot[] {
    return this.sql
      .prepare(`SELECT id, ${this.nameColumn} AS name, attributes AS attributesJson FROM ${this.table} WHERE directory_id = ? ORDER BY seq`)
      .all(directoryId) as ResourceSnapshot[];
  }
}
