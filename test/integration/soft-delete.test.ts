import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { LATEST_VERSION, migrations } from '../../src/store/migrations.js';
import { APPLICATION_ID } from '../../src/store/open.js';
import { scimctlJson, useTempDbs } from '../helpers/cli.js';
import { rawDb } from '../helpers/db.js';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

let server: TestServer;
let dir: TestDirectory;
// One second a tick, so every write has its own timestamp and meta.created visibly restarts.
let time = Date.parse('2026-03-01T00:00:00.000Z');
beforeAll(async () => {
  server = await startTestServer(1, { clock: () => new Date((time += 1000)) });
  dir = server.directories[0]!;
});
afterAll(() => server.close());

const db = () => rawDb(server.store);
const createUser = async (nick: string, extra: Record<string, unknown> = {}) => {
  const res = await scim(dir, 'POST', '/Users', entraUser(nick, extra));
  expect(res.status, res.text).toBe(201);
  return res;
};
const createGroup = async (displayName: string, members: string[] = []) => {
  const res = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
  expect(res.status, res.text).toBe(201);
  return res;
};
const addMember = (groupId: string, memberId: string) =>
  scim(dir, 'PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: memberId }] }] });
const memberIds = (group: { members?: { value: string }[] }) => (group.members ?? []).map((m) => m.value);
const userRow = (id: string) => db().prepare('SELECT user_name, deleted_at, created_at, version FROM scim_users WHERE id = ?').get(id) as
  | { user_name: string; deleted_at: string | null; created_at: string; version: number }
  | undefined;
const groupRow = (id: string) => db().prepare('SELECT display_name, deleted_at, version FROM scim_groups WHERE id = ?').get(id) as
  | { display_name: string; deleted_at: string | null; version: number }
  | undefined;
const memberships = (table: 'scim_group_members' | 'scim_group_members_retained', id: string) =>
  db()
    .prepare(`SELECT group_id AS groupId, member_id AS memberId, member_type AS memberType FROM ${table} WHERE group_id = ? OR member_id = ? ORDER BY group_id, member_id`)
    .all(id, id);

describe('a deleted user', () => {
  let dana: string;
  let groupId: string;
  let etagBefore: string | null;
  let createdBefore: string;

  beforeAll(async () => {
    const created = await createUser('dana');
    dana = created.body.id;
    createdBefore = created.body.meta.created;
    groupId = (await createGroup('Dana Team', [dana])).body.id;
    expect((await scim(dir, 'GET', `/Users/${dana}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([groupId]);
    etagBefore = (await scim(dir, 'GET', `/Users/${dana}`)).headers.get('etag');
    expect(etagBefore).toBe('W/"1"');
  });

  it('DELETE answers 204 with no body', async () => {
    const res = await scim(dir, 'DELETE', `/Users/${dana}`);
    expect([res.status, res.text]).toEqual([204, '']);
  });

  it('is then 404 in the SCIM Error schema for GET, a second DELETE, PUT and PATCH', async () => {
    const notFound = { schemas: [ERROR_SCHEMA], status: '404', detail: `User ${dana} not found` };
    const get = await scim(dir, 'GET', `/Users/${dana}`);
    expect([get.status, get.body]).toEqual([404, notFound]);
    const again = await scim(dir, 'DELETE', `/Users/${dana}`);
    expect([again.status, again.body]).toEqual([404, notFound]);
    const put = await scim(dir, 'PUT', `/Users/${dana}`, entraUser('dana', { title: 'Boss' }));
    expect([put.status, put.body]).toEqual([404, notFound]);
    const patch = await scim(dir, 'PATCH', `/Users/${dana}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect([patch.status, patch.body]).toEqual([404, notFound]);
    // If-Match with the ETag it had is still a 404, not a 412 or a write.
    const matched = await scim(dir, 'PUT', `/Users/${dana}`, entraUser('dana'), { 'If-Match': etagBefore! });
    expect(matched.status).toBe(404);
  });

  it('is gone from listings, Entra\'s userName match, sorted and root searches', async () => {
    const all = await scim(dir, 'GET', '/Users');
    expect(all.body.totalResults).toBe(0);
    expect(all.body.Resources).toEqual([]);
    const match = await scim(dir, 'GET', '/Users?filter=userName eq "dana@contoso.com"');
    expect([match.status, match.body.totalResults, match.body.Resources]).toEqual([200, 0, []]);
    const byId = await scim(dir, 'GET', `/Users?filter=id eq "${dana}"`);
    expect(byId.body.totalResults).toBe(0);
    // A filter no index answers, and a sort: the listing runs on the worker thread, live rows only there too.
    const scanned = await scim(dir, 'GET', '/Users?filter=title eq "Engineer"&sortBy=displayName');
    expect([scanned.status, scanned.body.totalResults]).toEqual([200, 0]);
    const search = await scim(dir, 'POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "dana"' });
    expect(search.body.totalResults).toBe(0);
    const root = await scim(dir, 'POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "dana@contoso.com" or displayName eq "Dana Team"' });
    expect(root.status).toBe(200);
    expect(root.body.totalResults).toBe(1);
    expect(root.body.Resources.map((r: { id: string }) => r.id)).toEqual([groupId]);
    const rootAll = await scim(dir, 'POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] });
    expect(rootAll.body.Resources.map((r: { id: string }) => r.id)).not.toContain(dana);
  });

  it('is gone from its group\'s members and from members filters', async () => {
    const group = await scim(dir, 'GET', `/Groups/${groupId}`);
    expect([group.status, group.body.members]).toEqual([200, []]);
    const byMember = await scim(dir, 'GET', `/Groups?filter=members.value eq "${dana}"`);
    expect([byMember.status, byMember.body.totalResults]).toEqual([200, 0]);
    const withMembers = await scim(dir, 'GET', '/Groups?filter=members pr');
    expect(withMembers.body.totalResults).toBe(0);
    const byDisplay = await scim(dir, 'GET', '/Groups?filter=members.display eq "Dana Example"');
    expect(byDisplay.body.totalResults).toBe(0);
  });

  it('cannot be added to a group: 400 invalidValue, and nothing changes', async () => {
    const res = await addMember(groupId, dana);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue', detail: `members[0].value "${dana}" is not a user or group of this directory` });
    const put = await scim(dir, 'PUT', `/Groups/${groupId}`, { schemas: [GROUP], displayName: 'Dana Team', members: [{ value: dana }] });
    expect([put.status, put.body.scimType]).toEqual([400, 'invalidValue']);
    const post = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Other Team', members: [{ value: dana }] });
    expect([post.status, post.body.scimType]).toEqual([400, 'invalidValue']);
    expect((await scim(dir, 'GET', '/Groups?filter=displayName eq "Other Team"')).body.totalResults).toBe(0);
    expect(memberships('scim_group_members', dana)).toEqual([]);
  });

  it('keeps its row, deleted, with its membership moved to the retained table', () => {
    const row = userRow(dana)!;
    expect(row).toMatchObject({ user_name: 'dana@contoso.com', version: 2 });
    expect(row.deleted_at).toMatch(/^2026-03-01T/);
    expect(memberships('scim_group_members', dana)).toEqual([]);
    expect(memberships('scim_group_members_retained', dana)).toEqual([{ groupId, memberId: dana, memberType: 'User' }]);
  });

  it('is not counted by directory show', async () => {
    const shown = await scimctlJson<{ userCount: number; groupCount: number }>(server.store.path, ['directory', 'show', dir.id]);
    expect(shown).toMatchObject({ userCount: 0, groupCount: 1 });
  });

  it('comes back under the same id when its userName is created again (in another case), as a new user', async () => {
    const res = await scim(dir, 'POST', '/Users', entraUser('dana', { userName: 'DANA@Contoso.com', title: 'Director', displayName: 'Dana Returned' }));
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(dana);
    expect(res.headers.get('location')).toBe(`${dir.baseUrl}/Users/${dana}`);
    expect(res.body).toMatchObject({ userName: 'DANA@Contoso.com', title: 'Director', displayName: 'Dana Returned' });
    expect(res.body).not.toHaveProperty('groups');
    expect(Date.parse(res.body.meta.created)).toBeGreaterThan(Date.parse(createdBefore));
    expect(res.body.meta.lastModified).toBe(res.body.meta.created);
    // Deleted at version 2, revived at 3: a client's old ETag cannot match the returned user.
    expect(res.headers.get('etag')).toBe('W/"3"');
    expect(res.headers.get('etag')).not.toBe(etagBefore);

    const get = await scim(dir, 'GET', `/Users/${dana}`);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ id: dana, userName: 'DANA@Contoso.com', title: 'Director' });
    expect(get.body).not.toHaveProperty('groups');
    expect(get.headers.get('etag')).toBe('W/"3"');
    expect((await scim(dir, 'GET', '/Users?filter=userName eq "dana@contoso.com"')).body.Resources.map((r: { id: string }) => r.id)).toEqual([dana]);
    // The old membership is not back, in either table.
    expect((await scim(dir, 'GET', `/Groups/${groupId}`)).body.members).toEqual([]);
    expect(memberships('scim_group_members', dana)).toEqual([]);
    expect(memberships('scim_group_members_retained', dana)).toEqual([]);
    expect(userRow(dana)!.deleted_at).toBeNull();
    const shown = await scimctlJson<{ userCount: number }>(server.store.path, ['directory', 'show', dir.id]);
    expect(shown.userCount).toBe(1);
  });

  it('once revived, refuses the ETag it had before it was deleted', async () => {
    const stale = await scim(dir, 'PUT', `/Users/${dana}`, entraUser('dana', { userName: 'DANA@Contoso.com' }), { 'If-Match': etagBefore! });
    expect([stale.status, stale.body]).toEqual([412, { schemas: [ERROR_SCHEMA], status: '412', detail: 'If-Match W/"1" does not match the current version W/"3"' }]);
  });

  it('once revived, can be added to a group again', async () => {
    expect((await addMember(groupId, dana)).status).toBe(204);
    expect(memberIds((await scim(dir, 'GET', `/Groups/${groupId}`)).body)).toEqual([dana]);
  });
});

describe('a deleted user\'s userName', () => {
  it('may be taken by a live user (PUT or PATCH), and a POST of it is then a 409', async () => {
    const erin = (await createUser('erin')).body.id;
    const fay = (await createUser('fay')).body.id;
    const gus = (await createUser('gus')).body.id;
    expect((await scim(dir, 'DELETE', `/Users/${erin}`)).status).toBe(204);
    expect((await scim(dir, 'DELETE', `/Users/${gus}`)).status).toBe(204);

    const put = await scim(dir, 'PUT', `/Users/${fay}`, entraUser('fay', { userName: 'Erin@contoso.com' }));
    expect([put.status, put.body.id, put.body.userName]).toEqual([200, fay, 'Erin@contoso.com']);
    const patch = await scim(dir, 'PATCH', `/Users/${erin}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'x@contoso.com' }] });
    expect(patch.status).toBe(404);

    const clash = await scim(dir, 'POST', '/Users', entraUser('erin'));
    expect(clash.status).toBe(409);
    expect(clash.body).toEqual({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness', detail: expect.stringContaining('erin@contoso.com') });
    // The deleted row was left deleted.
    expect(userRow(erin)!.deleted_at).not.toBeNull();

    // PATCH too renames onto a deleted name.
    const hal = (await createUser('hal')).body.id;
    const renamed = await scim(dir, 'PATCH', `/Users/${hal}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'GUS@contoso.com' }] });
    expect([renamed.status, renamed.body.userName]).toEqual([200, 'GUS@contoso.com']);
    expect((await scim(dir, 'POST', '/Users', entraUser('gus'))).status).toBe(409);
  });

  it('when several deleted users had it, a POST revives the one deleted last', async () => {
    // ivy is created before jay; jay is deleted first, then ivy is renamed to jay's name and deleted.
    const ivy = (await createUser('ivy')).body.id;
    const jay = (await createUser('jay')).body.id;
    expect((await scim(dir, 'DELETE', `/Users/${jay}`)).status).toBe(204);
    expect((await scim(dir, 'PUT', `/Users/${ivy}`, entraUser('ivy', { userName: 'jay@contoso.com' }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5)); // deleted_at has millisecond resolution
    expect((await scim(dir, 'DELETE', `/Users/${ivy}`)).status).toBe(204);
    const rows = db().prepare("SELECT id FROM scim_users WHERE user_name = 'jay@contoso.com' COLLATE NOCASE AND deleted_at IS NOT NULL ORDER BY seq").pluck().all();
    expect(rows).toEqual([ivy, jay]);

    // The rule is ORDER BY deleted_at DESC, seq DESC: whoever held the name last (ivy) comes back.
    const revived = await scim(dir, 'POST', '/Users', entraUser('jay'));
    expect([revived.status, revived.body.id]).toEqual([201, ivy]);
    // Another POST of the name is a 409 (a live user has it); jay stays deleted.
    expect((await scim(dir, 'POST', '/Users', entraUser('jay'))).status).toBe(409);
    expect(userRow(jay)!.deleted_at).not.toBeNull();
    // Deleted again, ivy is still the one deleted last.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await scim(dir, 'DELETE', `/Users/${ivy}`)).status).toBe(204);
    expect((await scim(dir, 'POST', '/Users', entraUser('jay'))).body.id).toBe(ivy);
  });
});

describe('a deleted group', () => {
  let kim: string;
  let lee: string;
  let parent: string;
  let team: string;
  let child: string;
  let teamEtag: string | null;

  beforeAll(async () => {
    kim = (await createUser('kim')).body.id;
    lee = (await createUser('lee')).body.id;
    child = (await createGroup('Child', [lee])).body.id;
    const created = await createGroup('Team', [kim, lee, child]);
    team = created.body.id;
    teamEtag = created.headers.get('etag');
    parent = (await createGroup('Parent', [team, kim])).body.id;
  });

  it('DELETE answers 204; then GET, DELETE, PUT and PATCH are 404', async () => {
    expect((await scim(dir, 'DELETE', `/Groups/${team}`)).status).toBe(204);
    const notFound = { schemas: [ERROR_SCHEMA], status: '404', detail: `Group ${team} not found` };
    for (const [method, body] of [
      ['GET', undefined],
      ['DELETE', undefined],
      ['PUT', { schemas: [GROUP], displayName: 'Team' }],
      ['PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Team 2' }] }],
    ] as const) {
      const res = await scim(dir, method, `/Groups/${team}`, body);
      expect([res.status, res.body], method).toEqual([404, notFound]);
    }
  });

  it('is gone from lists, filters, root search, its members\' groups and its parent\'s members', async () => {
    const list = await scim(dir, 'GET', '/Groups?filter=displayName sw "T"');
    expect(list.body.Resources.map((g: { id: string }) => g.id)).not.toContain(team);
    expect((await scim(dir, 'GET', '/Groups?filter=displayName eq "team"')).body.totalResults).toBe(0);
    expect((await scim(dir, 'GET', `/Groups?filter=members.value eq "${kim}"`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([parent]);
    expect((await scim(dir, 'GET', `/Groups?filter=members.value eq "${team}"`)).body.totalResults).toBe(0);
    expect((await scim(dir, 'GET', `/Users?filter=groups.value eq "${team}"`)).body.totalResults).toBe(0);
    const root = await scim(dir, 'POST', '/.search', { filter: 'displayName eq "Team"' });
    expect(root.body.totalResults).toBe(0);

    expect((await scim(dir, 'GET', `/Users/${kim}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([parent]);
    expect((await scim(dir, 'GET', `/Users/${lee}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([child]);
    expect(memberIds((await scim(dir, 'GET', `/Groups/${parent}`)).body)).toEqual([kim]);
    expect(memberIds((await scim(dir, 'GET', `/Groups/${child}`)).body)).toEqual([lee]);
    // A deleted group cannot be made a member either.
    const add = await addMember(parent, team);
    expect([add.status, add.body.scimType]).toEqual([400, 'invalidValue']);
  });

  it('keeps its row, and its memberships both as container and as member move to the retained table', async () => {
    expect(groupRow(team)).toMatchObject({ display_name: 'Team', version: 2 });
    expect(groupRow(team)!.deleted_at).not.toBeNull();
    expect(memberships('scim_group_members', team)).toEqual([]);
    const retained = [
      { groupId: parent, memberId: team, memberType: 'Group' },
      { groupId: team, memberId: child, memberType: 'Group' },
      { groupId: team, memberId: kim, memberType: 'User' },
      { groupId: team, memberId: lee, memberType: 'User' },
    ].sort((a, b) => (a.groupId + a.memberId < b.groupId + b.memberId ? -1 : 1));
    expect(memberships('scim_group_members_retained', team)).toEqual(retained);
    // Other memberships are untouched.
    expect(memberships('scim_group_members', kim)).toEqual([{ groupId: parent, memberId: kim, memberType: 'User' }]);
  });

  it('comes back under the same id on a POST of its displayName, with only the members sent', async () => {
    const res = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'TEAM', members: [{ value: lee }] });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(team);
    expect(res.body.displayName).toBe('TEAM');
    expect(memberIds(res.body)).toEqual([lee]);
    expect(res.headers.get('etag')).toBe('W/"3"');
    expect(res.headers.get('etag')).not.toBe(teamEtag);
    expect((await scim(dir, 'GET', `/Groups/${team}`)).status).toBe(200);
    // Not back in Parent; kim and child not back as members.
    expect(memberIds((await scim(dir, 'GET', `/Groups/${parent}`)).body)).toEqual([kim]);
    expect(memberships('scim_group_members_retained', team)).toEqual([]);
    expect(memberships('scim_group_members', team)).toEqual([{ groupId: team, memberId: lee, memberType: 'User' }]);
    expect((await scim(dir, 'GET', `/Users/${lee}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([child, team]);
  });

  it('a POST whose members are bad revives nothing', async () => {
    expect((await scim(dir, 'DELETE', `/Groups/${child}`)).status).toBe(204);
    const res = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Child', members: [{ value: 'scim_user_nope' }] });
    expect([res.status, res.body.scimType]).toEqual([400, 'invalidValue']);
    expect(groupRow(child)!.deleted_at).not.toBeNull();
    expect(memberships('scim_group_members_retained', child)).toEqual([
      { groupId: child, memberId: lee, memberType: 'User' },
    ]);
  });

  it('a PATCH removing a deleted user from a group (as Entra may send after the DELETE) is a 204 no-op that leaves the retained membership', async () => {
    const pat = (await createUser('pat')).body.id;
    const crew = (await createGroup('Crew', [pat, kim])).body.id;
    expect((await scim(dir, 'DELETE', `/Users/${pat}`)).status).toBe(204);
    const legacy = await scim(dir, 'PATCH', `/Groups/${crew}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: pat }] }] });
    expect(legacy.status).toBe(204);
    const filtered = await scim(dir, 'PATCH', `/Groups/${crew}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${pat}"]` }] });
    expect(filtered.status).toBe(204);
    expect(memberIds((await scim(dir, 'GET', `/Groups/${crew}`)).body)).toEqual([kim]);
    expect(memberships('scim_group_members_retained', pat)).toEqual([{ groupId: crew, memberId: pat, memberType: 'User' }]);
  });

  it('a live group may be renamed to a deleted group\'s displayName, and a POST of it is then a 409', async () => {
    const old = (await createGroup('Old Name')).body.id;
    const other = (await createGroup('Other Name')).body.id;
    expect((await scim(dir, 'DELETE', `/Groups/${old}`)).status).toBe(204);
    const renamed = await scim(dir, 'PATCH', `/Groups/${other}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'old name' }] });
    expect(renamed.status).toBe(204);
    const clash = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Old Name' });
    expect([clash.status, clash.body.scimType]).toEqual([409, 'uniqueness']);
    expect(groupRow(old)!.deleted_at).not.toBeNull();
  });

  it('a deleted member user keeps its retained membership of a group deleted later, once', async () => {
    const mo = (await createUser('mo')).body.id;
    const club = (await createGroup('Club', [mo])).body.id;
    expect((await scim(dir, 'DELETE', `/Users/${mo}`)).status).toBe(204);
    expect((await scim(dir, 'DELETE', `/Groups/${club}`)).status).toBe(204);
    expect(memberships('scim_group_members_retained', club)).toEqual([{ groupId: club, memberId: mo, memberType: 'User' }]);
    const counts = await scimctlJson<{ groupCount: number }>(server.store.path, ['directory', 'show', dir.id]);
    const live = (await scim(dir, 'GET', '/Groups?count=0')).body.totalResults;
    expect(counts.groupCount).toBe(live);
  });
});

describe('a directory', () => {
  it('keeps deleted resources to itself: another directory\'s POST of the name creates a new user', async () => {
    const two = await startTestServer(2);
    try {
      const [a, b] = two.directories as [TestDirectory, TestDirectory];
      const nia = (await scim(a, 'POST', '/Users', entraUser('nia'))).body.id;
      expect((await scim(a, 'DELETE', `/Users/${nia}`)).status).toBe(204);
      const other = await scim(b, 'POST', '/Users', entraUser('nia'));
      expect(other.status).toBe(201);
      expect(other.body.id).not.toBe(nia);
      expect((await scim(b, 'GET', `/Users/${nia}`)).status).toBe(404);
      expect((await scim(a, 'POST', '/Users', entraUser('nia'))).body.id).toBe(nia);
    } finally {
      await two.close();
    }
  });
});

describe('a schema version 2 database', () => {
  const temp = useTempDbs();

  it('opens under version 3 with its rows live, one primary directory per organization, and userName still unique among live users', async () => {
    const t = temp();
    const v2 = new Database(t.db);
    v2.exec(migrations[0]!.sql);
    v2.exec(migrations[1]!.sql);
    v2.pragma(`application_id = ${APPLICATION_ID}`);
    v2.pragma('user_version = 2');
    v2.exec(`
      INSERT INTO environments VALUES ('env_1', 'test', 'http://localhost:8080', '2025-01-01T00:00:00.000Z');
      INSERT INTO organizations VALUES ('org_1', 'env_1', 'Acme', NULL, '2025-01-01T00:00:00.000Z');
      INSERT INTO organizations VALUES ('org_2', 'env_1', 'Globex', NULL, '2025-01-01T00:00:00.000Z');
      -- Inserted out of creation order: the primary is the first created, not the first inserted.
      INSERT INTO scim_directories (id, organization_id, name, created_at) VALUES ('dir_b', 'org_1', 'second', '2025-02-02T00:00:00.000Z');
      INSERT INTO scim_directories (id, organization_id, name, created_at) VALUES ('dir_a', 'org_1', 'first', '2025-02-01T00:00:00.000Z');
      INSERT INTO scim_directories (id, organization_id, name, created_at) VALUES ('dir_d', 'org_2', 'same time, later id', '2025-03-01T00:00:00.000Z');
      INSERT INTO scim_directories (id, organization_id, name, created_at) VALUES ('dir_c', 'org_2', 'same time, earlier id', '2025-03-01T00:00:00.000Z');
      INSERT INTO scim_users (id, directory_id, user_name, display_name, attributes, created_at, updated_at)
        VALUES ('scim_user_1', 'dir_a', 'ann@contoso.com', 'Ann', '{"userName":"ann@contoso.com","displayName":"Ann"}', '2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z');
      INSERT INTO scim_users (id, directory_id, user_name, display_name, attributes, created_at, updated_at)
        VALUES ('scim_user_2', 'dir_a', 'ben@contoso.com', 'Ben', '{"userName":"ben@contoso.com","displayName":"Ben"}', '2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z');
      INSERT INTO scim_groups (id, directory_id, display_name, attributes, created_at, updated_at)
        VALUES ('scim_group_1', 'dir_a', 'Sales', '{"displayName":"Sales"}', '2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z');
      INSERT INTO scim_group_members VALUES ('scim_group_1', 'scim_user_1', 'User');
    `);
    v2.close();

    const store = new Store(t.db);
    try {
      const raw = new Database(t.db);
      try {
        expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
        expect(raw.prepare('SELECT id, is_primary FROM scim_directories ORDER BY id').all()).toEqual([
          { id: 'dir_a', is_primary: 1 },
          { id: 'dir_b', is_primary: 0 },
          { id: 'dir_c', is_primary: 1 },
          { id: 'dir_d', is_primary: 0 },
        ]);
        expect(raw.prepare('SELECT count(*) FROM scim_users WHERE deleted_at IS NOT NULL').pluck().get()).toBe(0);
        expect(raw.prepare('SELECT count(*) FROM scim_group_members_retained').pluck().get()).toBe(0);
      } finally {
        raw.close();
      }
      expect(store.users.find('dir_a', 'scim_user_1')).toMatchObject({ id: 'scim_user_1', deletedAt: null });
      expect(store.users.list('dir_a', { startIndex: 1, count: 10 }).total).toBe(2);
      expect(store.groups.members('scim_group_1').map((m) => m.value)).toEqual(['scim_user_1']);
      expect(store.directories.details('dir_a')).toMatchObject({ userCount: 2, groupCount: 1 });

      // Still unique among live users, case-insensitively: a create and a rename onto a taken name are 409s.
      const now = '2026-01-01T00:00:00.000Z';
      expect(() => store.users.create('dir_a', { userName: 'ANN@contoso.com' }, now)).toThrow(/already taken/);
      expect(() => store.users.replace({ id: 'scim_user_2', directoryId: 'dir_a' }, { userName: 'Ann@Contoso.com' }, now)).toThrow(/already taken/);
      // Once ann is deleted, ben may take the name; another create of it is still refused.
      expect(store.users.delete('dir_a', 'scim_user_1', now)).toBe(true);
      expect(store.groups.members('scim_group_1')).toEqual([]);
      store.users.replace({ id: 'scim_user_2', directoryId: 'dir_a' }, { userName: 'ann@contoso.com' }, now);
      expect(() => store.users.create('dir_a', { userName: 'ann@contoso.com' }, now)).toThrow(/already taken/);
    } finally {
      store.close();
    }
  });
});
