import { generateToken, hashToken } from '../core/tokens.js';
import { baseUrlFor } from '../core/urls.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { EventRepository } from './events.js';
import type { RunningServerRepository } from './running-servers.js';
import type { Sql } from './sql.js';

export interface Directory {
  id: string;
  organizationId: string;
  environmentId: string;
  name: string | null;
  /** The organization's primary directory: the app API's organizationId selector reads it. */
  primary: boolean;
  /**
   * Where an IdP reaches it now: a running serve's public URL beats the environment's own; a running
   * serve's local URL (its real port) beats an environment URL on this machine.
   */
  baseUrl: string;
  hasToken: boolean;
  tokenCreatedAt: string | null;
  createdAt: string;
}

export interface NewDirectory {
  organizationId: string;
  name?: string | null | undefined;
  token?: string | undefined;
  /** Its id, when it must keep one it had (a seed of an exported directory); a new one otherwise. */
  id?: string | undefined;
}

export interface DirectoryDetails extends Directory {
  userCount: number;
  groupCount: number;
}

const SELECT_DIRECTORIES = `
  SELECT d.id, d.organization_id, o.environment_id, d.name, d.is_primary, d.token_hash IS NOT NULL AS has_token, d.token_created_at, d.created_at, e.public_url
  FROM scim_directories d JOIN organizations o ON o.id = d.organization_id JOIN environments e ON e.id = o.environment_id`;

interface DirectoryRow {
  id: string;
  organization_id: string;
  environment_id: string;
  name: string | null;
  is_primary: number;
  has_token: number;
  token_created_at: string | null;
  created_at: string;
  public_url: string;
}

/**
 * SCIM directories (one IdP connection each) and their bearer tokens. Only a token's SHA-256 hash is
 * stored; a token is returned once, when it is made.
 */
export class DirectoryRepository {
  constructor(
    private readonly sql: Sql,
    private readonly servers: RunningServerRepository,
    private readonly events: EventRepository,
  ) {}

  /** A new directory with a new (or the given) token. An organization's first directory is its primary. */
  create(input: NewDirectory, now = new Date().toISOString()): { directory: Directory; token: string } {
    const token = input.token ?? generateToken();
    return { directory: this.insert(input, hashToken(token), now), token };
  }

  /** A new directory without a token, as SSOReady's API makes them: its first rotation gives it one. */
  createWithoutToken(input: Omit<NewDirectory, 'token'>, now = new Date().toISOString()): Directory {
    return this.insert(input, null, now);
  }

  /** Make this the organization's primary directory (the previous primary stops being one). */
  makePrimary(id: string): void {
    this.sql.transaction(() => {
      const org = this.get(id).organizationId;
      this.sql.prepare('UPDATE scim_directories SET is_primary = 0 WHERE organization_id = ? AND is_primary = 1').run(org);
      this.sql.prepare('UPDATE scim_directories SET is_primary = 1 WHERE id = ?').run(id);
    });
  }

  private insert(input: Omit<NewDirectory, 'token'>, hash: string | null, now: string): Directory {
    const id = input.id ?? this.sql.ids.next('scim_directory');
    this.sql.transaction(() => {
      if (hash !== null) this.checkTokenFree(hash, undefined);
      this.checkNameFree(input.organizationId, input.name ?? null, undefined);
      this.sql
        .prepare(
          `INSERT INTO scim_directories (id, organization_id, name, token_hash, token_created_at, created_at, is_primary)
           VALUES (?, ?, ?, ?, ?, ?, NOT EXISTS (SELECT 1 FROM scim_directories WHERE organization_id = ? AND is_primary = 1))`,
        )
        .run(id, input.organizationId, input.name ?? null, hash, hash === null ? null : now, now, input.organizationId);
    });
    return this.get(id);
  }

  /** All directories, or those of one organization or environment, oldest first. */
  list(filter: { organizationId?: string | undefined; environmentId?: string | undefined } = {}): Directory[] {
    const rows = this.sql
      .prepare(`${SELECT_DIRECTORIES} WHERE (@org IS NULL OR d.organization_id = @org) AND (@env IS NULL OR o.environment_id = @env) ORDER BY d.created_at, d.rowid`)
      .all({ org: filter.organizationId ?? null, env: filter.environmentId ?? null }) as DirectoryRow[];
    const live = this.servers.liveOrigins();
    return rows.map((row) => toDirectory(row, live));
  }

  /** The ids of all directories, or of one environment's, without reading anything else. */
  ids(filter: { environmentId?: string | undefined } = {}): string[] {
    return this.sql
      .prepare('SELECT d.id FROM scim_directories d JOIN organizations o ON o.id = d.organization_id WHERE @env IS NULL OR o.environment_id = @env ORDER BY d.created_at, d.rowid')
      .pluck()
      .all({ env: filter.environmentId ?? null }) as string[];
  }

  findById(id: string): Directory | undefined {
    const row = this.sql.prepare(`${SELECT_DIRECTORIES} WHERE d.id = ?`).get(id) as DirectoryRow | undefined;
    return row && toDirectory(row, this.servers.liveOrigins());
  }

  get(id: string): Directory {
    const found = this.findById(id);
    if (!found) throw new NotFoundError('directory', id);
    return found;
  }

  details(id: string): DirectoryDetails {
    return { ...this.get(id), ...this.counts(id) };
  }

  /** How many live users and groups a directory holds (for a directory already read, e.g. from list()). */
  counts(id: string): { userCount: number; groupCount: number } {
    const count = (table: 'scim_users' | 'scim_groups') =>
      this.sql.prepare(`SELECT count(*) FROM ${table} WHERE directory_id = ? AND deleted_at IS NULL`).pluck().get(id) as number;
    return { userCount: count('scim_users'), groupCount: count('scim_groups') };
  }

  /**
   * The stored token hash of a directory: undefined when there is no such directory, null when it
   * has no token. The SCIM server's auth check, once per request.
   */
  tokenHash(id: string): string | null | undefined {
    const row = this.sql.prepare('SELECT token_hash FROM scim_directories WHERE id = ?').get(id) as { token_hash: string | null } | undefined;
    return row?.token_hash;
  }

  /** Replace the directory's token (a new one, or the given one); the old one stops working with this write. */
  rotateToken(id: string, token = generateToken(), now = new Date().toISOString()): { token: string; tokenCreatedAt: string } {
    const hash = hashToken(token);
    this.sql.transaction(() => {
      this.checkTokenFree(hash, id);
      const result = this.sql.prepare('UPDATE scim_directories SET token_hash = ?, token_created_at = ? WHERE id = ?').run(hash, now, id);
      if (result.changes === 0) throw new NotFoundError('directory', id);
    });
    return { token, tokenCreatedAt: now };
  }

  rename(id: string, name: string | null): void {
    this.sql.transaction(() => {
      const org = this.sql.prepare('SELECT organization_id FROM scim_directories WHERE id = ?').pluck().get(id) as string | undefined;
      if (org === undefined) throw new NotFoundError('directory', id);
      this.checkNameFree(org, name, id);
      this.sql.prepare('UPDATE scim_directories SET name = ? WHERE id = ?').run(name, id);
    });
  }

  /**
   * Deletes its users, groups and logged requests with it (the users and groups first get their
   * deleted events). A deleted primary hands over to the oldest directory left.
   */
  delete(id: string, now = new Date().toISOString()): void {
    this.sql.transaction(() => {
      this.events.retireDirectories([id], now);
      const gone = this.sql.prepare('DELETE FROM scim_directories WHERE id = ? RETURNING organization_id, is_primary').get(id) as
        | { organization_id: string; is_primary: number }
        | undefined;
      if (gone?.is_primary !== 1) return;
      this.sql
        .prepare(
          `UPDATE scim_directories SET is_primary = 1 WHERE id = (SELECT id FROM scim_directories WHERE organization_id = ? ORDER BY created_at, rowid LIMIT 1)`,
        )
        .run(gone.organization_id);
    });
  }

  /** A name identifies a directory within its organization (export and seed match directories by it). */
  private checkNameFree(organizationId: string, name: string | null, ownId: string | undefined): void {
    if (name === null) return;
    const owner = this.sql.prepare('SELECT id FROM scim_directories WHERE organization_id = ? AND name = ? AND id IS NOT ?').pluck().get(organizationId, name, ownId ?? null) as string | undefined;
    if (owner !== undefined) {
      throw new ConflictError('directory', 'name', name, `organization ${organizationId} already has a SCIM directory named "${name}" (${owner}); pick another name`, owner);
    }
  }

  /** A token identifies one directory: giving a second directory the same one would make it ambiguous. */
  private checkTokenFree(hash: string, ownId: string | undefined): void {
    const owner = this.sql.prepare('SELECT id FROM scim_directories WHERE token_hash = ?').pluck().get(hash) as string | undefined;
    if (owner !== undefined && owner !== ownId) {
      throw new ConflictError('directory', 'token', '(hidden)', `already the token of directory ${owner}; give each directory its own token`, owner);
    }
  }
}

/** An environment URL on this machine (the default http://localhost:8080) means "wherever serve listens". */
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function toDirectory(row: DirectoryRow, live: { publicUrl: string | null; localUrl: string | null }): Directory {
  const origin = live.publicUrl ?? (live.localUrl && LOOPBACK.test(row.public_url) ? live.localUrl : row.public_url);
  return {
    id: row.id,
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    name: row.name,
    primary: row.is_primary === 1,
    baseUrl: baseUrlFor(origin, row.id),
    hasToken: row.has_token === 1,
    tokenCreatedAt: row.token_created_at,
    createdAt: row.created_at,
  };
}
