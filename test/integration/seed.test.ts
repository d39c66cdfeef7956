import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFixture } from '../../src/fixtures/apply.js';
import type { SeedReport } from '../../src/fixtures/format.js';
import { FixtureError } from '../../src/fixtures/issues.js';
import { validateFixture } from '../../src/fixtures/validate.js';
import { Store } from '../../src/store/store.js';
import { UserRepository } from '../../src/store/users.js';
import { tempDb } from '../helpers/cli.js';
import { rawDb } from '../helpers/db.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const acme = (): Json => JSON.parse(readFileSync(new URL('../../fixtures/acme.json', import.meta.url), 'utf8'));
const env = (f: Json) => (f.environments as Json[])[0]!;
const org = (f: Json) => (env(f).organizations as Json[])[0]!;
const dir = (f: Json) => (org(f).directories as Json[])[0]!;
const users = (f: Json) => dir(f).users as Json[];
const groups = (f: Json) => dir(f).groups as Json[];

const TABLES = ['environments', 'organizations', 'organization_domains', 'scim_directories', 'scim_users', 'scim_groups', 'scim_group_members'];

/** Every row of every table the seed touches: "nothing changed" means this is identical. */
function snapshot(store: Store): Record<string, unknown[]> {
  return Object.fromEntries(TABLES.map((t) => [t, rawDb(store).prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
}

let temp: ReturnType<typeof tempDb>;
let store: Store;
const seed = (fixture: unknown, options: { prune?: boolean; dryRun?: boolean } = {}): SeedReport =>
  applyFixture(store, validateFixture(structuredClone(fixture), 'test.json'), { source: 'test.json', ...options });
const user = (userName: string) => rawDb(store).prepare('SELECT * FROM scim_users WHERE user_name = ?').get(userName) as Json & { attributes: string; version: number; id: string };
const membersOf = (displayName: string) =>
  (rawDb(store)
    .prepare(
      `SELECT coalesce(u.user_name, mg.display_name) AS name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
       LEFT JOIN scim_users u ON u.id = m.member_id LEFT JOIN scim_groups mg ON mg.id = m.member_id WHERE g.display_name = ? ORDER BY 1`,
    )
    .all(displayName) as { name: string }[]).map((r) => r.name);

beforeEach(() => {
  temp = tempDb();
  store = new Store(temp.db);
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('seed', () => {
  it('creates the acme world, with managers as ids and the fixed token hashed', () => {
    const report = seed(acme());
    expect(report.summary).toEqual({ created: 14, updated: 0, unchanged: 0, removed: 0, wouldRemove: 0 });
    expect(report.counts.users.created).toBe(6);
    expect(report.changed).toBe(true);
    const [d] = report.directories;
    expect(d).toMatchObject({ environment: 'demo', organization: 'acme', key: 'entra', name: 'Entra ID', status: 'created', tokenSource: 'fixed', users: 6, groups: 4 });
    expect(d!.baseUrl).toBe(`http://localhost:8080/scim/v2/${d!.id}`);
    const row = rawDb(store).prepare('SELECT token_hash FROM scim_directories').get() as { token_hash: string };
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(snapshot(store))).not.toContain(d!.token);
    const bob = user('bob@acme.test');
    expect(JSON.parse(user('dave@acme.test').attributes)[ENT].manager).toEqual({ value: bob.id });
    expect(membersOf('All employees')).toEqual(['Engineering', 'Sales', 'alice@acme.test']);
  });

  it('is idempotent: a second run changes no row, id, version or timestamp', () => {
    seed(acme());
    const before = snapshot(store);
    const again = seed(acme());
    expect(again.changed).toBe(false);
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 14, removed: 0, wouldRemove: 0 });
    expect(again.directories[0]!.status).toBe('unchanged');
    expect(snapshot(store)).toEqual(before);
  });

  it('updates exactly what changed in the file', () => {
    seed(acme());
    const before = snapshot(store);
    const bobBefore = user('bob@acme.test');
    const f = acme();
    users(f)[3]!.title = 'Staff Engineer';
    groups(f)[0]!.members = ['bob', 'dave', 'frank'];
    org(f).domains = ['acme.test', 'acme.example'];
    users(f).push({ key: 'gina', userName: 'gina@acme.test', [ENT]: { manager: { value: 'dave' } } });
    const report = seed(f);
    expect(report.counts.users).toEqual({ created: 1, updated: 1, unchanged: 5, removed: 0, wouldRemove: 0 });
    expect(report.counts.groups).toEqual({ created: 0, updated: 1, unchanged: 3, removed: 0, wouldRemove: 0 });
    expect(report.counts.organizations.updated).toBe(1);
    expect(user('dave@acme.test').version).toBe(2);
    expect(JSON.parse(user('dave@acme.test').attributes).title).toBe('Staff Engineer');
    expect(user('bob@acme.test')).toEqual(bobBefore);
    expect(membersOf('Engineering')).toEqual(['bob@acme.test', 'dave@acme.test', 'frank@acme.test']);
    expect(JSON.parse(user('gina@acme.test').attributes)[ENT].manager.value).toBe(user('dave@acme.test').id);
    // Ids survive: the same directory, the same users.
    const after = snapshot(store);
    expect(after.scim_directories).toEqual(before.scim_directories);
  });

  it('matches users case-insensitively, including ones an IdP provisioned', () => {
    const first = seed(acme());
    const carol = store.users.create(first.directories[0]!.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'CAROL2@acme.test' }, 'now');
    const f = acme();
    users(f).push({ userName: 'carol2@ACME.test' });
    const report = seed(f);
    expect(report.counts.users).toMatchObject({ created: 0, updated: 1 });
    expect(user('carol2@ACME.test').id).toBe(carol.id);
  });

  it('reports what it would remove, and removes it only with --prune', () => {
    seed(acme());
    const f = acme();
    users(f).splice(5, 1); // frank
    groups(f).splice(1, 1); // Sales
    groups(f)[0]!.members = ['bob', 'dave', 'erin'];
    groups(f)[2]!.members = ['alice', 'engineering'];
    const dry = seed(f);
    expect(dry.counts.users.wouldRemove).toBe(1);
    expect(dry.counts.groups.wouldRemove).toBe(1);
    expect(dry.removals.map((r) => `${r.kind} ${r.name}`)).toEqual(['group Sales', 'user frank@acme.test']);
    expect(user('frank@acme.test')).toBeDefined();
    const frank = user('frank@acme.test');
    const pruned = seed(f, { prune: true });
    expect(pruned.counts.users).toMatchObject({ removed: 1, wouldRemove: 0 });
    // Removed as an IdP's DELETE removes: softly, so the app still reads the user, deleted.
    expect(user('frank@acme.test')).toMatchObject({ id: frank.id, deleted_at: expect.stringMatching(/^\d{4}-/) });
    expect(membersOf('Sales')).toEqual([]);
    expect(seed(f, { prune: true }).changed).toBe(false);
    // Listing the user again revives the same row, as a SCIM POST of its userName does.
    const back = seed(acme());
    expect(back.counts.users).toMatchObject({ created: 1, removed: 0 });
    expect(user('frank@acme.test')).toMatchObject({ id: frank.id, deleted_at: null });
    expect(seed(acme()).changed).toBe(false);
  });

  it('prunes organizations and directories only inside the fixture\'s environments', async () => {
    seed(acme());
    const demo = rawDb(store).prepare("SELECT id FROM environments WHERE name = 'demo'").get() as { id: string };
    const extra = store.organizations.create({ environmentId: demo.id, name: 'Extra', externalId: 'extra', domains: [] });
    const acmeOrg = rawDb(store).prepare("SELECT id FROM organizations WHERE external_id = 'acme'").get() as { id: string };
    store.directories.create({ organizationId: acmeOrg.id, name: 'Okta' });
    const other = store.environments.create({ name: 'other', publicUrl: 'http://localhost:9000' });
    store.organizations.create({ environmentId: other.id, name: 'Untouched', domains: [] });
    const report = seed(acme());
    expect(report.removals.map((r) => `${r.kind} ${r.name}`)).toEqual(['organization extra', 'directory Okta']);
    seed(acme(), { prune: true });
    expect(rawDb(store).prepare('SELECT id FROM organizations WHERE id = ?').get(extra.id)).toBeUndefined();
    expect(rawDb(store).prepare("SELECT count(*) AS n FROM scim_directories WHERE name = 'Okta'").get()).toEqual({ n: 0 });
    expect(rawDb(store).prepare("SELECT count(*) AS n FROM organizations WHERE display_name = 'Untouched'").get()).toEqual({ n: 1 });
  });

  it('is atomic: a conflict found late leaves every row as it was', async () => {
    seed(acme());
    const other = store.environments.create({ name: 'other', publicUrl: 'http://localhost:9000' });
    const outside = store.organizations.create({ environmentId: other.id, name: 'Outside', domains: [] });
    const taken = store.directories.create({ organizationId: outside.id, name: 'x' });
    const before = snapshot(store);
    const f = acme();
    users(f)[0]!.title = 'Changed';
    // A second environment whose directory reuses a token already held outside the fixture.
    (f.environments as Json[]).push({ name: 'second', organizations: [{ key: 'o', name: 'O', directories: [{ key: 'd', token: taken.token, users: [{ userName: 'x@y.z' }] }] }] });
    expect(() => seed(f)).toThrow(FixtureError);
    expect(() => seed(f)).toThrow(`invalid fixture test.json: environments[1].organizations[0].directories[0].token: already the token of directory ${taken.directory.id}`);
    expect(snapshot(store)).toEqual(before);
  });

  it('refuses a domain held by an organization outside the fixture, unless it is pruned', async () => {
    seed(acme());
    const demo = rawDb(store).prepare("SELECT id FROM environments WHERE name = 'demo'").get() as { id: string };
    store.organizations.create({ environmentId: demo.id, name: 'Squatter', externalId: 'squatter', domains: ['acme.example'] });
    const before = snapshot(store);
    const f = acme();
    org(f).domains = ['acme.test', 'acme.example'];
    expect(() => seed(f)).toThrow('environments[0].organizations[0].domains[1]: domain "acme.example" already belongs to organization');
    expect(snapshot(store)).toEqual(before);
    expect(seed(f, { prune: true }).counts.organizations).toMatchObject({ updated: 1, removed: 1 });
  });

  it('changes the token when the fixed one changes, and keeps an unfixed one', () => {
    const f = acme();
    delete dir(f).token;
    const first = seed(f);
    expect(first.directories[0]).toMatchObject({ tokenSource: 'generated' });
    const again = seed(f);
    expect(again.directories[0]!.token).toBeUndefined();
    const fixed = acme();
    const report = seed(fixed);
    expect(report.directories[0]).toMatchObject({ status: 'updated', tokenSource: 'fixed', id: first.directories[0]!.id });
  });

  it('writes nothing on a dry run and shows no generated token', () => {
    const f = acme();
    delete dir(f).token;
    const before = snapshot(store);
    const report = seed(f, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, changed: true });
    expect(report.summary.created).toBe(14);
    expect(report.directories[0]!.token).toBeUndefined();
    expect(snapshot(store)).toEqual(before);
  });
});
