import { conflictError, invalidError, notFoundError } from '../core/errors.js';
import { hasPrefix, newId } from '../core/ids.js';
import type { Store } from './store.js';
import type { EnvironmentsTable } from './schema.js';

export interface Environment {
  id: string;
  name: string;
  publicUrl: string;
  createdAt: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const toEnvironment = (row: EnvironmentsTable): Environment => ({
  id: row.id,
  name: row.name,
  publicUrl: row.public_url,
  createdAt: row.created_at,
});

export function validateEnvironmentName(name: string): string {
  if (!NAME.test(name) || hasPrefix(name, 'env')) {
    throw invalidError(
      `invalid environment name "${name}"`,
      'Use letters, digits, ".", "_" or "-" (up to 63 characters), not starting with "env_"',
    );
  }
  return name;
}

export async function createEnvironment(store: Store, input: { name: string; publicUrl: string }): Promise<Environment> {
  const name = validateEnvironmentName(input.name);
  const db = await store.kysely();
  const existing = await db.selectFrom('environments').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) throw conflictError(`an environment named "${name}" already exists (${existing.id})`);
  const row: EnvironmentsTable = { id: newId('env'), name, public_url: input.publicUrl, created_at: new Date().toISOString() };
  await db.insertInto('environments').values(row).execute();
  return toEnvironment(row);
}

export async function listEnvironments(store: Store): Promise<Environment[]> {
  const rows = store.prepare('SELECT * FROM environments ORDER BY created_at, id').all() as EnvironmentsTable[];
  return rows.map(toEnvironment);
}

/** Find by id, or by name. */
export async function findEnvironment(store: Store, ref: string): Promise<Environment> {
  const row = store.prepare('SELECT * FROM environments WHERE id = @ref OR name = @ref').get({ ref }) as EnvironmentsTable | undefined;
  if (!row) throw notFoundError(`no environment "${ref}"`, 'See `scimctl env list`');
  return toEnvironment(row);
}

export async function setEnvironmentPublicUrl(store: Store, id: string, publicUrl: string): Promise<void> {
  await (await store.kysely()).updateTable('environments').set({ public_url: publicUrl }).where('id', '=', id).execute();
}

export async function deleteEnvironment(store: Store, id: string): Promise<void> {
  await (await store.kysely()).deleteFrom('environments').where('id', '=', id).execute();
}
