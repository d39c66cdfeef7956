/**
 * The toy SCIM server that `scimctl test` is checked against must itself be right: without flaws it
 * passes the recorded Entra and Okta cycles, and each flaw breaks exactly the one thing it names.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Replay, type Recording } from '../../src/simulator/recording.js';
import { startToyScimServer, type Flaw, type ToyScimServer } from '../helpers/toy-scim-server.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/recordings/${name}.json`, import.meta.url), 'utf8')) as Recording;

let toy: ToyScimServer | undefined;
afterEach(async () => {
  await toy?.close();
  toy = undefined;
});

async function start(flaws: Flaw[] = []): Promise<ToyScimServer> {
  toy = await startToyScimServer({ flaws });
  return toy;
}

/** A request to the toy server with its token; the body is parsed when there is one. */
async function call(server: ToyScimServer, method: string, path: string, body?: unknown) {
  const response = await fetch(server.baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/scim+json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (text === '' ? undefined : JSON.parse(text)) as Record<string, any> };
}

const alice = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  userName: 'alice@contoso.com',
  displayName: 'Alice Example',
  active: true,
  name: { givenName: 'Alice', familyName: 'Example' },
  emails: [{ type: 'work', primary: true, value: 'alice@contoso.com' }],
  [ENTERPRISE]: { department: 'R&D', employeeNumber: '42' },
};

describe.each(['entra-legacy', 'entra-aadoptscim062020', 'okta'])('the toy server passes the %s recording', (name) => {
  it('step by step', async () => {
    const server = await start();
    const recording = load(name);
    const replay = new Replay(recording, { baseUrl: server.baseUrl, token: server.token });
    const failed: string[] = [];
    for (const step of recording.steps) {
      const outcome = await replay.run(step);
      if (outcome.failures.length > 0) failed.push(`${step.name}: ${outcome.failures.join('; ')}`);
    }
    expect(failed).toEqual([]);
  });
});

describe('the toy server without flaws', () => {
  it('filters with every operator, logical combinations and value paths', async () => {
    const server = await start();
    await call(server, 'POST', '/Users', alice);
    await call(server, 'POST', '/Users', { userName: 'bob@fabrikam.com', displayName: 'Bob', name: { familyName: 'Boss' }, emails: [{ type: 'home', value: 'bob@home.example' }] });
    const count = async (filter: string) => (await call(server, 'GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.totalResults as number;
    expect(await count('userName eq "ALICE@CONTOSO.COM"')).toBe(1);
    expect(await count('userName ne "alice@contoso.com"')).toBe(1);
    expect(await count('userName co "fabrikam"')).toBe(1);
    expect(await count('userName sw "ali"')).toBe(1);
    expect(await count('userName ew ".com"')).toBe(2);
    expect(await count('title pr')).toBe(0);
    expect(await count('displayName pr')).toBe(2);
    expect(await count('userName gt "b"')).toBe(1);
    expect(await count('userName le "b"')).toBe(1);
    expect(await count('meta.created gt "2000-01-01T00:00:00Z"')).toBe(2);
    expect(await count('name.familyName eq "Boss"')).toBe(1);
    expect(await count('emails[type eq "work" and value co "contoso"]')).toBe(1);
    expect(await count('emails.value ew "home.example"')).toBe(1);
    expect(await count(`${ENTERPRISE}:department eq "R&D"`)).toBe(1);
    expect(await count('not (userName sw "ali") and (displayName eq "Bob" or displayName eq "x")')).toBe(1);
    const bad = await call(server, 'GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect(bad.type).toMatch(/^application\/scim\+json/);
  });

  it('routes endpoint names in any case and takes both PATCH families on groups', async () => {
    const server = await start();
    const user = (await call(server, 'POST', '/users', { userName: 'a@x.com', displayName: 'A', active: 'True' })).body;
    expect(user.active).toBe(true);
    const group = (await call(server, 'POST', '/groups', { displayName: 'G' })).body;
    const patch = (op: object) => call(server, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [op] });
    expect((await patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: user.id }] })).status).toBe(204);
    const members = (await call(server, 'GET', `/Groups/${group.id}`)).body.members;
    expect(members).toEqual([{ value: user.id, display: 'A', type: 'User', $ref: `${server.baseUrl}/Users/${user.id}` }]);
    expect((await call(server, 'GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${user.id}"]`)}`)).body.totalResults).toBe(1);
    expect((await patch({ op: 'remove', path: `members[value eq "${user.id}"]` })).status).toBe(204);
    expect((await call(server, 'GET', `/Groups/${group.id}`)).body.members).toEqual([]);
    expect((await patch({ op: 'Add', path: 'members', value: [{ value: user.id }] })).status).toBe(204);
    // Deleting the user takes it out of the group.
    expect((await call(server, 'DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect((await call(server, 'GET', `/Groups/${group.id}`)).body.members).toEqual([]);
    expect((await call(server, 'DELETE', `/Users/${user.id}`)).status).toBe(404);
  });

  it('pages, sorts and projects', async () => {
    const server = await start();
    for (const n of ['c', 'a', 'b']) await call(server, 'POST', '/Users', { userName: `${n}@x.com`, displayName: n.toUpperCase() });
    const page = await call(server, 'GET', '/Users?sortBy=userName&startIndex=2&count=1&attributes=userName');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ userName: 'b@x.com' }] });
    expect(Object.keys(page.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    const excluded = await call(server, 'GET', '/Users?excludedAttributes=displayName&sortBy=userName&sortOrder=descending');
    expect(excluded.body.Resources[0].userName).toBe('c@x.com');
    expect(excluded.body.Resources[0].displayName).toBeUndefined();
  });

  it('refuses bad JSON, duplicates and unknown ids with SCIM errors, and answers discovery', async () => {
    const server = await start();
    const raw = await fetch(`${server.baseUrl}/Users`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{"userName":' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ scimType: 'invalidSyntax', status: '400' });
    await call(server, 'POST', '/Groups', { displayName: 'Team' });
    expect((await call(server, 'POST', '/Groups', { displayName: 'team' })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await call(server, 'PATCH', '/Users/nope', { schemas: [PATCH_OP], Operations: [] })).status).toBe(404);
    const config = await call(server, 'GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true } });
    expect((await call(server, 'GET', '/ResourceTypes')).body.totalResults).toBe(2);
    expect((await call(server, 'GET', '/Schemas')).body.totalResults).toBe(3);
    expect(server.users()).toBe(0);
    expect(server.groups()).toBe(1);
  });
});

describe('each flaw breaks exactly its one thing', () => {
  it('ignore-filter returns everybody for any filter', async () => {
    const server = await start(['ignore-filter']);
    await call(server, 'POST', '/Users', alice);
    const list = await call(server, 'GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`);
    expect(list.body).toMatchObject({ totalResults: 1, Resources: [{ userName: 'alice@contoso.com' }] });
  });

  it('create-without-id leaves id out of the 201 but stores the resource', async () => {
    const server = await start(['create-without-id']);
    const created = await call(server, 'POST', '/Users', alice);
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe('alice@contoso.com');
    expect(created.body.id).toBeUndefined();
    expect(created.body.meta.location).toBeUndefined();
    expect(server.users()).toBe(1);
    expect((await call(server, 'GET', '/Users')).body.Resources[0].id).toEqual(expect.any(String));
  });

  it('reject-string-boolean refuses "False" but takes false', async () => {
    const server = await start(['reject-string-boolean']);
    const { body } = await call(server, 'POST', '/Users', alice);
    const patch = (value: unknown) => call(server, 'PATCH', `/Users/${body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value }] });
    expect((await patch('False')).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await patch(false)).body).toMatchObject({ active: false });
  });

  it('patch-500 answers every PATCH with a 500 Error body', async () => {
    const server = await start(['patch-500']);
    const { body } = await call(server, 'POST', '/Users', alice);
    const patched = await call(server, 'PATCH', `/Users/${body.id}`, { schemas: [PATCH_OP], Operations: [] });
    expect(patched.status).toBe(500);
    expect(patched.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
    expect((await call(server, 'GET', `/Users/${body.id}`)).status).toBe(200);
  });

  it('drop-enterprise never stores the extension', async () => {
    const server = await start(['drop-enterprise']);
    const created = await call(server, 'POST', '/Users', alice);
    expect(created.body[ENTERPRISE]).toBeUndefined();
    expect(created.body.schemas).not.toContain(ENTERPRISE);
    const patched = await call(server, 'PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Platform' },
        { op: 'replace', value: { [`${ENTERPRISE}:employeeNumber`]: '9', displayName: 'Alice Smith' } },
      ],
    });
    expect(patched.body.displayName).toBe('Alice Smith');
    expect(patched.body[ENTERPRISE]).toBeUndefined();
  });

  it('ok-to-everything answers 200 {} as application/json to anything, a wrong token included', async () => {
    const server = await start(['ok-to-everything']);
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      const response = await fetch(`${server.baseUrl}/Users/whatever`, { method, headers: { Authorization: 'Bearer wrong' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({});
    }
  });
});
