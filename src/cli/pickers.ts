import type { Choice, Context } from './context.js';
import { findEnvironment, listEnvironments, type Environment } from '../store/environments.js';
import { findOrganization, listOrganizations, type Organization } from '../store/organizations.js';
import { findDirectory, listDirectories, type Directory } from '../store/directories.js';

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
  choices: async (ctx) => (await listEnvironments(ctx.store)).map((e) => ({ name: `${e.name} (${e.id})`, value: e.id })),
  find: (ctx, ref) => findEnvironment(ctx.store, ref),
};

const organizations: Picker<Organization> = {
  label: 'Organization',
  empty: 'there are no organizations yet; create one with `scimctl org create`',
  choices: async (ctx) => (await listOrganizations(ctx.store)).map((o) => ({ name: `${o.name} (${o.id})`, value: o.id })),
  find: (ctx, ref) => findOrganization(ctx.store, ref),
};

const directories: Picker<Directory> = {
  label: 'SCIM directory',
  empty: 'there are no SCIM directories yet; create one with `scimctl directory create`',
  choices: async (ctx) => (await listDirectories(ctx.store)).map((d) => ({ name: `${d.name ?? d.id} (${d.id})`, value: d.id })),
  find: (ctx, ref) => findDirectory(ctx.store, ref),
};

export const pickEnvironment = (ctx: Context, ref: string | undefined, flag = '--env <env>') => pick(ctx, ref, flag, environments);
export const pickOrganization = (ctx: Context, ref: string | undefined, flag = '--org <org>') => pick(ctx, ref, flag, organizations);
export const pickDirectory = (ctx: Context, ref: string | undefined, flag = '--directory <dir>') => pick(ctx, ref, flag, directories);
