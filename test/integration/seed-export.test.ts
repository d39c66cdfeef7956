import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFixture } from '../../src/fixtures/apply.js';
import { exportFixture } from '../../src/fixtures/export.js';
import { validateFixture } from '../../src/fixtures/validate.js';
import { normalizeGroup, normalizeResource } from '../../src/scim/normalize.js';
import { GroupRepository } from '../../src/store/groups.js';
import { Store } from '../../src/store/store.js';
import { UserRepository } from '../../src/store/users.js';
import { tempDb } from '../helpers/cli.js';
import { rawDb } from '../helpers/db.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const acme = (): Json => JSON.parse(readFileSync(new URL('../../fixtures/acme.json', import.meta.url), 'utf8'));
const seed = (store: Store, fixture: unknown, options: { prune?: boolean } = {}) =>
  applyFixture(store, validateFixture(structuredClone(fixture), 'test.json'), { source: 'test.json', ...options });

/**
 * A directory's content with ids replaced by names, so two databases can be compared: users by
 * userName (manager as the manager's userName), groups by displayName, memberships as names.
 */
function world(store: Store) {
  const names = new Map<string, string>();
  const users = rawDb(store).prepare('SELECT id, user_name, external_id, display_name, active, attributes FROM scim_users ORDER BY seq').all() as Json[];
  const groups = rawDb(store).prepare('SELECT id, display_name, external_id, attributes FROM scim_groups ORDER BY seq').all() as Json[];
  for (const u of users) names.set(u.id as string, u.user_name as string);
  for (const g of groups) names.set(g.id as string, `group:${g.display_name as string}`);
  const members = rawDb(store).prepare('SELECT group_id, member_id, member_type FROM scim_group_members').all() as Json[];
  return {
    users: users.map(({ id: _id, attributes, ...columns }) => {
      const attrs = JSON.parse(attributes as string) as Json;
      const ext = attrs[ENT] as Json | undefined;
      if (ext?.manager) ext.manager = { ...(ext.manager as Json), value: names.get((ext.manager as Json).value as string) };
      return { ...columns, attrs };
    }),
    groups: groups.map(({ id: _id, attributes, ...columns }) => ({ ...columns, attrs: JSON.parse(attributes as string) })),
    members: members.map((m) => `${names.get(m.group_id as string)} <- ${m.member_type as string} ${names.get(m.member_id as string)}`).sort(),
  };
}

let temps: ReturnType<typeof tempDb>[];
let stores: Store[];
const open = () => {
  const temp = tempDb();
  temps.push(temp);
  const store = new Store(temp.db);
  stores.push(store);
  return store;
};

beforeEach(() => {
  temps = [];
  stores = [];
});
afterEach(() => {
  for (const s of stores) s.close();
  for (const t of temps) t.cleanup();
});

describe('export → seed round trip', () => {
  it('gives the same users, groups and memberships, and exports back to the same file', async () => {
    const source = open();
    const report = seed(source, acme());
    const dirId = report.directories[0]!.id;
    // Things the seed did not write: an IdP-provisioned user in Entra's quirky shape, a group named
    // like a userName, an organization without external id whose directory has no name.
    const users = source.users;
    const groups = source.groups;
    const hank = users.create(dirId, normalizeResource('User', { UserName: 'hank@acme.test', Active: 'False', name: { GivenName: 'Hank' }, [`${ENT}:manager`]: 'scim_user_gone' }), 'now');
    const clash = normalizeGroup({ displayName: 'alice@acme.test', members: [{ value: hank.id }] });
    groups.create(dirId, clash.attributes, clash.members!, 'now');
    const envId = (rawDb(source).prepare("SELECT id FROM environments WHERE name = 'demo'").get() as { id: string }).id;
    const bare = source.organizations.create({ environmentId: envId, name: 'No external id', domains: [] });
    source.directories.create({ organizationId: bare.id });

    const exported = exportFixture(source, 'demo');
    expect(exported.counts).toEqual({ organizations: 2, directories: 2, users: 7, groups: 5 });
    const text = JSON.stringify(exported.fixture);
    expect(text).not.toContain('scimctl_sk_');
    expect(text).not.toMatch(/scim_user_|scim_group_/);

    const target = open();
    const seeded = seed(target, exported.fixture);
    expect(seeded.summary.created).toBe(1 + 2 + 2 + 7 + 5);
    // A manager outside the directory cannot be written as a key, so the export drops it.
    const expected = world(source);
    const hankAttrs = expected.users.find((u) => (u as Json).user_name === 'hank@acme.test')!.attrs;
    delete hankAttrs[ENT];
    expect(world(target)).toEqual(expected);
    expect(exportFixture(target, 'demo').fixture).toEqual(exported.fixture);
    // And seeding the export over its own source changes nothing but Hank's dangling manager.
    expect(seed(source, exported.fixture).counts.users).toMatchObject({ updated: 1, unchanged: 6 });
  });

  it('exports an organization or a single directory inside its environment', () => {
    const store = open();
    const report = seed(store, acme());
    const byDirectory = exportFixture(store, report.directories[0]!.id).fixture;
    const byOrg = exportFixture(store, 'acme').fixture;
    expect(byDirectory).toEqual(byOrg);
    const env = byOrg.environments[0]!;
    expect(env).toMatchObject({ name: 'demo', publicUrl: 'http://localhost:8080' });
    const org = env.organizations![0]!;
    expect(org).toMatchObject({ key: 'acme', name: 'Acme Corporation', domains: ['acme.test'] });
    expect(org.directories![0]!.key).toBe('Entra ID');
    expect(org.directories![0]!.token).toBeUndefined();
    const dave = org.directories![0]!.users!.find((u) => u.userName === 'dave@acme.test')!;
    expect((dave[ENT] as Json).manager).toEqual({ value: 'bob@acme.test' });
    expect(org.directories![0]!.groups!.find((g) => g.displayName === 'All employees')!.members).toEqual(['Engineering', 'alice@acme.test', 'Sales']);
  });

  it('names what it could not find', () => {
    const store = open();
    expect(() => exportFixture(store, 'nope')).toThrow('no environment, organization or directory "nope"');
    expect(() => exportFixture(store, 'scim_directory_x')).toThrow('no SCIM directory "scim_directory_x"');
  });
});
