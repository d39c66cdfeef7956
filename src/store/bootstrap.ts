import { createDirectory, listDirectories, type Directory } from './directories.js';
import { createEnvironment, listEnvironments } from './environments.js';
import { createOrganization, listOrganizations } from './organizations.js';
import type { Store } from './store.js';

export const DEFAULT_ENVIRONMENT = 'default';
export const DEFAULT_ORGANIZATION = 'Default organization';

/**
 * Zero-config serve: a database without any directory gets a default environment, organization
 * and directory, so `scimctl serve` alone prints a working base URL and token.
 */
export async function ensureDefaultDirectory(store: Store, publicUrl: string): Promise<{ directory: Directory; token: string } | undefined> {
  if ((await listDirectories(store)).length > 0) return undefined;
  const env = (await listEnvironments(store)).find((e) => e.name === DEFAULT_ENVIRONMENT) ?? (await createEnvironment(store, { name: DEFAULT_ENVIRONMENT, publicUrl }));
  const org =
    (await listOrganizations(store, env.id)).find((o) => o.name === DEFAULT_ORGANIZATION) ??
    (await createOrganization(store, { environmentId: env.id, name: DEFAULT_ORGANIZATION, domains: [] }));
  return createDirectory(store, { organizationId: org.id, name: 'default' });
}
