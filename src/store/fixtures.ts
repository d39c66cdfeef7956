/**
 * The SQL behind `scimctl seed` and `scimctl export`. Seeding writes 100k users in one transaction, so
 * everything here is a cached prepared statement run per row (no kysely per row), and the reads load a
 * directory's whole state in one query each rather than one query per user.
 */
import type { Store } from './store.js';
import { userColumns } from './users.js';

export interface EnvironmentRow {
  id: string;
  name: string;
  public_url: string;
}

export interface OrganizationRow {
  id: string;
  display_name: string;
  external_id: string | null;
}

export interface DirectoryRow {
  id: string;
  organization_id: string;
  name: string | null;
  token_hash: string | null;
}

/** A user (name = user_name) or group (name = display_name) with its stored attributes JSON. */
export interface ResourceStateRow {
  id: string;
  name: string;
  attributes: string;
}

export interface MemberRow {
  group_id: string;
  member_id: string;
  member_type: 'User' | 'Group';
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Page cache for a bulk seed, in KiB: big enough that 100k users' pages stay in memory until the commit. */
const BULK_CACHE_KIB = 256 * 1024;

export class FixtureSql {
  constructor(private readonly store: Store) {}

  /**
   * Run `fn` with a larger page cache on this connection. With SQLite's default 2 MiB, a 100k-user
   * transaction spills dirty pages to the WAL mid-way and rewrites them at commit (~10% slower);
   * the cache only grows as pages are touched, so small seeds cost nothing extra.
   */
  withBulkCache<T>(fn: () => T): T {
    const previous = this.store.db.pragma('cache_size', { simple: true }) as number;
    this.store.db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    try {
      return fn();
    } finally {
      this.store.db.pragma(`cache_size = ${previous}`);
    }
  }

  // Environments ------------------------------------------------------------------------------
  environmentByName(name: string): EnvironmentRow | undefined {
    return this.store.prepare('SELECT id, name, public_url FROM environments WHERE name = ?').get(name) as EnvironmentRow | undefined;
  }

  environments(): EnvironmentRow[] {
    return this.store.prepare('SELECT id, name, public_url FROM environments ORDER BY created_at, id').all() as EnvironmentRow[];
  }

  environmentById(id: string): EnvironmentRow | undefined {
    return this.store.prepare('SELECT id, name, public_url FROM environments WHERE id = ?').get(id) as EnvironmentRow | undefined;
  }

  insertEnvironment(id: string, name: string, publicUrl: string, now: string): void {
    this.store.prepare('INSERT INTO environments (id, name, public_url, created_at) VALUES (?, ?, ?, ?)').run(id, name, publicUrl, now);
  }

  setPublicUrl(id: string, publicUrl: string): void {
    this.store.prepare('UPDATE environments SET public_url = ? WHERE id = ?').run(publicUrl, id);
  }

  // Organizations -----------------------------------------------------------------------------
  organizationsIn(environmentId: string): OrganizationRow[] {
    return this.store
      .prepare('SELECT id, display_name, external_id FROM organizations WHERE environment_id = ? ORDER BY created_at, id')
      .all(environmentId) as OrganizationRow[];
  }

  organizationsWhere(column: 'id' | 'external_id', value: string): (OrganizationRow & { environment_id: string })[] {
    return this.store
      .prepare(`SELECT id, environment_id, display_name, external_id FROM organizations WHERE ${column} = ? ORDER BY created_at, id`)
      .all(value) as (OrganizationRow & { environment_id: string })[];
  }

  /** Every domain of the environment with its owner: domains are unique per environment. */
  domainsIn(environmentId: string): { organization_id: string; domain: string }[] {
    return this.store
      .prepare(
        `SELECT d.organization_id, d.domain FROM organization_domains d JOIN organizations o ON o.id = d.organization_id
         WHERE o.environment_id = ? ORDER BY d.domain`,
      )
      .all(environmentId) as { organization_id: string; domain: string }[];
  }

  insertOrganization(id: string, environmentId: string, name: string, externalId: string, now: string): void {
    this.store
      .prepare('INSERT INTO organizations (id, environment_id, display_name, external_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, environmentId, name, externalId, now);
  }

  renameOrganization(id: string, name: string): void {
    this.store.prepare('UPDATE organizations SET display_name = ? WHERE id = ?').run(name, id);
  }

  addDomain(organizationId: string, domain: string): void {
    this.store.prepare('INSERT INTO organization_domains (organization_id, domain) VALUES (?, ?)').run(organizationId, domain);
  }

  removeDomain(organizationId: string, domain: string): void {
    this.store.prepare('DELETE FROM organization_domains WHERE organization_id = ? AND domain = ?').run(organizationId, domain);
  }

  deleteOrganization(id: string): void {
    this.store.prepare('DELETE FROM organizations WHERE id = ?').run(id);
  }

  // Directories -------------------------------------------------------------------------------
  directoriesIn(organizationId: string): DirectoryRow[] {
    return this.store
      .prepare('SELECT id, organization_id, name, token_hash FROM scim_directories WHERE organization_id = ? ORDER BY created_at, id')
      .all(organizationId) as DirectoryRow[];
  }

  directoryById(id: string): DirectoryRow | undefined {
    return this.store.prepare('SELECT id, organization_id, name, token_hash FROM scim_directories WHERE id = ?').get(id) as DirectoryRow | undefined;
  }

  directoryByTokenHash(hash: string): { id: string } | undefined {
    return this.store.prepare('SELECT id FROM scim_directories WHERE token_hash = ?').get(hash) as { id: string } | undefined;
  }

  insertDirectory(id: string, organizationId: string, name: string, tokenHash: string, now: string): void {
    this.store
      .prepare('INSERT INTO scim_directories (id, organization_id, name, token_hash, token_created_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, organizationId, name, tokenHash, now, now);
  }

  setTokenHash(id: string, tokenHash: string, now: string): void {
    this.store.prepare('UPDATE scim_directories SET token_hash = ?, token_created_at = ? WHERE id = ?').run(tokenHash, now, id);
  }

  deleteDirectory(id: string): void {
    this.store.prepare('DELETE FROM scim_directories WHERE id = ?').run(id);
  }

  // Users and groups --------------------------------------------------------------------------
  usersIn(directoryId: string): ResourceStateRow[] {
    return this.store
      .prepare('SELECT id, user_name AS name, attributes FROM scim_users WHERE directory_id = ? ORDER BY seq')
      .all(directoryId) as ResourceStateRow[];
  }

  groupsIn(directoryId: string): ResourceStateRow[] {
    return this.store
      .prepare('SELECT id, display_name AS name, attributes FROM scim_groups WHERE directory_id = ? ORDER BY seq')
      .all(directoryId) as ResourceStateRow[];
  }

  /** Memberships of the directory's groups, members in the order they were created (as the server lists them). */
  membersIn(directoryId: string): MemberRow[] {
    return this.store
      .prepare(
        `SELECT m.group_id, m.member_id, m.member_type FROM scim_group_members m
         JOIN scim_groups g ON g.id = m.group_id
         LEFT JOIN scim_users u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN scim_groups mg ON m.member_type = 'Group' AND mg.id = m.member_id
         WHERE g.directory_id = ? ORDER BY g.seq, coalesce(u.seq, mg.seq)`,
      )
      .all(directoryId) as MemberRow[];
  }

  insertUser(id: string, directoryId: string, attributes: Record<string, unknown>, json: string, now: string): void {
    const c = userColumns(attributes);
    this.store
      .prepare(
        `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(id, directoryId, c.userName, c.externalId, c.displayName, c.active, json, now, now);
  }

  updateUser(id: string, attributes: Record<string, unknown>, json: string, now: string): void {
    const c = userColumns(attributes);
    this.store
      .prepare(
        `UPDATE scim_users SET user_name = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, updated_at = ?, version = version + 1
         WHERE id = ?`,
      )
      .run(c.userName, c.externalId, c.displayName, c.active, json, now, id);
  }

  deleteUser(id: string): void {
    this.store.prepare('DELETE FROM scim_users WHERE id = ?').run(id);
  }

  insertGroup(id: string, directoryId: string, attributes: Record<string, unknown>, json: string, now: string): void {
    this.store
      .prepare(
        `INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(id, directoryId, String(attributes.displayName), str(attributes.externalId), json, now, now);
  }

  /** New attributes and/or members: one version bump, as a SCIM PUT would do. */
  updateGroup(id: string, attributes: Record<string, unknown>, json: string, now: string): void {
    this.store
      .prepare('UPDATE scim_groups SET display_name = ?, external_id = ?, attributes = ?, updated_at = ?, version = version + 1 WHERE id = ?')
      .run(String(attributes.displayName), str(attributes.externalId), json, now, id);
  }

  deleteGroup(id: string): void {
    this.store.prepare('DELETE FROM scim_groups WHERE id = ?').run(id);
  }

  addMember(groupId: string, memberId: string, type: 'User' | 'Group'): void {
    this.store.prepare('INSERT INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)').run(groupId, memberId, type);
  }

  removeMember(groupId: string, memberId: string): void {
    this.store.prepare('DELETE FROM scim_group_members WHERE group_id = ? AND member_id = ?').run(groupId, memberId);
  }
}
