import type { Context } from './context.js';
import { findEnvironment, listEnvironments, type Environment } from '../store/environments.js';
import { findOrganization, listOrganizations, type Organization } from '../store/organizations.js';
import { findDirectory, listDirectories, type Directory } from '../store/directories.js';

/** Resolve `--env`, or let a person pick one at a TTY. */
export async function pickEnvironment(ctx: Context, ref: string | undefined, flag = '--env <env>'): Promise<Environment> {
  const chosen = await ctx.need(ref, flag, async () => {
    const envs = await listEnvironments(ctx.store);
    return ctx.select(
      'Environment',
      envs.map((e) => ({ name: `${e.name} (${e.id})`, value: e.id })),
      'there are no environments yet; create one with `scimctl env create <name>`',
    );
  });
  return findEnvironment(ctx.store, chosen);
}

export async function pickOrganization(ctx: Context, ref: string | undefined, flag = '--org <org>'): Promise<Organization> {
  const chosen = await ctx.need(ref, flag, async () => {
    const orgs = await listOrganizations(ctx.store);
    return ctx.select(
      'Organization',
      orgs.map((o) => ({ name: `${o.name} (${o.id})`, value: o.id })),
      'there are no organizations yet; create one with `scimctl org create`',
    );
  });
  return findOrganization(ctx.store, chosen);
}

export async function pickDirectory(ctx: Context, ref: string | undefined, flag = '--directory <dir>'): Promise<Directory> {
  const chosen = await ctx.need(ref, flag, async () => {
    const dirs = await listDirectories(ctx.store);
    return ctx.select(
      'SCIM directory',
      dirs.map((d) => ({ name: `${d.name ?? d.id} (${d.id})`, value: d.id })),
      'there are no SCIM directories yet; create one with `scimctl directory create`',
    );
  });
  return findDirectory(ctx.store, chosen);
}
