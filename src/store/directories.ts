import { notFoundError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { generateToken, hashToken } from '../core/tokens.js';
import { baseUrlFor } from '../core/urls.js';
import { liveOverrideUrl } from './running-servers.js';
import type { Store } from './store.js';

export interface Directory {
  id: string;
  organizationId: string;
  environmentId: string;
  name: string | null;
  baseUrl: string;
  hasToken: boolean;
  tokenCreatedAt: string | null;
  createdAt: string;
}

export interface DirectoryDetails extends Directory {
  userCount: number;
  groupCount: number;
}

const SELECT_DIRECTORIES = `
  SELECT d.id, d.organization_id, o.environment_id, d.name, d.token_hash IS NOT NULL AS has_token, d.token_created_at, d.created_at, e.public_url
  FROM scim_directories d JOIN organizations o ON o.id = d.organization_id JOIN environments e ON e.id = o.environment_id`;

interface DirectoryRow {
  id: string;
  organization_id: string;
  environment_id: string;
  name: string | null;
  has_token: number;
  token_created_at: string | null;
  created_at: string;
  public_url: string;
}

/** The live public URL of a running `serve` (tunnel or --public-url) beats the environment's own. */
function toDirectory(row: DirectoryRow, override: string | null): Directory {
  return {
    id: row.id,
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    name: row.name,
    baseUrl: baseUrlFor(override ?? row.public_url, row.id),
    hasToken: row.has_token === 1,
    tokenCreatedAt: row.token_created_at,
    createdAt: row.created_at,
  };
}

export async function createDirectory(
  store: Store,
  input: { organizationId: string; name?: string | undefined; token?: string | undefined },
): Promise<{ directory: Directory; token: string }> {
  const token = input.token ?? generateToken();
  const now = new Date().toISOString();
  const id = newId('scim_directory');
  await (await store.kysely())
    .insertInto('scim_directories')
    .values({ id, organization_id: input.organizationId, name: input.name ?? null, token_hash: hashToken(token), token_created_at: now, created_at: now })
    .execute();
  return { directory: await findDirectory(store, id), token };
}

export async function listDirectories(store: Store, filter: { organizationId?: string; environmentId?: string } = {}): Promise<Directory[]> {
  const rows = store
    .prepare(
      `${SELECT_DIRECTORIES} WHERE (@org IS NULL OR d.organization_id = @org) AND (@env IS NULL OR o.environment_id = @env) ORDER BY d.created_at, d.id`,
    )
    .all({ org: filter.organizationId ?? null, env: filter.environmentId ?? null }) as DirectoryRow[];
  const override = liveOverrideUrl(store);
  return rows.map((row) => toDirectory(row, override));
}

export async function findDirectory(store: Store, ref: string): Promise<Directory> {
  const row = store.prepare(`${SELECT_DIRECTORIES} WHERE d.id = ?`).get(ref) as DirectoryRow | undefined;
  if (!row) throw notFoundError(`no SCIM directory "${ref}"`, 'See `scimctl directory list`');
  return toDirectory(row, liveOverrideUrl(store));
}

export async function directoryDetails(store: Store, ref: string): Promise<DirectoryDetails> {
  const directory = await findDirectory(store, ref);
  const count = (table: 'scim_users' | 'scim_groups') =>
    (store.prepare(`SELECT count(*) AS n FROM ${table} WHERE directory_id = ?`).get(directory.id) as { n: number }).n;
  return { ...directory, userCount: count('scim_users'), groupCount: count('scim_groups') };
}

/** Replace the directory's token; the old one stops working with this write. */
export async function rotateToken(store: Store, id: string, token = generateToken()): Promise<{ token: string; tokenCreatedAt: string }> {
  const tokenCreatedAt = new Date().toISOString();
  const result = await (await store.kysely())
    .updateTable('scim_directories')
    .set({ token_hash: hashToken(token), token_created_at: tokenCreatedAt })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFoundError(`no SCIM directory "${id}"`);
  return { token, tokenCreatedAt };
}

export async function deleteDirectory(store: Store, id: string): Promise<void> {
  await (await store.kysely()).deleteFrom('scim_directories').where('id', '=', id).execute();
}
