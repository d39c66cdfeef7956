import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: TestDirectory;
const users: string[] = [];
const groups: string[] = [];
beforeAll(async () => {
  server = await startTestServer(2);
  dir = server.directories[0]!;
  for (const name of ['ada', 'alan', 'grace']) {
    users.push((await scim(dir, 'POST', '/Users', { userName: `${name}@x.test`, displayName: `A ${name}`, emails: [{ type: 'work', value: `${name}@x.test` }] })).body.id);
  }
  for (const name of ['Admins', 'Authors']) groups.push((await scim(dir, 'POST', '/Groups', { displayName: `A ${name}`, members: [{ value: users[0] }] })).body.id);
  // Another directory's resources never show up.
  await scim(server.directories[1]!, 'POST', '/Users', { userName: 'other@x.test' });
});
afterAll(() => server.close());

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const search = (body: Record<string, unknown>) => scim(dir, 'POST', '/.search', { schemas: [SEARCH], ...body });
const kinds = (resources: { meta: { resourceType: string } }[]) => resources.map((r) => r.meta.resourceType);

describe('POST /.search at the directory root (RFC 7644 §3.4.3)', () => {
  it('lists Users and Groups together, each with its own schemas and meta.resourceType', async () => {
    const res = await search({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ schemas: [LIST], totalResults: 5, startIndex: 1, itemsPerPage: 5 });
    expect(kinds(res.body.Resources)).toEqual(['User', 'User', 'User', 'Group', 'Group']);
    expect(res.body.Resources[0].schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    expect(res.body.Resources[3].schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Group']);
    expect(res.body.Resources[3].meta.location).toBe(`${dir.baseUrl}/Groups/${groups[0]}`);
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([...users, ...groups]);
  });

  it('applies the filter to each type; attributes a type does not have match none of it', async () => {
    const byDisplayName = await search({ filter: 'displayName sw "A a"' });
    expect(kinds(byDisplayName.body.Resources)).toEqual(['User', 'User', 'Group', 'Group']);
    const byUserName = await search({ filter: 'userName eq "grace@x.test"' });
    expect(byUserName.body).toMatchObject({ totalResults: 1, Resources: [{ id: users[2], meta: { resourceType: 'User' } }] });
    const byMember = await search({ filter: `members.value eq "${users[0]}"` });
    expect(byMember.body.totalResults).toBe(2);
    expect(kinds(byMember.body.Resources)).toEqual(['Group', 'Group']);
    const byEmail = await search({ filter: 'emails[type eq "work" and value co "al"]' });
    expect(kinds(byEmail.body.Resources)).toEqual(['User']);
    const byType = await search({ filter: 'meta.resourceType eq "Group"' });
    expect(byType.body.totalResults).toBe(2);
  });

  it('pages over the combined result', async () => {
    const across = await search({ startIndex: 3, count: 2 });
    expect(across.body).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
    expect(across.body.Resources.map((r: { id: string }) => r.id)).toEqual([users[2], groups[0]]);
    const groupsOnly = await search({ startIndex: 5, count: 10 });
    expect(groupsOnly.body.Resources.map((r: { id: string }) => r.id)).toEqual([groups[1]]);
    const past = await search({ startIndex: 9 });
    expect(past.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const countOnly = await search({ count: 0 });
    expect(countOnly.body).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
  });

  it('projects each type with attributes and excludedAttributes', async () => {
    const res = await search({ attributes: ['displayName'], count: 10 });
    for (const resource of res.body.Resources) expect(Object.keys(resource).sort()).toEqual(['displayName', 'id', 'schemas']);
    const excluded = await search({ excludedAttributes: ['members', 'emails'] });
    expect(excluded.body.Resources.some((r: Record<string, unknown>) => 'members' in r || 'emails' in r)).toBe(false);
  });

  it('answers errors in the SCIM Error schema: a bad filter, sortBy, a body that is not an object, a GET', async () => {
    const badFilter = await search({ filter: 'userName eq' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter' });
    const sorted = await search({ sortBy: 'displayName' });
    expect(sorted.status).toBe(400);
    expect(sorted.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
    expect((await scim(dir, 'POST', '/.search', '[1]')).body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidSyntax' });
    // .search is POST only (a GET queries the root itself).
    expect((await scim(dir, 'GET', '/.search')).status).toBe(404);
    expect((await scim({ ...dir, token: 'wrong' }, 'POST', '/.search', {})).status).toBe(401);
  });
});

describe('GET at the directory root (RFC 7644 §3.4.2.1)', () => {
  it('queries Users and Groups together with query parameters, with or without a trailing slash', async () => {
    const filter = encodeURIComponent('displayName sw "A a"');
    for (const path of [`?filter=${filter}&count=3`, `/?filter=${filter}&count=3`]) {
      const res = await fetch(`${dir.baseUrl}${path}`, { headers: { Authorization: `Bearer ${dir.token}` } });
      expect(res.status, path).toBe(200);
      const body = (await res.json()) as { totalResults: number; itemsPerPage: number; Resources: { id: string; meta: { resourceType: string } }[] };
      expect(body).toMatchObject({ schemas: [LIST], totalResults: 4, startIndex: 1, itemsPerPage: 3 });
      expect(body.Resources.map((r) => r.id)).toEqual([users[0], users[1], groups[0]]);
    }
    const all = await scim(dir, 'GET', '/?startIndex=4&attributes=displayName');
    expect(all.body).toMatchObject({ totalResults: 5, startIndex: 4, itemsPerPage: 2 });
    expect(all.body.Resources.map((r: { id: string }) => r.id)).toEqual(groups);
    expect(Object.keys(all.body.Resources[0]).sort()).toEqual(['displayName', 'id', 'schemas']);
  });

  it('answers errors as POST /.search does', async () => {
    expect((await scim(dir, 'GET', `/?filter=${encodeURIComponent('userName eq')}`)).body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter' });
    expect((await scim(dir, 'GET', '/?sortBy=displayName')).body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
    expect((await scim({ ...dir, token: 'wrong' }, 'GET', '/')).status).toBe(401);
  });
});

describe('/Schemas', () => {
  it('gives referenceTypes for every reference attribute', async () => {
    const res = await scim(dir, 'GET', '/Schemas');
    const references: Record<string, unknown> = {};
    const visit = (schema: string, attrs: { name: string; type: string; referenceTypes?: string[]; subAttributes?: unknown[] }[], prefix = '') => {
      for (const a of attrs) {
        if (a.type === 'reference') references[`${schema}:${prefix}${a.name}`] = a.referenceTypes;
        if (a.subAttributes) visit(schema, a.subAttributes as typeof attrs, `${a.name}.`);
      }
    };
    for (const schema of res.body.Resources) visit(schema.name, schema.attributes);
    expect(references).toEqual({
      'User:profileUrl': ['external'],
      'User:photos.value': ['external'],
      'User:groups.$ref': ['Group'],
      'Group:members.$ref': ['User', 'Group'],
      'EnterpriseUser:manager.$ref': ['User'],
    });
  });
});
