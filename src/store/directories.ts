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

/** The live public URL of a running `serve` (tunnel or --public-url) beats the environment's own. */
function directoryQuery(store: Store) {
  return store.kysely
    .selectFrom('scim_directories as d')
    .innerJoin('organizations as o', 'o.id', 'd.organization_id')
    .innerJoin('environments as e', 'e.id', 'o.environment_id')
    .select(['d.id', 'd.organization_id', 'o.environment_id', 'd.name', 'd.token_hash', 'd.token_created_at', 'd.created_at', 'e.public_url']);
}

type DirectoryRow = Awaited<ReturnType<ReturnType<typeof directoryQuery>['execute']>>[number];

function toDirectory(row: DirectoryRow, override: string | null): Directory {
  return {
    id: row.id,
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    name: row.name,
    baseUrl: baseUrlFor(override ?? row.public_url, row.id),
    hasToken: row.token_hash !== null,
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
  await store.kysely
    .insertInto('scim_directories')
    .values({ id, organization_id: input.organizationId, name: input.name ?? null, token_hash: hashToken(token), token_created_at: now, created_at: now })
    .execute();
  return { directory: await findDirectory(store, id), token };
}

export async function listDirectories(store: Store, filter: { organizationId?: string; environmentId?: string } = {}): Promise<Directory[]> {
  let query = directoryQuery(store).orderBy('d.created_at').orderBy('d.id');
  if (filter.organizationId) query = query.where('d.organization_id', '=', filter.organizationId);
  if (filter.environmentId) query = query.where('o.environment_id', '=', filter.environmentId);
  const override = liveOverrideUrl(store);
  return (await query.execute()).map((row) => toDirectory(row, override));
}

export async function findDirectory(store: Store, ref: string): Promise<Directory> {
  const row = await directoryQuery(store).where('d.id', '=', ref).executeTakeFirst();
  if (!row) throw notFoundError(`no SCIM directory "${ref}"`, 'See `scimctl directory list`');
  return toDirectory(row, liveOverrideUrl(store));
}

export async function directoryDetails(store: Store, ref: string): Promise<DirectoryDetails> {
  const directory = await findDirectory(store, ref);
  const count = (table: 'scim_users' | 'scim_groups') =>
    store.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('directory_id', '=', directory.id)
      .executeTakeFirstOrThrow();
  const [users, groups] = await Promise.all([count('scim_users'), count('scim_groups')]);
  return { ...directory, userCount: Number(users.n), groupCount: Number(groups.n) };
}

/** Replace the directory's token; the old one stops working with this write. */
export async function rotateToken(store: Store, id: string, token = generateToken()): Promise<{ token: string; tokenCreatedAt: string }> {
  const tokenCreatedAt = new Date().toISOString();
  const result = await store.kysely
    .updateTable('scim_directories')
    .set({ token_hash: hashToken(token), token_created_at: tokenCreatedAt })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFoundError(`no SCIM directory "${id}"`);
  return { token, tokenCreatedAt };
}

export async function deleteDirectory(store: Store, id: string): Promise<void> {
  await store.kysely.deleteFrom('scim_directories').where('id', '=', id).execute();
}
