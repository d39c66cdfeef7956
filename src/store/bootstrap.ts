import type { Directory } from './directories.js';
import type { Store } from './store.js';

export const DEFAULT_ENVIRONMENT = 'default';
export const DEFAULT_ORGANIZATION = 'Default organization';

/**
 * Zero-config serve: a database without any directory gets a default environment, organization
 * and directory, so `scimctl serve` alone prints a working base URL and token.
 */
export function ensureDefaultDirectory(store: Store, publicUrl: string): { directory: Directory; token: string } | undefined {
  return store.transaction(() => {
    if (store.directories.list().length > 0) return undefined;
    const env = store.environments.findByName(DEFAULT_ENVIRONMENT) ?? store.environments.create({ name: DEFAULT_ENVIRONMENT, publicUrl });
    const org =
      store.organizations.list(env.id).find((o) => o.name === DEFAULT_ORGANIZATION) ??
      store.organizations.create({ environmentId: env.id, name: DEFAULT_ORGANIZATION, domains: [] });
    return store.directories.create({ organizationId: org.id, name: 'default' });
  });
}
