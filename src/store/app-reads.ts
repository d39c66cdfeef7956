import { groupJson, userJson } from './app-json.js';
import type { Sql } from './sql.js';

/**
 * What the app API reads: users and groups as the app sees them (deleted ones included, with the
 * memberships they had), pages of organizations and directories, all scoped to one environment.
 * Every page is keyset-paged (`>= cursor`, one row more than the page to know a next one exists), so
 * page 9,000 of 100k users costs what page 1 does.
 */

/** A user or group as the app API shows it (see app-json.ts), as JSON text. */
export interface AppResourceRow {
  /** The keyset cursor of the row in its listing (seq, or the member id in a group's member list). */
  cursor: string;
  id: string;
  directoryId: string;
  json: string;
}

export interface AppOrganizationRow {
  id: string;
  environmentId: string;
  displayName: string;
  externalId: string | null;
  /** JSON array text. */
  domains: string;
}

export interface AppDirectoryRow {
  id: string;
  organizationId: string;
  environmentId: string;
  primary: number;
  hasToken: number;
}

/** Columns of an AppResourceRow, for a scim_users or scim_groups row named `r`. */
const USER_COLUMNS = `CAST(r.seq AS TEXT) AS cursor, r.id, r.directory_id AS directoryId, ${userJson('r')} AS json`;
const GROUP_COLUMNS = `CAST(r.seq AS TEXT) AS cursor, r.id, r.directory_id AS directoryId, ${groupJson('r')} AS json`;
const ORGANIZATION_COLUMNS = `o.id, o.environment_id AS environmentId, o.display_name AS displayName, o.external_id AS externalId,
  (SELECT coalesce(json_group_array(domain), '[]') FROM (SELECT domain FROM organization_domains WHERE organization_id = o.id ORDER BY domain)) AS domains`;
const DIRECTORY_COLUMNS = 'd.id, d.organization_id AS organizationId, o.environment_id AS environmentId, d.is_primary AS "primary", d.token_hash IS NOT NULL AS hasToken';

/**
 * The seqs of one page of a directory's users or groups, deleted ones included: the live and the
 * deleted (directory_id, seq) indexes walked from the cursor and merged, so the page reads its own
 * rows only.
 */
const pageOfSeqs = (table: 'scim_users' | 'scim_groups') =>
  `SELECT seq FROM ${table} WHERE directory_id = @directory AND deleted_at IS NULL AND seq >= @cursor
   UNION ALL SELECT seq FROM ${table} WHERE directory_id = @directory AND deleted_at IS NOT NULL AND seq >= @cursor
   ORDER BY seq LIMIT @limit`;

/** No cursor: from the beginning. A cursor comes from a page token the caller has verified. */
const seqCursor = (cursor: string | undefined) => (cursor === undefined ? 0 : Number(cursor));

export class AppReadRepository {
  constructor(private readonly sql: Sql) {}

  /** The directory, if it belongs to the environment. */
  directory(environmentId: string, directoryId: string): AppDirectoryRow | undefined {
    return this.sql
      .prepare(`SELECT ${DIRECTORY_COLUMNS} FROM scim_directories d JOIN organizations o ON o.id = d.organization_id WHERE d.id = ? AND o.environment_id = ?`)
      .get(directoryId, environmentId) as AppDirectoryRow | undefined;
  }

  /** The organization (by id or by external id) of the environment, if any. */
  organization(environmentId: string, by: { id: string } | { externalId: string }): AppOrganizationRow | undefined {
    const column = 'id' in by ? 'o.id' : 'o.external_id';
    return this.sql
      .prepare(`SELECT ${ORGANIZATION_COLUMNS} FROM organizations o WHERE ${column} = ? AND o.environment_id = ?`)
      .get('id' in by ? by.id : by.externalId, environmentId) as AppOrganizationRow | undefined;
  }

  /** The organization's primary directory's id, if it has one. */
  primaryDirectoryId(organizationId: string): string | undefined {
    return this.sql.prepare('SELECT id FROM scim_directories WHERE organization_id = ? AND is_primary = 1').pluck().get(organizationId) as string | undefined;
  }

  user(environmentId: string, id: string): AppResourceRow | undefined {
    return this.resource('scim_users', USER_COLUMNS, environmentId, id);
  }

  group(environmentId: string, id: string): AppResourceRow | undefined {
    return this.resource('scim_groups', GROUP_COLUMNS, environmentId, id);
  }

  /** A page of the directory's users, deleted ones included, in creation order, on the (directory_id, seq) index. */
  users(directoryId: string, cursor: string | undefined, limit: number): AppResourceRow[] {
    return this.sql
      .prepare(`SELECT ${USER_COLUMNS} FROM scim_users r WHERE r.seq IN (${pageOfSeqs('scim_users')}) ORDER BY r.seq`)
      .all({ directory: directoryId, cursor: seqCursor(cursor), limit }) as AppResourceRow[];
  }

  groups(directoryId: string, cursor: string | undefined, limit: number): AppResourceRow[] {
    return this.sql
      .prepare(`SELECT ${GROUP_COLUMNS} FROM scim_groups r WHERE r.seq IN (${pageOfSeqs('scim_groups')}) ORDER BY r.seq`)
      .all({ directory: directoryId, cursor: seqCursor(cursor), limit }) as AppResourceRow[];
  }

  /**
   * A page of the group's user members, deleted users and the memberships of a deleted group
   * included, in member-id order: both membership tables are walked on their primary keys and merged,
   * so a page of a 100k-member group reads a page of rows.
   */
  groupUsers(groupId: string, cursor: string | undefined, limit: number): AppResourceRow[] {
    return this.sql
      .prepare(
        `SELECT m.member_id AS cursor, u.id, u.directory_id AS directoryId, ${userJson('u')} AS json
         FROM (SELECT member_id FROM scim_group_members WHERE group_id = @group AND member_id >= @cursor AND member_type = 'User'
               UNION ALL
               SELECT member_id FROM scim_group_members_retained WHERE group_id = @group AND member_id >= @cursor AND member_type = 'User'
               ORDER BY member_id LIMIT @limit) m
         JOIN scim_users u ON u.id = m.member_id ORDER BY m.member_id`,
      )
      .all({ group: groupId, cursor: cursor ?? '', limit }) as AppResourceRow[];
  }

  organizations(environmentId: string, cursor: string | undefined, limit: number): AppOrganizationRow[] {
    return this.sql
      .prepare(`SELECT ${ORGANIZATION_COLUMNS} FROM organizations o WHERE o.environment_id = ? AND o.id >= ? ORDER BY o.id LIMIT ?`)
      .all(environmentId, cursor ?? '', limit) as AppOrganizationRow[];
  }

  /** A user or group by id, if it belongs to the environment (`columns` name the row `r`). */
  private resource(table: 'scim_users' | 'scim_groups', columns: string, environmentId: string, id: string): AppResourceRow | undefined {
    return this.sql
      .prepare(
        `SELECT ${columns} FROM ${table} r JOIN scim_directories d ON d.id = r.directory_id JOIN organizations o ON o.id = d.organization_id
         WHERE r.id = ? AND o.environment_id = ?`,
      )
      .get(id, environmentId) as AppResourceRow | undefined;
  }

  /** The key that signs page tokens, made once per database (so tokens survive a restart of serve). */
  pageTokenKey(): string {
    return this.sql.prepare("SELECT value FROM settings WHERE name = 'page_token_key'").pluck().get() as string;
  }
}
