import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: TestDirectory;
const users: Record<string, string> = {};
beforeAll(async () => {
  server = await startTestServer(1);
  dir = server.directories[0]!;
  for (const nick of ['ann', 'ben', 'cat']) users[nick] = (await scim(dir, 'POST', '/Users', entraUser(nick))).body.id;
});
afterAll(() => server.close());

const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

describe('Groups', () => {
  let groupId: string;

  it('creates an Entra group: 201 with members []', async () => {
    const res = await scim(dir, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', ENTRA_GROUP], externalId: '7c1d', displayName: 'Sales' });
    expect(res.status).toBe(201);
    groupId = res.body.id;
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', ENTRA_GROUP], externalId: '7c1d', displayName: 'Sales', members: [] });
    expect(res.body.meta).toMatchObject({ resourceType: 'Group', location: `${dir.baseUrl}/Groups/${groupId}` });
  });

  it('refuses a second group with the same displayName', async () => {
    const res = await scim(dir, 'POST', '/Groups', { displayName: 'sales' });
    expect(res.status).toBe(409);
    expect(res.body.scimType).toBe('uniqueness');
  });

  it('adds members (legacy value array) with 204, and lists them with value, $ref, display', async () => {
    const res = await scim(dir, 'PATCH', `/Groups/${groupId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: users.ann }, { $ref: null, value: users.ben }, { $ref: null, value: users.cat }] }],
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const group = await scim(dir, 'GET', `/Groups/${groupId}`);
    expect(group.body.members).toEqual([
      { value: users.ann, $ref: `${dir.baseUrl}/Users/${users.ann}`, display: 'Ann Example', type: 'User' },
      { value: users.ben, $ref: `${dir.baseUrl}/Users/${users.ben}`, display: 'Ben Example', type: 'User' },
      { value: users.cat, $ref: `${dir.baseUrl}/Users/${users.cat}`, display: 'Cat Example', type: 'User' },
    ]);
  });

  it('removes members in both forms', async () => {
    expect((await scim(dir, 'PATCH', `/Groups/${groupId}`, { Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: users.ann }] }] })).status).toBe(204);
    expect((await scim(dir, 'PATCH', `/Groups/${groupId}`, { Operations: [{ op: 'remove', path: `members[value eq "${users.ben}"]` }] })).status).toBe(204);
    const group = await scim(dir, 'GET', `/Groups/${groupId}`);
    expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([users.cat]);
  });

  it('omits members when excluded, in GET by id and in filtered lists', async () => {
    const one = await scim(dir, 'GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('members');
    expect(one.body.displayName).toBe('Sales');
    const list = await scim(dir, 'GET', '/Groups?excludedAttributes=members&filter=displayName eq "Sales"');
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0]).not.toHaveProperty('members');
  });

  it('renames with Replace displayName: 204', async () => {
    const res = await scim(dir, 'PATCH', `/Groups/${groupId}`, { Operations: [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }] });
    expect(res.status).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${groupId}?excludedAttributes=members`)).body.displayName).toBe('Sales EMEA');
  });

  it('answers a group PATCH that asks for attributes (in any case) with 200 and the resource', async () => {
    for (const query of ['attributes=displayName', 'Attributes=displayName', 'EXCLUDEDATTRIBUTES=members']) {
      const res = await scim(dir, 'PATCH', `/Groups/${groupId}?${query}`, { Operations: [{ op: 'replace', path: 'externalId', value: '7c1d' }] });
      expect(res.status, query).toBe(200);
      expect(res.body, query).toMatchObject({ id: groupId, displayName: 'Sales EMEA' });
      expect(res.body, query).not.toHaveProperty('members');
    }
  });

  it('finds groups by member and users show their groups', async () => {
    const byMember = await scim(dir, 'GET', `/Groups?filter=members.value eq "${users.cat}"&excludedAttributes=members`);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toEqual([groupId]);
    const cat = await scim(dir, 'GET', `/Users/${users.cat}`);
    expect(cat.body.groups).toEqual([{ value: groupId, $ref: `${dir.baseUrl}/Groups/${groupId}`, display: 'Sales EMEA', type: 'direct' }]);
  });

  it('drops a deleted user from its groups', async () => {
    expect((await scim(dir, 'DELETE', `/Users/${users.cat}`)).status).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${groupId}`)).body.members).toEqual([]);
  });

  it('rejects an unknown member without changing the group', async () => {
    const res = await scim(dir, 'PATCH', `/Groups/${groupId}`, {
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: users.ann }] },
        { op: 'Add', path: 'members', value: [{ value: 'scim_user_unknown' }] },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue' });
    expect((await scim(dir, 'GET', `/Groups/${groupId}`)).body.members).toEqual([]);
  });

  it('deletes: 204, then 404', async () => {
    expect((await scim(dir, 'DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${groupId}`)).status).toBe(404);
  });
});

describe('discovery', () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const spc = await scim(dir, 'GET', '/ServiceProviderConfig');
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 1000 }, bulk: { supported: false }, sort: { supported: true }, etag: { supported: true } });
    expect(spc.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const types = await scim(dir, 'GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
    expect((await scim(dir, 'GET', '/ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }]);
    const schemas = await scim(dir, 'GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(3);
    const user = await scim(dir, 'GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
    expect((await scim(dir, 'GET', '/Schemas/urn:nope')).status).toBe(404);
  });
});

describe('limits and unknown routes', () => {
  it('answers an oversized body with 413 tooLarge and unknown paths with a SCIM 404', async () => {
    const small = await startTestServer(1, { maxBodyBytes: 1024 });
    try {
      const d = small.directories[0]!;
      const res = await scim(d, 'POST', '/Users', entraUser('big', { title: 'x'.repeat(5000) }));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413', scimType: 'tooLarge' });
      const nowhere = await fetch(`${small.url}/nowhere`);
      expect(nowhere.status).toBe(404);
      expect(nowhere.headers.get('content-type')).toContain('application/scim+json');
    } finally {
      await small.close();
    }
  });
});
