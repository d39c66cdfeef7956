import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';
import { entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

// The app API over HTTP, as SSOReady's SDK calls it: Bearer API key, camelCase query names, JSON out.

let t: TestServer;
let readKey: string;
let managementKey: string;
let otherKey: string;
let dir0: TestDirectory;
let dir1: TestDirectory;
let orgId: string;
let otherDirectoryId: string;
let otherUserId: string;
/** dir0's users, in creation order. */
const userIds: string[] = [];
let groupId: string;

async function api(path: string, options: { key?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const key = options.key === undefined ? readKey : options.key;
  const response = await fetch(`${t.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      // What the Fern-generated SDK sends besides the key.
      'X-Fern-Language': 'JavaScript',
      'X-Fern-SDK-Name': 'ssoready',
      ...(key === null ? {} : { Authorization: `Bearer ${key}` }),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as any };
}

const manage = (path: string, options: { method?: string; body?: unknown } = {}) => api(path, { ...options, key: managementKey });

/**
 * Every page of a listing, following nextPageToken (sent as `tokenName`); returns the pages' item
 * counts, all items and the pages' bodies. A token that does not move the listing on fails the test.
 */
async function allPages(path: string, field: string, key = readKey, tokenName = 'pageToken') {
  const sizes: number[] = [];
  const items: any[] = [];
  const pages: any[] = [];
  let token = '';
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${token ? `${separator}${tokenName}=${encodeURIComponent(token)}` : ''}`, { key });
    expect(page.status, page.text).toBe(200);
    sizes.push(page.body[field].length);
    items.push(...page.body[field]);
    pages.push(page.body);
    expect(pages.length, `${path}: more pages than a listing here has`).toBeLessThanOrEqual(20);
    token = page.body.nextPageToken;
    if (token === '') return { sizes, items, pages };
  }
}

beforeAll(async () => {
  t = await startTestServer(2);
  [dir0, dir1] = t.directories as [TestDirectory, TestDirectory];
  const env = t.store.directories.get(dir0.id).environmentId;
  orgId = t.store.directories.get(dir0.id).organizationId;
  t.store.organizations.setExternalId(orgId, 'acme-co');
  readKey = t.store.apiKeys.create({ environmentId: env, name: 'app', management: false }).key;
  managementKey = t.store.apiKeys.create({ environmentId: env, name: 'admin', management: true }).key;

  // Another environment with data of its own: a key of one never sees the other's.
  const other = t.store.environments.create({ name: 'other', publicUrl: 'http://localhost:8080' });
  const otherOrg = t.store.organizations.create({ environmentId: other.id, name: 'Globex', externalId: 'acme-co', domains: [] });
  const otherDir = t.store.directories.create({ organizationId: otherOrg.id });
  otherDirectoryId = otherDir.directory.id;
  otherKey = t.store.apiKeys.create({ environmentId: other.id, management: true }).key;
  const otherUser = await scim({ id: otherDirectoryId, token: otherDir.token, baseUrl: `${t.url}/scim/v2/${otherDirectoryId}` }, 'POST', '/Users', entraUser('olga'));
  otherUserId = otherUser.body.id;

  for (let i = 0; i < 25; i++) {
    const created = await scim(dir0, 'POST', '/Users', entraUser(`user${String(i).padStart(2, '0')}`));
    expect(created.status).toBe(201);
    userIds.push(created.body.id);
  }
  const group = await scim(dir0, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Engineering',
    externalId: 'eng',
    members: userIds.slice(0, 12).map((value) => ({ value })),
  });
  expect(group.status).toBe(201);
  groupId = group.body.id;
  for (let i = 0; i < 11; i++) {
    expect((await scim(dir0, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Team ${i}` })).status).toBe(201);
  }
  // user03 deleted by the IdP, user04 deactivated.
  expect((await scim(dir0, 'DELETE', `/Users/${userIds[3]}`)).status).toBe(204);
  const deactivate = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
  expect((await scim(dir0, 'PATCH', `/Users/${userIds[4]}`, deactivate)).status).toBe(200);
});

afterAll(async () => {
  await t.close();
});

describe('GET /v1/scim/users', () => {
  it('pages through a directory ten at a time, every user once, deleted ones included', async () => {
    const { sizes, items } = await allPages(`/v1/scim/users?scimDirectoryId=${dir0.id}`, 'scimUsers');
    expect(sizes).toEqual([10, 10, 5]);
    expect(items.map((u) => u.id)).toEqual(userIds);
  });

  it('answers in SSOReady\'s shape, every field present, attributes as the IdP set them without schemas and meta', async () => {
    const page = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`);
    expect(page.headers.get('content-type')).toMatch(/^application\/json/);
    // Entra sends meta.resourceType too; meta is the server's, never stored.
    const { schemas: _schemas, meta: _meta, ...sent } = entraUser('user00');
    expect(page.body.scimUsers[0]).toEqual({ id: userIds[0], scimDirectoryId: dir0.id, email: 'user00@contoso.com', deleted: false, attributes: sent });
    expect(Object.keys(page.body)).toEqual(['scimUsers', 'nextPageToken']);
  });

  it('marks users the IdP deleted or deactivated as deleted', async () => {
    const page = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`);
    expect(page.body.scimUsers.map((u: any) => u.deleted)).toEqual([false, false, false, true, true, false, false, false, false, false]);
    expect(page.body.scimUsers[3].attributes.userName).toBe('user03@contoso.com');
    expect(page.body.scimUsers[4].attributes.active).toBe(false);
  });

  it('selects the directory by organizationId (its primary) or organizationExternalId, in camelCase or snake_case', async () => {
    const expected = (await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`)).body;
    for (const query of [`organizationId=${orgId}`, `organization_id=${orgId}`, `scimDirectoryId=&scim_directory_id=${dir0.id}`, 'organizationExternalId=acme-co', 'organization_external_id=acme-co', `scim_directory_id=${dir0.id}`]) {
      const page = await api(`/v1/scim/users?${query}`);
      expect(page.status, query).toBe(200);
      expect(page.body, query).toEqual(expected);
    }
  });

  it('lists a group\'s user members with scimGroupId, deleted members included, in pages', async () => {
    const { sizes, items } = await allPages(`/v1/scim/users?scimDirectoryId=${dir0.id}&scimGroupId=${groupId}`, 'scimUsers');
    expect(sizes).toEqual([10, 2]);
    expect(items.map((u) => u.id).sort()).toEqual(userIds.slice(0, 12).sort());
    expect(items.find((u) => u.id === userIds[3]).deleted).toBe(true);
    // On the SCIM side the deleted user is no longer a member.
    const group = await scim(dir0, 'GET', `/Groups/${groupId}`);
    expect(group.body.members.map((m: any) => m.value)).not.toContain(userIds[3]);
    expect(group.body.members).toHaveLength(11);
  });

  it('gives an empty page, not an error, for an empty directory', async () => {
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir1.id}`)).body).toEqual({ scimUsers: [], nextPageToken: '' });
  });
});

describe('GET /v1/scim/users/{id}, /v1/scim/groups, /v1/scim/groups/{id}', () => {
  it('gets one user, a deleted one too', async () => {
    const user = await api(`/v1/scim/users/${userIds[3]}`);
    expect(user.status).toBe(200);
    expect(user.body).toEqual({ scimUser: expect.objectContaining({ id: userIds[3], scimDirectoryId: dir0.id, email: 'user03@contoso.com', deleted: true }) });
    expect(Object.keys(user.body.scimUser)).toEqual(['id', 'scimDirectoryId', 'email', 'deleted', 'attributes']);
  });

  it('pages through groups and gets one in the group shape', async () => {
    const { sizes, items } = await allPages(`/v1/scim/groups?scimDirectoryId=${dir0.id}`, 'scimGroups');
    expect(sizes).toEqual([10, 2]);
    expect(items[0]).toEqual({ id: groupId, scimDirectoryId: dir0.id, displayName: 'Engineering', deleted: false, attributes: { displayName: 'Engineering', externalId: 'eng' } });
    expect((await api(`/v1/scim/groups/${groupId}`)).body).toEqual({ scimGroup: items[0] });
  });

  it('selects the groups\' directory by organizationId (its primary) or organizationExternalId, in camelCase or snake_case, on every page', async () => {
    const expected = await allPages(`/v1/scim/groups?scimDirectoryId=${dir0.id}`, 'scimGroups');
    expect(expected.sizes).toEqual([10, 2]);
    expect(expected.items[0].id).toBe(groupId);
    for (const query of [`organizationId=${orgId}`, `organization_id=${orgId}`, 'organizationExternalId=acme-co', 'organization_external_id=acme-co']) {
      const { pages } = await allPages(`/v1/scim/groups?${query}`, 'scimGroups');
      expect(pages, query).toEqual(expected.pages);
    }
    // Another environment's organization of the same external id has no groups; this one's are not its.
    expect(await api('/v1/scim/groups?organizationExternalId=acme-co', { key: otherKey })).toMatchObject({ status: 200, body: { scimGroups: [], nextPageToken: '' } });
  });

  it('keeps a group the IdP deleted, marked deleted, with its members', async () => {
    const team = (await scim(dir0, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Doomed', members: [{ value: userIds[0] }] })).body;
    expect((await scim(dir0, 'DELETE', `/Groups/${team.id}`)).status).toBe(204);
    expect((await scim(dir0, 'GET', `/Groups/${team.id}`)).status).toBe(404);
    expect((await api(`/v1/scim/groups/${team.id}`)).body.scimGroup).toMatchObject({ id: team.id, deleted: true, displayName: 'Doomed' });
    const members = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}&scimGroupId=${team.id}`);
    expect(members.body.scimUsers.map((u: any) => u.id)).toEqual([userIds[0]]);
  });
});

describe('paging a large group\'s members', () => {
  let bigDir: TestDirectory;
  let bigGroupId: string;
  /** The group's 33 members, in creation order; the directory also has 2 users outside it. */
  const members: string[] = [];
  let deletedMember: string;

  beforeAll(async () => {
    const env = t.store.directories.get(dir0.id).environmentId;
    const org = t.store.organizations.create({ environmentId: env, name: 'Big', externalId: 'big-co', domains: [] });
    const made = t.store.directories.create({ organizationId: org.id });
    bigDir = { id: made.directory.id, token: made.token, baseUrl: `${t.url}/scim/v2/${made.directory.id}` };
    for (let i = 0; i < 35; i++) {
      const created = await scim(bigDir, 'POST', '/Users', entraUser(`big${String(i).padStart(2, '0')}`));
      expect(created.status).toBe(201);
      if (i < 33) members.push(created.body.id);
    }
    const group = await scim(bigDir, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Everyone but two',
      members: members.map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
    bigGroupId = group.body.id;
    deletedMember = members[17]!;
    expect((await scim(bigDir, 'DELETE', `/Users/${deletedMember}`)).status).toBe(204);
  });

  it('gives pages of 10, 10, 10 and 3, each member once, the one deleted by the IdP included and marked deleted', async () => {
    const { sizes, items, pages } = await allPages(`/v1/scim/users?scimDirectoryId=${bigDir.id}&scimGroupId=${bigGroupId}`, 'scimUsers');
    expect(sizes).toEqual([10, 10, 10, 3]);
    expect(pages.map((p) => p.nextPageToken === '')).toEqual([false, false, false, true]);
    expect(pages[3]).toEqual({ scimUsers: items.slice(30), nextPageToken: '' });
    expect(items.map((u) => u.id)).toEqual([...members].sort());
    expect(items.filter((u) => u.deleted).map((u) => u.id)).toEqual([deletedMember]);
    expect(items.find((u) => u.id === deletedMember)).toMatchObject({ scimDirectoryId: bigDir.id, email: 'big17@contoso.com', deleted: true });
    // SCIM no longer lists the deleted user as a member; the app API still does.
    const group = await scim(bigDir, 'GET', `/Groups/${bigGroupId}`);
    expect(group.body.members).toHaveLength(32);
    // The directory itself has two more users than the group.
    expect((await allPages(`/v1/scim/users?scimDirectoryId=${bigDir.id}`, 'scimUsers')).sizes).toEqual([10, 10, 10, 5]);
  });

  it('answers the same pages to snake_case scim_directory_id, scim_group_id and page_token as to camelCase', async () => {
    const camel = await allPages(`/v1/scim/users?scimDirectoryId=${bigDir.id}&scimGroupId=${bigGroupId}`, 'scimUsers');
    const snake = await allPages(`/v1/scim/users?scim_directory_id=${bigDir.id}&scim_group_id=${bigGroupId}`, 'scimUsers', readKey, 'page_token');
    expect(snake.sizes).toEqual([10, 10, 10, 3]);
    expect(snake.pages).toEqual(camel.pages);
    // Mixed: the organization's external id picks the directory, the group and token in snake_case.
    const mixed = await allPages(`/v1/scim/users?organization_external_id=big-co&scim_group_id=${bigGroupId}`, 'scimUsers', readKey, 'page_token');
    expect(mixed.pages).toEqual(camel.pages);
  });
});

describe('isolation between environments', () => {
  it('never shows one environment\'s data to another\'s key', async () => {
    expect((await api(`/v1/scim/users/${otherUserId}`)).status).toBe(404);
    expect((await api(`/v1/scim/users?scimDirectoryId=${otherDirectoryId}`)).status).toBe(404);
    expect((await api(`/v1/scim/users/${userIds[0]}`, { key: otherKey })).status).toBe(404);
    expect((await api(`/v1/scim/groups/${groupId}`, { key: otherKey })).status).toBe(404);
    expect((await api(`/v1/organizations/${orgId}`, { key: otherKey })).status).toBe(404);
    // The same external id in both environments: each key reads its own organization's users.
    const theirs = await api('/v1/scim/users?organizationExternalId=acme-co', { key: otherKey });
    expect(theirs.body.scimUsers.map((u: any) => u.id)).toEqual([otherUserId]);
  });

  it('refuses a group of another directory as scimGroupId', async () => {
    const wrong = await api(`/v1/scim/users?scimDirectoryId=${dir1.id}&scimGroupId=${groupId}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual({ code: 5, message: `no SCIM group ${groupId} in the selected directory`, details: [] });
  });
});

describe('errors, as google.rpc.Status', () => {
  it('401 without a key, with a malformed header, an unknown key or a revoked one', async () => {
    expect(await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: null })).toMatchObject({
      status: 401,
      body: { code: 16, message: 'authorization header is required', details: [] },
    });
    const basic = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: null, headers: { Authorization: 'Basic abc' } });
    expect(basic).toMatchObject({ status: 401, body: { code: 16, details: [] } });
    const unknown = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: 'scimctl_ak_' + 'x'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ code: 16, message: 'invalid API key (unknown or revoked); create one with `scimctl apikey create`', details: [] });
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="scimctl app API"');
    // A SCIM bearer token is not an API key.
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: dir0.token })).status).toBe(401);

    const env = t.store.directories.get(dir0.id).environmentId;
    const doomed = t.store.apiKeys.create({ environmentId: env, management: false });
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: doomed.key })).status).toBe(200);
    t.store.apiKeys.revoke(doomed.apiKey.id);
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: doomed.key })).status).toBe(401);
  });

  it('401 at once for a key revoked by `scimctl apikey revoke` on the database the server has open', async () => {
    const created = await scimctlJson<{ id: string; key: string }>(t.store.path, ['apikey', 'create', '--env', 'test', '--name', 'doomed']);
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: created.key })).status).toBe(200);
    const revoked = await scimctl(t.store.path, ['apikey', 'revoke', created.id, '--yes']);
    expect(revoked).toEqual({ exitCode: 0, stdout: '', stderr: `Revoked API key ${created.id}\n` });
    const refused = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`, { key: created.key });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 16, message: 'invalid API key (unknown or revoked); create one with `scimctl apikey create`', details: [] });
    // The server's other keys are untouched.
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`)).status).toBe(200);
  });

  it('401 for a key without management access on a management route', async () => {
    const refused = await api('/v1/organizations');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 16, message: 'api key is not authorized to access management api; create one with `scimctl apikey create --management`', details: [] });
  });

  it('400 without a selector, with an unknown external id, or a tampered or borrowed page token', async () => {
    expect(await api('/v1/scim/users')).toMatchObject({
      status: 400,
      body: { code: 3, message: 'one of scim_directory_id, organization_id, or organization_external_id must be provided', details: [] },
    });
    expect((await api('/v1/scim/groups?organizationExternalId=nope')).body.code).toBe(3);
    const first = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}`);
    const token: string = first.body.nextPageToken;
    const [cursor, mac] = token.split('.') as [string, string];
    const tampered = `${Buffer.from('1').toString('base64url')}.${mac}`;
    // Texts that decode to the same bytes are still not the token: its last character has 4 spare
    // bits, and base64url decoding skips padding and spaces.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = ALPHABET.indexOf(mac.at(-1)!);
    const sameBytes = `${cursor}.${mac.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    expect(Buffer.from(sameBytes.split('.')[1]!, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    for (const bad of [tampered, `${cursor}.${mac}x`, 'garbage', `${token}.extra`, sameBytes, `${token}==`, `${cursor} .${mac}`]) {
      const answer = await api(`/v1/scim/users?scimDirectoryId=${dir0.id}&pageToken=${encodeURIComponent(bad)}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.code, bad).toBe(3);
    }
    // A token of the users listing does not page the groups listing, nor another directory.
    expect((await api(`/v1/scim/groups?scimDirectoryId=${dir0.id}&pageToken=${token}`)).status).toBe(400);
    expect((await api(`/v1/scim/users?scimDirectoryId=${dir1.id}&pageToken=${token}`)).status).toBe(400);
  });

  it('404 (ours; SSOReady answers 500) for an unknown or malformed id, and for an unknown route', async () => {
    for (const path of ['/v1/scim/users/scim_user_nope', '/v1/scim/users/%00', '/v1/scim/groups/x', `/v1/scim/users?organizationId=org_nope`]) {
      const answer = await api(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.code, path).toBe(5);
      expect(answer.body.details).toEqual([]);
    }
    expect(await api('/v1/nothing')).toMatchObject({ status: 404, body: { code: 5, message: 'no route GET /v1/nothing in the app API' } });
    // Not valid %-encoding: 404 too, and only once the key is known.
    expect(await api('/v1/scim/users/%E0%A4%A')).toMatchObject({ status: 404, body: { code: 5, message: 'no such id: the path is not valid URL encoding' } });
    expect((await api('/v1/scim/users/%E0%A4%A', { key: null })).status).toBe(401);
    expect((await api('/v1/nothing', { key: null })).status).toBe(401);
  });

  it('400 for a malformed body, with the key checked first', async () => {
    expect(await manage('/v1/organizations', { method: 'POST', body: '{"displayName":' })).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await manage('/v1/organizations', { method: 'POST', body: { domains: 'acme.test' } })).toMatchObject({
      status: 400,
      body: { code: 3, message: 'domains must be an array of strings' },
    });
    expect(await api('/v1/organizations', { key: null, method: 'POST', body: '{"displayName":' })).toMatchObject({ status: 401, body: { code: 16 } });
  });
});

describe('management: organizations and SCIM directories', () => {
  it('creates, gets, lists and replaces organizations', async () => {
    const created = await manage('/v1/organizations', { method: 'POST', body: { displayName: 'Initech', externalId: 'initech', domains: ['Initech.test'] } });
    expect(created.status).toBe(200);
    const org = created.body.organization;
    expect(org).toEqual({ id: expect.stringMatching(/^org_/), environmentId: t.store.directories.get(dir0.id).environmentId, displayName: 'Initech', externalId: 'initech', domains: ['initech.test'] });
    expect((await manage(`/v1/organizations/${org.id}`)).body).toEqual({ organization: org });
    expect((await manage('/v1/organizations')).body).toEqual({
      organizations: expect.arrayContaining([org, expect.objectContaining({ id: orgId, externalId: 'acme-co' })]),
      nextPageToken: '',
    });
    // PATCH sends the whole organization, as SSOReady's SDK does: what is left out is cleared.
    const replaced = await manage(`/v1/organizations/${org.id}`, { method: 'PATCH', body: { displayName: 'Initech Corp', domains: ['initech.example'] } });
    expect(replaced.body).toEqual({ organization: { ...org, displayName: 'Initech Corp', externalId: '', domains: ['initech.example'] } });
    expect(await manage('/v1/organizations', { method: 'POST', body: { external_id: 'acme-co' } })).toMatchObject({ status: 409, body: { code: 6 } });
    // An external id shaped like a scimctl id could never be looked up by (ids are tried first).
    const idShaped = 'org_01m8s8f8agnyqzp4ebfebsqrk4';
    expect(await manage('/v1/organizations', { method: 'POST', body: { externalId: idShaped } })).toMatchObject({
      status: 400,
      body: { code: 3, message: `externalId "${idShaped}" has the shape of a scimctl id; use your app's own id for this customer`, details: [] },
    });
    expect((await manage(`/v1/organizations/${org.id}`, { method: 'PATCH', body: { externalId: idShaped } })).status).toBe(400);
  });

  it('takes an organization without a name (as SSOReady does), refuses control characters, and export then seed still round-trips', async () => {
    const nameless = await manage('/v1/organizations', { method: 'POST', body: { externalId: 'nameless', domains: [] } });
    expect(nameless.body.organization).toMatchObject({ displayName: '', externalId: 'nameless' });
    // Neither a name nor an external id: exported keyed by its id, and seeded back as it was.
    const bare = (await manage('/v1/organizations', { method: 'POST', body: {} })).body.organization as { id: string };
    expect(bare).toMatchObject({ displayName: '', externalId: '' });
    expect(await manage('/v1/organizations', { method: 'POST', body: { displayName: 'a\u0000b' } })).toMatchObject({
      status: 400,
      body: { code: 3, message: 'displayName must not contain control characters' },
    });
    const exported = await scimctl(t.store.path, ['export', 'test']);
    expect(exported.exitCode, exported.stderr).toBe(0);
    const copy = tempDb();
    try {
      const seeded = await scimctl(copy.db, ['seed', '-'], { input: exported.stdout });
      expect(seeded.exitCode, seeded.stderr).toBe(0);
      const copied = JSON.parse((await scimctl(copy.db, ['org', 'show', bare.id, '--json'])).stdout);
      expect(copied).toMatchObject({ id: bare.id, name: '', externalId: null });
      const again = await scimctl(t.store.path, ['seed', '-', '--json'], { input: exported.stdout });
      expect(JSON.parse(again.stdout).changed, again.stdout).toBe(false);
    } finally {
      copy.cleanup();
    }
  });

  it('pages organizations ten at a time', async () => {
    for (let i = 0; i < 12; i++) expect((await manage('/v1/organizations', { method: 'POST', body: { displayName: `Org ${i}` } })).status).toBe(200);
    const { sizes, items } = await allPages('/v1/organizations', 'organizations', managementKey);
    expect(sizes.slice(0, -1).every((n) => n === 10)).toBe(true);
    expect(new Set(items.map((o) => o.id)).size).toBe(items.length);
    expect(items.length).toBe(t.store.organizations.list(t.store.directories.get(dir0.id).environmentId).length);
  });

  it('creates a directory without a token; rotating gives one that SCIM accepts, and the old one stops working', async () => {
    expect(await manage('/v1/scim-directories')).toMatchObject({ status: 400, body: { code: 3, message: 'organization_id is required' } });
    const created = await manage('/v1/scim-directories', { method: 'POST', body: { organizationId: orgId } });
    const dir = created.body.scimDirectory;
    expect(dir).toEqual({ id: expect.stringMatching(/^scim_directory_/), organizationId: orgId, primary: false, scimBaseUrl: `http://localhost:8080/scim/v2/${dir.id}`, hasClientBearerToken: false });
    const first = await manage(`/v1/scim-directories/${dir.id}/rotate-bearer-token`, { method: 'POST' });
    expect(first.body).toEqual({ bearerToken: expect.stringMatching(/^scimctl_sk_[A-Za-z0-9_-]{43}$/) });
    const viaScim = { id: dir.id, token: first.body.bearerToken, baseUrl: `${t.url}/scim/v2/${dir.id}` };
    expect((await scim(viaScim, 'GET', '/Users')).status).toBe(200);
    const second = await manage(`/v1/scim-directories/${dir.id}/rotate-bearer-token`, { method: 'POST' });
    expect((await scim(viaScim, 'GET', '/Users')).status).toBe(401);
    expect((await scim({ ...viaScim, token: second.body.bearerToken }, 'GET', '/Users')).status).toBe(200);
    expect((await manage(`/v1/scim-directories/${dir.id}`)).body.scimDirectory.hasClientBearerToken).toBe(true);
    // The token is shown only in the rotation's answer.
    const listed = await manage(`/v1/scim-directories?organizationId=${orgId}`);
    expect(listed.text).not.toContain(second.body.bearerToken);
    expect(listed.body.scimDirectories.map((d: any) => [d.id, d.primary])).toEqual([
      [dir0.id, true],
      [dir1.id, false],
      [dir.id, false],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  });

  it('pages an organization\'s directories ten at a time, each once', async () => {
    const org = (await manage('/v1/organizations', { method: 'POST', body: { displayName: 'Many', externalId: 'many' } })).body.organization;
    const made: string[] = [];
    for (let i = 0; i < 12; i++) made.push((await manage('/v1/scim-directories', { method: 'POST', body: { organizationId: org.id } })).body.scimDirectory.id);
    const { sizes, items } = await allPages(`/v1/scim-directories?organizationId=${org.id}`, 'scimDirectories', managementKey);
    expect(sizes).toEqual([10, 2]);
    expect(items.map((d) => d.id)).toEqual([...made].sort());
  });

  it('moves the primary directory with PATCH primary: true; organizationId reads the new primary', async () => {
    const moved = await manage(`/v1/scim-directories/${dir1.id}`, { method: 'PATCH', body: { primary: true } });
    expect(moved.body.scimDirectory).toMatchObject({ id: dir1.id, primary: true });
    expect((await manage(`/v1/scim-directories/${dir0.id}`)).body.scimDirectory.primary).toBe(false);
    expect((await api(`/v1/scim/users?organizationId=${orgId}`)).body).toEqual({ scimUsers: [], nextPageToken: '' });
    await manage(`/v1/scim-directories/${dir0.id}`, { method: 'PATCH', body: { primary: true } });
    expect((await api(`/v1/scim/users?organizationId=${orgId}`)).body.scimUsers).toHaveLength(10);
  });

  it('never answers for another environment\'s organization or directory', async () => {
    expect((await api(`/v1/scim-directories/${dir0.id}`, { key: otherKey })).status).toBe(404);
    expect((await api(`/v1/scim-directories/${dir0.id}/rotate-bearer-token`, { key: otherKey, method: 'POST' })).status).toBe(404);
    expect((await api('/v1/scim-directories', { key: otherKey, method: 'POST', body: { organizationId: orgId } })).status).toBe(404);
    expect((await api(`/v1/organizations/${orgId}`, { key: otherKey, method: 'PATCH', body: { displayName: 'x' } })).status).toBe(404);
    expect(t.store.organizations.get(orgId).name).toBe('Acme');
  });
});

describe('where the app API is served', () => {
  it('follows serve --env/--directory: directories it does not serve are not there, other environments\' keys are unknown', async () => {
    const served = { id: '' };
    const scoped = await startTestServer(2, { serves: (id) => id === served.id });
    try {
      const [inScope, outOfScope] = scoped.directories as [TestDirectory, TestDirectory];
      served.id = inScope.id;
      const env = scoped.store.directories.get(inScope.id).environmentId;
      const key = scoped.store.apiKeys.create({ environmentId: env, management: true }).key;
      const other = scoped.store.environments.create({ name: 'elsewhere', publicUrl: 'http://localhost:8080' });
      const otherKey = scoped.store.apiKeys.create({ environmentId: other.id, management: true }).key;
      const call = (path: string, method = 'GET', withKey = key) => fetch(`${scoped.url}${path}`, { method, headers: { Authorization: `Bearer ${withKey}` } });
      expect((await call(`/v1/scim/users?scimDirectoryId=${inScope.id}`)).status).toBe(200);
      expect((await call(`/v1/scim/users?scimDirectoryId=${outOfScope.id}`)).status).toBe(404);
      expect((await call(`/v1/scim-directories/${outOfScope.id}/rotate-bearer-token`, 'POST')).status).toBe(404);
      expect((await scim(outOfScope, 'GET', '/Users')).status).toBe(401); // its token still works nowhere here, and was not rotated
      const orgId = scoped.store.directories.get(inScope.id).organizationId;
      const listed = (await (await call(`/v1/scim-directories?organizationId=${orgId}`)).json()) as { scimDirectories: { id: string }[] };
      expect(listed.scimDirectories.map((d) => d.id)).toEqual([inScope.id]);
      expect((await call('/v1/organizations', 'GET', otherKey)).status).toBe(401);
      // Events too: only the served directory's.
      expect((await scim(inScope, 'POST', '/Users', entraUser('inside'))).status).toBe(201);
      scoped.store.users.create(outOfScope.id, entraUser('outside'), new Date().toISOString());
      const events = (await (await call('/v1/events?limit=100')).json()) as { events: unknown[] };
      expect(events.events.length).toBe(1);
      expect(JSON.stringify(events.events[0])).toContain(inScope.id);
    } finally {
      await scoped.close();
    }
  });

  it('is off on an app without local routes (the tunnel\'s) unless asked for', async () => {
    const tunnelLike = await startTestServer(1, { localRoutes: false });
    const withApi = await startTestServer(1, { localRoutes: false, appApi: true });
    try {
      const off = await fetch(`${tunnelLike.url}/v1/scim/users`, { headers: { Authorization: `Bearer ${readKey}` } });
      expect(off.status).toBe(404);
      expect(await off.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
      const on = await fetch(`${withApi.url}/v1/scim/users`, { headers: { Authorization: `Bearer ${readKey}` } });
      expect(on.status).toBe(401); // served; the key belongs to another database
    } finally {
      await tunnelLike.close();
      await withApi.close();
    }
  });
});
