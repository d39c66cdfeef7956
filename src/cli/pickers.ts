import type { Choice, Context } from './context.js';
import { usageError } from '../core/errors.js';
import type { Directory, Environment, Organization, Store } from '../store/index.js';

interface Picker<T> {
  label: string;
  /** What to say when there is nothing to pick from. */
  empty: string;
  choices: (ctx: Context) => Promise<Choice[]>;
  find: (ctx: Context, ref: string) => Promise<T>;
}

/** Resolve a reference given as a flag or argument, or let a person pick one at a TTY. */
async function pick<T>(ctx: Context, ref: string | undefined, flag: string, picker: Picker<T>): Promise<T> {
  const chosen = await ctx.need(ref, flag, async () => ctx.select(picker.label, await picker.choices(ctx), picker.empty));
  return picker.find(ctx, chosen);
}

const environments: Picker<Environment> = {
  label: 'Environment',
  empty: 'there are no environments yet; create one with `scimctl env create <name>`',
  choices: async (ctx) => ctx.store.environments.list().map((e) => ({ name: `${e.name} (${e.id})`, value: e.id })),
  find: async (ctx, ref) => ctx.store.environments.get(ref),
};

const organizations: Picker<Organization> = {
  label: 'Organization',
  empty: 'there are no organizations yet; create one with `scimctl org create`',
  choices: async (ctx) => ctx.store.organizations.list().map((o) => ({ name: `${o.name} (${o.id})`, value: o.id })),
  find: async (ctx, ref) => findOrganization(ctx.store, ref),
};

const directories: Picker<Directory> = {
  label: 'SCIM directory',
  empty: 'there are no SCIM directories yet; create one with `scimctl directory create`',
  choices: async (ctx) => ctx.store.directories.list().map((d) => ({ name: `${d.name ?? d.id} (${d.id})`, value: d.id })),
  find: async (ctx, ref) => findDirectory(ctx.store, ref),
};

export const pickEnvironment = (ctx: Context, ref: string | undefined, flag = '--env <env>') => pick(ctx, ref, flag, environments);
export const pickOrganization = (ctx: Context, ref: string | undefined, flag = '--org <org>') => pick(ctx, ref, flag, organizations);
export const pickDirectory = (ctx: Context, ref: string | undefined, flag = '--directory <dir>') => pick(ctx, ref, flag, directories);

/** For reading (user list, group list): with one directory in the database there is nothing to ask. */
export async function pickReadDirectory(ctx: Context, ref: string | undefined): Promise<Directory> {
  if (ref === undefined) {
    const all = ctx.store.directories.list();
    if (all.length === 1) return all[0]!;
  }
  return pickDirectory(ctx, ref);
}

/** A directory by id, or by name when exactly one directory has it. */
export function findDirectory(store: Store, ref: string): Directory {
  const byId = store.directories.findById(ref);
  if (byId) return byId;
  const named = store.directories.list().filter((d) => d.name === ref);
  if (named.length > 1) throw usageError(`${named.length} SCIM directories are named "${ref}" (${named.map((d) => d.id).join(', ')})`, 'Use the directory id');
  return named[0] ?? store.directories.get(ref);
}

/** An organization by id, or by external id when exactly one organization (of any environment) has it. */
export function findOrganization(store: Store, ref: string): Organization {
  const byId = store.organizations.findById(ref);
  if (byId) return byId;
  const matches = store.organizations.withExternalId(ref);
  if (matches.length > 1) {
    throw usageError(`external id "${ref}" names ${matches.length} organizations (${matches.map((o) => o.id).join(', ')})`, 'Use the organization id');
  }
  return matches[0] ?? store.organizations.get(ref);
}

/**
 * --env, or the only environment there is. With several and no TTY to ask at, the usage error lists
 * them, so the next try can name one.
 */
export async function soleEnvironment(ctx: Context, ref: string | undefined): Promise<Environment> {
  if (ref !== undefined) return ctx.store.environments.get(ref);
  const all = ctx.store.environments.list();
  if (all.length === 1) return all[0]!;
  if (all.length > 1 && (!ctx.interactive || ctx.json)) {
    throw usageError('missing required --env <env>: this database has several environments', `Pass --env with one of: ${all.map((e) => e.name).join(', ')}`);
  }
  return pickEnvironment(ctx, undefined);
}
