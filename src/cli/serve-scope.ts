import { CliError } from '../core/errors.js';
import type { Directory } from '../store/index.js';
import type { Context } from './context.js';
import { findDirectory } from './pickers.js';

/** Which directories one serve answers for: every one (undefined), or the ids chosen at start. */
export type ServeScope = ReadonlySet<string> | undefined;

/**
 * `serve --env`/`--directory` (both repeatable; together, their union). The set is fixed at start,
 * like the tokens printed then: a directory made later is served by the next serve, not this one.
 */
export function resolveScope(ctx: Context, envRefs: string[], directoryRefs: string[]): ServeScope {
  if (envRefs.length === 0 && directoryRefs.length === 0) return undefined;
  const store = ctx.store;
  const ids = new Set<string>();
  for (const ref of envRefs) {
    const env = store.environments.get(ref);
    const inEnv = store.directories.list({ environmentId: env.id });
    if (inEnv.length === 0) {
      throw new CliError('not-found', `environment "${env.name}" has no SCIM directories to serve`, 'Create one with `scimctl directory create --org <org>`');
    }
    for (const d of inEnv) ids.add(d.id);
  }
  for (const ref of directoryRefs) ids.add(findDirectory(store, ref).id);
  return ids;
}

/** The directories a serve with this scope answers for, oldest first. */
export function servedDirectories(all: Directory[], scope: ServeScope): Directory[] {
  return scope ? all.filter((d) => scope.has(d.id)) : all;
}
