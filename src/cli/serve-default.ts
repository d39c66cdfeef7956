import { DEFAULT_ENVIRONMENT, DEFAULT_ORGANIZATION, ensureDefaultDirectory, type Directory, type Environment, type Store } from '../store/index.js';
import type { Context } from './context.js';

type Created = { directory: Directory; token: string } | undefined;

/**
 * Zero-config serve on a database with no directory. A database that already has environments
 * gets its directory there, not in a surprise `default` environment next to them: the only one, or
 * (at a terminal) the one the user picks. With none, or several and no terminal, the store's
 * default environment as before.
 */
export async function defaultDirectory(ctx: Context, publicUrl: string): Promise<Created> {
  const store = ctx.store;
  if (store.directories.list().length > 0) return undefined;
  const envs = store.environments.list();
  const home = envs.length === 1 ? envs[0] : envs.length > 1 && ctx.interactive && !ctx.json && !envs.some((e) => e.name === DEFAULT_ENVIRONMENT) ? await ask(ctx, envs) : undefined;
  if (home) return directoryIn(store, home);
  const created = ensureDefaultDirectory(store, publicUrl);
  // Several environments and nobody to ask: say where the directory went, rather than let a new
  // environment appear unannounced beside them.
  if (envs.length > 1 && !envs.some((e) => e.name === DEFAULT_ENVIRONMENT)) {
    ctx.notice(`This database has ${envs.length} environments and no SCIM directory; with no terminal to ask which, the default directory goes into a new environment "${DEFAULT_ENVIRONMENT}". To put it elsewhere: scimctl directory create --org <org>`);
  }
  return created;
}

async function ask(ctx: Context, envs: Environment[]): Promise<Environment> {
  const id = await ctx.select('No SCIM directory yet; create the default one in which environment?', envs.map((e) => ({ name: e.name, value: e.id })), 'no environments');
  return envs.find((e) => e.id === id)!;
}

/** The environment's only organization, else a default one; a directory named "default" in it. */
function directoryIn(store: Store, env: Environment): Created {
  return store.transaction(() => {
    const orgs = store.organizations.list(env.id);
    const org =
      (orgs.length === 1 ? orgs[0] : orgs.find((o) => o.name === DEFAULT_ORGANIZATION)) ??
      store.organizations.create({ environmentId: env.id, name: DEFAULT_ORGANIZATION, domains: [] });
    return store.directories.create({ organizationId: org.id, name: 'default' });
  });
}
