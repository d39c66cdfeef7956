import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: TestDirectory;
let userId: string;
let groupId: string;
beforeAll(async () => {
  server = await startTestServer(1);
  dir = server.directories[0]!;
  userId = (await scim(dir, 'POST', '/Users', { userName: 'plain@x.test' })).body.id;
  groupId = (await scim(dir, 'POST', '/Groups', { displayName: 'Plain' })).body.id;
});
afterAll(() => server.close());

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

function expectRefused(res: { status: number; body: any }, attribute: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
  expect(res.body.detail).toContain(`${attribute} must not contain control characters`);
}

describe('control characters in identifying attributes are refused', () => {
  it('a NUL in userName no longer makes two names collide', async () => {
    expectRefused(await scim(dir, 'POST', '/Users', { userName: 'z\u0000a@x.test' }), 'userName');
    expectRefused(await scim(dir, 'POST', '/Users', { userName: 'z\u0000b@x.test' }), 'userName');
    expect((await scim(dir, 'GET', `/Users?filter=${encodeURIComponent('userName sw "z"')}`)).body.totalResults).toBe(0);
  });

  it.each([
    ['userName', { userName: 'tab\there@x.test' }],
    ['userName', { userName: 'del\u007f@x.test' }],
    ['externalId', { userName: 'ext@x.test', externalId: 'ext\u0001' }],
    ['displayName', { userName: 'disp@x.test', displayName: 'Line\nBreak' }],
  ])('POST /Users with a control character in %s', async (attribute, body) => {
    expectRefused(await scim(dir, 'POST', '/Users', body), attribute);
  });

  it('POST /Groups, in displayName and externalId', async () => {
    expectRefused(await scim(dir, 'POST', '/Groups', { displayName: 'G\u0000' }), 'displayName');
    expectRefused(await scim(dir, 'POST', '/Groups', { displayName: 'G', externalId: '\u001f' }), 'externalId');
  });

  it('PUT', async () => {
    expectRefused(await scim(dir, 'PUT', `/Users/${userId}`, { userName: 'plain\u0000@x.test' }), 'userName');
    expectRefused(await scim(dir, 'PUT', `/Groups/${groupId}`, { displayName: 'Plain\r' }), 'displayName');
  });

  it('PATCH, by path and path-less', async () => {
    expectRefused(await scim(dir, 'PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'userName', value: 'p\u0000@x.test' })), 'userName');
    expectRefused(await scim(dir, 'PATCH', `/Users/${userId}`, patch({ op: 'replace', value: { externalId: 'e\u0002' } })), 'externalId');
    expectRefused(await scim(dir, 'PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: 'P\u0000' })), 'displayName');
    expect((await scim(dir, 'GET', `/Users/${userId}`)).body.userName).toBe('plain@x.test');
  });

  it('other attributes may still hold them (a formatted address has line breaks)', async () => {
    const res = await scim(dir, 'POST', '/Users', { userName: 'lines@x.test', title: 'A\tB', addresses: [{ formatted: '1 Main St\nRedmond' }] });
    expect(res.status).toBe(201);
  });
});
