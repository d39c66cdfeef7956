import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, ERROR_SCHEMA, entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: TestDirectory;
beforeAll(async () => {
  server = await startTestServer(1);
  dir = server.directories[0]!;
});
afterAll(() => server.close());

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describe('Users', () => {
  it('answers Entra\'s Test connection (random guid filter) with 200 and an empty ListResponse', async () => {
    const res = await scim(dir, 'GET', '/Users?filter=userName eq "5a6f1c1e-2f0b-4b2c-9f8e-0d6d3c2b1a00"');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('creates a user from Entra\'s default body: 201, echoed exactly as sent, with id, meta and Location', async () => {
    const body = entraUser('alice');
    const res = await scim(dir, 'POST', '/Users', body);
    expect(res.status).toBe(201);
    const { id, meta, ...echoed } = res.body;
    expect(id).toMatch(/^scim_user_[0-9a-z]{26}$/);
    const { meta: _sentMeta, ...sent } = body;
    expect(echoed).toEqual(sent);
    expect(meta).toEqual({
      resourceType: 'User',
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastModified: meta.created,
      location: `${dir.baseUrl}/Users/${id}`,
      version: 'W/"1"',
    });
    expect(res.headers.get('location')).toBe(meta.location);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
  });

  it('matches userName case-insensitively and externalId exactly', async () => {
    const upper = await scim(dir, 'GET', '/Users?filter=userName eq "ALICE@CONTOSO.COM"');
    expect(upper.body.totalResults).toBe(1);
    expect(upper.body.Resources[0].userName).toBe('alice@contoso.com');
    expect((await scim(dir, 'GET', '/Users?filter=externalId eq "alice"')).body.totalResults).toBe(1);
    expect((await scim(dir, 'GET', '/Users?filter=externalId eq "ALICE"')).body.totalResults).toBe(0);
  });

  it('accepts a filter URL-encoded twice, as older Entra clients send it', async () => {
    const twice = encodeURIComponent(encodeURIComponent('userName eq "alice@contoso.com"'));
    const res = await fetch(`${dir.baseUrl}/Users?filter=${twice}`, { headers: { Authorization: `Bearer ${dir.token}` } });
    expect(((await res.json()) as { totalResults: number }).totalResults).toBe(1);
  });

  it('rejects a duplicate userName in any case with 409 uniqueness', async () => {
    const res = await scim(dir, 'POST', '/Users', entraUser('alice', { userName: 'Alice@Contoso.com', externalId: 'other' }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness', detail: 'userName "Alice@Contoso.com" is already taken in this directory' });
  });

  it('stores string booleans from POST as booleans', async () => {
    const res = await scim(dir, 'POST', '/Users', entraUser('bob', { active: 'False' }));
    expect(res.status).toBe(201);
    expect(res.body.active).toBe(false);
  });

  it('keeps a soft-deleted user visible to GET and filters', async () => {
    const bob = (await scim(dir, 'GET', '/Users?filter=userName eq "bob@contoso.com"')).body.Resources[0];
    expect(bob.active).toBe(false);
    expect((await scim(dir, 'GET', `/Users/${bob.id}`)).body.active).toBe(false);
    const inactive = await scim(dir, 'GET', '/Users?filter=active eq false');
    expect(inactive.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['bob@contoso.com']);
  });

  it('PATCHes both Entra families and answers 200 with the resource', async () => {
    const alice = (await scim(dir, 'GET', '/Users?filter=userName eq "alice@contoso.com"')).body.Resources[0];
    const res = await scim(dir, 'PATCH', `/Users/${alice.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'name.familyName', value: 'Smith' },
        { op: 'replace', value: { displayName: 'Alice Smith', 'name.givenName': 'Alicia', [`${ENTERPRISE}:employeeNumber`]: '9' } },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.smith@contoso.com' },
        { op: 'Add', path: 'phoneNumbers[type eq "fax"].value', value: '+1 555 0199' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toEqual({ givenName: 'Alicia', familyName: 'Smith', formatted: 'alice Example' });
    expect(res.body.displayName).toBe('Alice Smith');
    expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: '9', department: 'R&D' });
    expect(res.body.emails).toEqual([{ type: 'work', primary: true, value: 'alice.smith@contoso.com' }]);
    expect(res.body.phoneNumbers).toContainEqual({ type: 'fax', value: '+1 555 0199' });
    expect(res.body.active).toBe(false);
    expect(res.body.meta.version).toBe('W/"2"');
    expect(res.body).not.toHaveProperty('displayName.givenName');
  });

  it('sets the manager as a bare id and removes it', async () => {
    const alice = (await scim(dir, 'GET', '/Users?filter=userName eq "alice@contoso.com"')).body.Resources[0];
    const bob = (await scim(dir, 'GET', '/Users?filter=userName eq "bob@contoso.com"')).body.Resources[0];
    const set = await scim(dir, 'PATCH', `/Users/${alice.id}`, { Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: bob.id }] });
    expect(set.body[ENTERPRISE].manager).toEqual({ value: bob.id });
    expect((await scim(dir, 'GET', `/Users?filter=${encodeURIComponent(`${ENTERPRISE}:manager.value eq "${bob.id}"`)}`)).body.totalResults).toBe(1);
    const removed = await scim(dir, 'PATCH', `/Users/${alice.id}`, { Operations: [{ op: 'Remove', path: `${ENTERPRISE}:manager` }] });
    expect(removed.body[ENTERPRISE]).not.toHaveProperty('manager');
  });

  it('answers an empty Operations list with 200 and changes nothing', async () => {
    const alice = (await scim(dir, 'GET', '/Users?filter=userName eq "alice@contoso.com"')).body.Resources[0];
    const res = await scim(dir, 'PATCH', `/Users/${alice.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] });
    expect(res.status).toBe(200);
    expect(res.body.meta.version).toBe(alice.meta.version);
  });

  it('applies a PATCH all or nothing: a bad later operation leaves the user unchanged', async () => {
    const alice = (await scim(dir, 'GET', '/Users?filter=userName eq "alice@contoso.com"')).body.Resources[0];
    const res = await scim(dir, 'PATCH', `/Users/${alice.id}`, {
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'frobnicate', path: 'title', value: 'x' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(res.body.detail).toContain('Operations[1]');
    const after = await scim(dir, 'GET', `/Users/${alice.id}`);
    expect(after.body).toEqual(alice);
  });

  it('replaces with PUT (Okta deactivation) and honours If-Match', async () => {
    const bob = (await scim(dir, 'GET', '/Users?filter=userName eq "bob@contoso.com"')).body.Resources[0];
    const stale = await scim(dir, 'PUT', `/Users/${bob.id}`, { userName: 'bob@contoso.com', active: true }, { 'If-Match': 'W/"999"' });
    expect(stale.status).toBe(412);
    const put = await scim(dir, 'PUT', `/Users/${bob.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bob@contoso.com', active: false, name: { givenName: 'Bob' } }, { 'If-Match': bob.meta.version });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: bob.id, userName: 'bob@contoso.com', active: false, name: { givenName: 'Bob' } });
    expect(put.body).not.toHaveProperty('emails');
    expect(put.body.meta.created).toBe(bob.meta.created);
  });

  it('pages, sorts and projects lists', async () => {
    for (const nick of ['carol', 'dave', 'erin']) expect((await scim(dir, 'POST', '/Users', entraUser(nick))).status).toBe(201);
    const page = await scim(dir, 'GET', '/Users?startIndex=2&count=2&sortBy=userName&sortOrder=descending');
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['dave@contoso.com', 'carol@contoso.com']);

    const projected = await scim(dir, 'GET', '/Users?filter=userName eq "carol@contoso.com"&attributes=userName,emails[type eq "work"].value');
    expect(projected.body.Resources[0]).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      id: expect.any(String),
      userName: 'carol@contoso.com',
      emails: [{ value: 'carol@contoso.com' }],
    });
    const excluded = await scim(dir, 'GET', '/Users?filter=userName eq "carol@contoso.com"&excludedAttributes=emails,addresses,' + ENTERPRISE);
    expect(excluded.body.Resources[0]).not.toHaveProperty('emails');
    expect(excluded.body.Resources[0]).not.toHaveProperty(ENTERPRISE);
    expect(excluded.body.Resources[0].userName).toBe('carol@contoso.com');
  });

  it('supports the rest of the filter grammar over HTTP', async () => {
    const names = async (filter: string) =>
      (await scim(dir, 'GET', `/Users?filter=${encodeURIComponent(filter)}&sortBy=userName`)).body.Resources.map((u: { userName: string }) => u.userName);
    expect(await names('userName sw "c" or userName sw "d"')).toEqual(['carol@contoso.com', 'dave@contoso.com']);
    expect(await names('emails[type eq "work" and value co "erin"]')).toEqual(['erin@contoso.com']);
    expect(await names('not (active eq true) and name.givenName pr')).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    expect(await names('not (active eq true) and not (name.givenName eq "alicia")')).toEqual(['bob@contoso.com']);
    expect(await names(`${ENTERPRISE}:employeeNumber eq "9"`)).toEqual(['alice@contoso.com']);
    expect(await names('meta.created gt "2000-01-01T00:00:00Z" and userName ew "n@contoso.com"')).toEqual(['erin@contoso.com']);
  });

  it('answers malformed input with the right SCIM errors', async () => {
    const badFilter = await scim(dir, 'GET', '/Users?filter=userName equals "x"');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.scimType).toBe('invalidFilter');
    const badJson = await scim(dir, 'POST', '/Users', '{"userName": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.scimType).toBe('invalidSyntax');
    const missing = await scim(dir, 'POST', '/Users', { displayName: 'No userName' });
    expect(missing.status).toBe(400);
    expect(missing.body.scimType).toBe('invalidValue');
    const badCount = await scim(dir, 'GET', '/Users?count=ten');
    expect(badCount.status).toBe(400);
    const unknown = await scim(dir, 'GET', '/Users/scim_user_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: 'User scim_user_nope not found' });
  });

  it('routes lower-case endpoints and a Tenant URL carrying ?aadOptscim062020', async () => {
    expect((await scim(dir, 'GET', '/users?filter=userName eq "carol@contoso.com"')).body.totalResults).toBe(1);
    expect((await scim(dir, 'GET', '/Users?aadOptscim062020&filter=userName eq "carol@contoso.com"')).body.totalResults).toBe(1);
    expect((await scim(dir, 'GET', '?aadOptscim062020/Users?filter=userName eq "carol@contoso.com"')).body.totalResults).toBe(1);
  });

  it('routes a trailing slash, a %-encoded id and HEAD; a malformed %-escape is 400 and an extra segment 404', async () => {
    const carol = (await scim(dir, 'GET', '/Users/?filter=userName eq "carol@contoso.com"')).body.Resources[0];
    const encoded = carol.id.replace('_', '%5F');
    const byEncodedId = await scim(dir, 'GET', `/USERS/${encoded}/`);
    expect(byEncodedId.status).toBe(200);
    expect(byEncodedId.body.userName).toBe('carol@contoso.com');
    const head = await scim(dir, 'HEAD', `/Users/${carol.id}`);
    expect([head.status, head.text, head.headers.get('etag')]).toEqual([200, '', byEncodedId.headers.get('etag')]);
    const malformed = await scim(dir, 'GET', '/Users/%zz');
    expect([malformed.status, malformed.body]).toEqual([400, { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax', detail: 'the path segment "%zz" is not valid percent-encoding' }]);
    const extra = await scim(dir, 'GET', `/Users/${carol.id}/groups`);
    expect([extra.status, extra.body]).toEqual([404, { schemas: [ERROR_SCHEMA], status: '404', detail: `no SCIM endpoint GET /Users/${carol.id}/groups` }]);
  });

  it('searches with POST /.search', async () => {
    const res = await scim(dir, 'POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "e"',
      attributes: ['userName'],
    });
    expect(res.status).toBe(200);
    expect(res.body.Resources).toEqual([{ schemas: expect.any(Array), id: expect.any(String), userName: 'erin@contoso.com' }]);
  });

  it('hard-deletes: 204, then 404', async () => {
    const erin = (await scim(dir, 'GET', '/Users?filter=userName eq "erin@contoso.com"')).body.Resources[0];
    expect((await scim(dir, 'DELETE', `/Users/${erin.id}`)).status).toBe(204);
    expect((await scim(dir, 'GET', `/Users/${erin.id}`)).status).toBe(404);
    expect((await scim(dir, 'DELETE', `/Users/${erin.id}`)).status).toBe(404);
  });
});

describe('odd query strings', () => {
  it('joins repeated attributes parameters instead of failing', async () => {
    const carol = (await scim(dir, 'GET', '/Users?filter=userName eq "carol@contoso.com"')).body.Resources[0];
    const res = await scim(dir, 'GET', `/Users/${carol.id}?attributes=userName&attributes=title`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: carol.schemas, id: carol.id, userName: 'carol@contoso.com', title: 'Engineer' });
    const twice = await scim(dir, 'GET', '/Users?count=1&count=2');
    expect(twice.status).toBe(400);
    expect(twice.body.scimType).toBe('invalidValue');
  });
});
