import { generateApiKey, hashToken, tokenMatches } from '../core/tokens.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { Sql } from './sql.js';

/** An API key as listed: never the key itself, which exists only in the answer to create(). */
export interface ApiKey {
  id: string;
  name: string | null;
  environmentId: string;
  /** May call the management endpoints (organizations, directories). */
  management: boolean;
  createdAt: string;
}

/** What a presented key is allowed to do: the environment it sees, and whether it may manage. */
export interface ApiKeyGrant {
  id: string;
  environmentId: string;
  management: boolean;
}

interface ApiKeyRow {
  id: string;
  name: string | null;
  environment_id: string;
  management: number;
  created_at: string;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  environmentId: row.environment_id,
  management: row.management === 1,
  createdAt: row.created_at,
});

/** Keys for the app API, one environment each. Only a key's SHA-256 hash is stored. */
export class ApiKeyRepository {
  constructor(private readonly sql: Sql) {}

  /** A new key (or the given one, from a fixture): returned once, here, and never again. */
  create(
    input: { environmentId: string; name?: string | null | undefined; management: boolean; key?: string | undefined },
    now = new Date().toISOString(),
  ): { apiKey: ApiKey; key: string } {
    const key = input.key ?? generateApiKey();
    const id = this.sql.ids.next('api_key');
    this.sql.transaction(() => {
      const owner = this.sql.prepare('SELECT id FROM api_keys WHERE key_hash = ?').pluck().get(hashToken(key)) as string | undefined;
      if (owner !== undefined) throw new ConflictError('api key', 'key', '(hidden)', `already the value of API key ${owner}; give each key its own value`, owner);
      this.sql
        .prepare('INSERT INTO api_keys (id, environment_id, name, key_hash, management, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, input.environmentId, input.name ?? null, hashToken(key), input.management ? 1 : 0, now);
    });
    return { apiKey: this.get(id), key };
  }

  /** All keys, or those of one environment, oldest first. */
  list(environmentId?: string): ApiKey[] {
    const rows = this.sql
      .prepare('SELECT id, name, environment_id, management, created_at FROM api_keys WHERE @env IS NULL OR environment_id = @env ORDER BY created_at, id')
      .all({ env: environmentId ?? null }) as ApiKeyRow[];
    return rows.map(toApiKey);
  }

  get(id: string): ApiKey {
    const row = this.sql.prepare('SELECT id, name, environment_id, management, created_at FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
    if (!row) throw new NotFoundError('api key', id);
    return toApiKey(row);
  }

  /** Revoked keys stop working with this write: the next request that presents one is refused. */
  revoke(id: string): void {
    if (this.sql.prepare('DELETE FROM api_keys WHERE id = ?').run(id).changes === 0) throw new NotFoundError('api key', id);
  }

  /**
   * The grant of a presented key, or undefined. Looked up by hash (a key's hash is unique), then
   * compared in constant time, as the SCIM tokens are.
   */
  authenticate(presented: string): ApiKeyGrant | undefined {
    const hash = hashToken(presented);
    const row = this.sql.prepare('SELECT id, environment_id, management, key_hash FROM api_keys WHERE key_hash = ?').get(hash) as
      | { id: string; environment_id: string; management: number; key_hash: string }
      | undefined;
    if (!tokenMatches(presented, row?.key_hash)) return undefined;
    return { id: row!.id, environmentId: row!.environment_id, management: row!.management === 1 };
  }
}
