import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FLUSH_MS } from '../../src/store/request-log-buffer.js';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';
import { rawDb } from '../helpers/db.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(2);
});
afterAll(() => server.close());

const unauthorized = (detail: string) => ({ schemas: [ERROR_SCHEMA], status: '401', detail });

describe('bearer token auth', () => {
  it('answers 401 with a SCIM Error for a missing, malformed or wrong token', async () => {
    const [a] = server.directories;
    const missing = await fetch(`${a!.baseUrl}/Users`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(await missing.json()).toEqual(unauthorized('Authorization header missing: send "Authorization: Bearer <token>"'));

    const malformed = await scim(a!, 'GET', '/Users', undefined, { Authorization: 'Basic dXNlcjpwYXNz' });
    expect(malformed.status).toBe(401);
    expect(malformed.body).toEqual(unauthorized('Authorization header malformed: expected "Bearer <token>"'));

    const wrong = await scim({ ...a!, token: 'scimctl_sk_' + 'x'.repeat(43) }, 'GET', '/Users');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unauthorized('bearer token is not valid for this directory'));
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="scimctl"');
  });

  it('accepts the scheme in any case', async () => {
    const [a] = server.directories;
    const res = await scim(a!, 'GET', '/Users', undefined, { Authorization: `bearer ${a!.token}` });
    expect(res.status).toBe(200);
  });

  it('answers an unknown directory exactly like a wrong token, so ids cannot be probed', async () => {
    const [a] = server.directories;
    const unknown = await scim({ ...a!, baseUrl: `${server.url}/scim/v2/scim_directory_doesnotexist` }, 'GET', '/Users');
    const wrong = await scim({ ...a!, token: 'nope' }, 'GET', '/Users');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
  });

  it('never lets one directory\'s token read or change another directory', async () => {
    const [a, b] = server.directories;
    const created = await scim(a!, 'POST', '/Users', entraUser('isolde'));
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    // A's token on B's URL: 401.
    expect((await scim({ ...b!, token: a!.token }, 'GET', `/Users/${id}`)).status).toBe(401);
    // B's own token: A's user does not exist there.
    const viaB = await scim(b!, 'GET', `/Users/${id}`);
    expect(viaB.status).toBe(404);
    expect(viaB.body.schemas).toEqual([ERROR_SCHEMA]);
    expect((await scim(b!, 'GET', '/Users?filter=userName eq "isolde@contoso.com"')).body.totalResults).toBe(0);
    expect((await scim(b!, 'PATCH', `/Users/${id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
    expect((await scim(b!, 'DELETE', `/Users/${id}`)).status).toBe(404);

    // B's group cannot take A's user as a member.
    const group = await scim(b!, 'POST', '/Groups', { displayName: 'B team' });
    const add = await scim(b!, 'PATCH', `/Groups/${group.body.id}`, { Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }] });
    expect(add.status).toBe(400);
    expect(add.body.scimType).toBe('invalidValue');
    expect((await scim(a!, 'GET', `/Users/${id}`)).body.active).toBe(true);
  });

  it('stops accepting the old token the moment the token is rotated', async () => {
    const [, b] = server.directories;
    expect((await scim(b!, 'GET', '/Users')).status).toBe(200);
    const { token } = server.store.directories.rotateToken(b!.id);
    expect((await scim(b!, 'GET', '/Users')).status).toBe(401);
    expect((await scim({ ...b!, token }, 'GET', '/Users')).status).toBe(200);
    b!.token = token;
  });

  it('protects discovery endpoints the same way', async () => {
    const [a] = server.directories;
    expect((await fetch(`${a!.baseUrl}/ServiceProviderConfig`)).status).toBe(401);
    expect((await scim(a!, 'GET', '/ServiceProviderConfig')).status).toBe(200);
  });
});

describe('request log', () => {
  it('logs every request, failures included, and never stores the token', async () => {
    const [a] = server.directories;
    await scim({ ...a!, token: 'wrong-token-value' }, 'GET', '/Users?filter=userName eq "x"');
    // Log rows are written together a few milliseconds after the response.
    await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 30));
    const rows = rawDb(server.store).prepare('SELECT * FROM request_log ORDER BY seq').all() as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(5);
    const failed = rows[rows.length - 1]!;
    expect(failed).toMatchObject({ method: 'GET', status: 401, error_kind: 'unauthorized', directory_id: a!.id, query: 'filter=userName eq "x"' });
    expect(failed.path).toBe(`/scim/v2/${a!.id}/Users`);
    const created = rows.find((r) => r.method === 'POST' && r.status === 201)!;
    expect(JSON.parse(created.request_body as string).userName).toBe('isolde@contoso.com');
    expect(JSON.parse(created.response_body as string).id).toMatch(/^scim_user_/);
    const everything = JSON.stringify(rows);
    for (const dir of server.directories) expect(everything).not.toContain(dir.token);
    expect(everything).not.toContain('wrong-token-value');
  });
});

describe('request log bodies', () => {
  it('keeps the request body exactly as the client sent it, malformed ones too', async () => {
    const [a] = server.directories;
    const sent = '{ "userName" : "spacey@contoso.com",\n  "active": "True" }';
    expect((await scim(a!, 'POST', '/Users', sent)).status).toBe(201);
    expect((await scim(a!, 'POST', '/Users', '{"userName": ')).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 30));
    const rows = rawDb(server.store).prepare("SELECT status, request_body FROM request_log WHERE method = 'POST' ORDER BY seq DESC LIMIT 2").all();
    expect(rows).toEqual([
      { status: 400, request_body: '{"userName": ' },
      { status: 201, request_body: sent },
    ]);
  });
});
