import { Store } from '../../src/store/store.js';

/**
 * A database (from `newDb`) with two environments, dev and prod, each with one directory (named
 * entra-dev and entra-prod): `dir` is the one a test plays into, `other` the one that must stay untouched.
 */
export function twoEnvironments(newDb: () => { db: string }): { db: string; dir: string; other: string } {
  const { db } = newDb();
  const store = new Store(db);
  try {
    const made = ['dev', 'prod'].map((name) => {
      const env = store.environments.create({ name, publicUrl: 'http://localhost:8080' });
      const org = store.organizations.create({ environmentId: env.id, name: `Acme ${name}`, domains: [] });
      return store.directories.create({ organizationId: org.id, name: `entra-${name}` }).directory.id;
    });
    return { db, dir: made[0]!, other: made[1]! };
  } finally {
    store.close();
  }
}
