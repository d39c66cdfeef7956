import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { LOG_FLUSH_MS } from '../../src/store/request-log-buffer.js';
import { entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer(2, { inspectorPollMs: 25 });
});
afterEach(() => server.close());

/** A request with any Host and headers (fetch will not send a Host of our choosing). */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string; json: any }> {
  const url = new URL(server.url + path);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const api = async (path: string) => {
  const response = await fetch(`${server.url}/_inspector/api${path}`);
  return { status: response.status, body: (await response.json()) as any };
};

/** Long enough for a buffered log row to be written, so a row that never comes can be told apart. */
const afterFlush = () => new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 30));

/** Log rows are written in batches; wait until `n` are visible. */
async function logged(n: number): Promise<void> {
  for (let i = 0; i < 100 && server.store.requestLog.lastSeq() < n; i++) await new Promise((r) => setTimeout(r, 10));
}

async function pageSecret(): Promise<string> {
  const html = await (await fetch(server.url + '/')).text();
  return /name="inspector-secret" content="([^"]+)"/.exec(html)![1]!;
}

describe('the inspector API', () => {
  it('answers only for a loopback Host (127.0.0.1, localhost, [::1], with the port)', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await raw('/_inspector/api/directories', { headers: { Host: host } })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example`, `192.168.1.5:${port}`, `localhost.:${port}`]) {
      const page = await raw('/', { headers: { Host: host } });
      const api = await raw('/_inspector/api/requests', { headers: { Host: host } });
      expect([page.status, api.status], host).toEqual([403, 403]);
      expect(api.json.error).toBe('forbidden');
    }
  });

  it('serves the page with a strict CSP and the replay secret, and never a token', async () => {
    const response = await fetch(server.url + '/');
    const html = await response.text();
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(html).toMatch(/name="inspector-secret" content="[A-Za-z0-9_-]{43}"/);
    for (const d of server.directories) expect(html).not.toContain(d.token);
  });

  it('lists requests newest first with filters and a cursor, and shows a request without its Authorization header', async () => {
    const [dir0, dir1] = server.directories;
    await scim(dir0!, 'POST', '/Users', entraUser('alice'));
    await scim(dir0!, 'POST', '/Users', entraUser('alice'));
    await scim(dir1!, 'GET', '/Users?filter=userName eq "bob"');
    await scim(dir0!, 'PATCH', '/Users/nope', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] });
    await logged(4);
    const all = await api('/requests');
    expect(all.body.items.map((r: any) => r.method)).toEqual(['PATCH', 'GET', 'POST', 'POST']);
    expect(all.body.items[0]).not.toHaveProperty('requestBody');
    expect((await api('/requests?status=4xx')).body.items.map((r: any) => r.status)).toEqual([404, 409]);
    expect((await api('/requests?status=201')).body.items).toHaveLength(1);
    expect((await api('/requests?method=get')).body.items).toHaveLength(1);
    expect((await api(`/requests?directory=${dir1!.id}`)).body.items).toHaveLength(1);
    expect((await api('/requests?errorKind=uniqueness')).body.items).toHaveLength(1);
    expect((await api('/requests?q=BOB')).body.items.map((r: any) => r.method)).toEqual(['GET']);
    const first = await api('/requests?limit=3');
    expect(first.body.items).toHaveLength(3);
    const second = await api(`/requests?limit=3&before=${first.body.next}`);
    expect(second.body.items.map((r: any) => r.method)).toEqual(['POST']);
    expect(second.body.next).toBeNull();
    expect((await api('/requests?status=abc')).status).toBe(400);

    const detail = await api(`/requests/${all.body.items[3].id}`);
    expect(JSON.parse(detail.body.requestBody).userName).toBe('alice@contoso.com');
    expect(JSON.parse(detail.body.responseBody).id).toBeTruthy();
    expect(JSON.stringify(detail.body)).not.toContain(dir0!.token);
    expect(JSON.stringify(detail.body).toLowerCase()).not.toContain('authorization');
    // The row's request key finds its events; it is not part of what the page is shown.
    expect(detail.body.events.map((e: any) => e.type)).toEqual(['user.created']);
    expect(detail.body).not.toHaveProperty('requestKey');
    const conflict = await api(`/requests/${all.body.items[2].id}`);
    expect(conflict.body.explanation.meaning).toMatch(/uniqueness/i);
    expect(conflict.body.explanation.entra).toBe(
      'Entra logs a failure for the object; it normally matches existing users with a GET filter first, so a 409 usually means its matching attribute differs from the unique one here.',
    );
    expect(conflict.body.explanation.okta).toBe('Okta marks the push as failed; importing users first lets it match them.');
    expect((await api('/requests/req_999999')).status).toBe(404);
  });

  it('summarises directories, lists users and groups with a SCIM filter, and shows a resource with memberships and history', async () => {
    const [dir0] = server.directories;
    const alice = (await scim(dir0!, 'POST', '/Users', entraUser('alice'))).body;
    await scim(dir0!, 'POST', '/Users', entraUser('bob'));
    const group = (await scim(dir0!, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng', members: [{ value: alice.id }] })).body;
    await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] });
    await logged(4);
    const dirs = await api('/directories');
    const d0 = dirs.body.items.find((d: any) => d.id === dir0!.id);
    expect(d0).toMatchObject({ userCount: 2, groupCount: 1, hasToken: true });
    expect(d0.lastRequest.method).toBe('PATCH');
    expect(JSON.stringify(dirs.body)).not.toMatch(/scimctl_sk_|token_hash|tokenHash/);

    const found = await api(`/directories/${dir0!.id}/users?filter=${encodeURIComponent('userName sw "bob"')}`);
    expect(found.body.total).toBe(1);
    expect(found.body.items[0].userName).toBe('bob@contoso.com');
    expect((await api(`/directories/${dir0!.id}/users?filter=${encodeURIComponent('userName eq')}`)).status).toBe(400);
    expect((await api(`/directories/${dir0!.id}/groups`)).body.items[0].displayName).toBe('Eng');
    expect((await api('/directories/scim_directory_nope/users')).status).toBe(404);

    const user = await api(`/directories/${dir0!.id}/users/${alice.id}`);
    expect(user.body.resource.title).toBe('Lead');
    expect(user.body.memberships).toEqual([{ value: group.id, display: 'Eng' }]);
    expect(user.body.requests.map((r: any) => r.method)).toEqual(['PATCH', 'POST', 'POST']);
    expect(user.body.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'group.user_added']));
    // Rendered as GET /Users/{id} renders it (one renderer), with its real base URL.
    const scimView = (await scim(dir0!, 'GET', `/Users/${alice.id}?excludedAttributes=groups`)).body;
    expect(user.body.resource).toEqual({ ...scimView, meta: { ...scimView.meta, location: `http://localhost:8080/scim/v2/${dir0!.id}/Users/${alice.id}` } });
    const g = await api(`/directories/${dir0!.id}/groups/${group.id}`);
    expect(g.body.memberships.map((m: any) => m.value)).toEqual([alice.id]);

    // A deleted user, listed greyed, still has its page.
    const bob = found.body.items[0];
    expect((await scim(dir0!, 'DELETE', `/Users/${bob.id}`)).status).toBe(204);
    const gone = await api(`/directories/${dir0!.id}/users/${bob.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body.deletedAt).toMatch(/^\d{4}-/);
    expect(gone.body.resource.userName).toBe('bob@contoso.com');
    expect((await api(`/directories/${server.directories[1]!.id}/users/${bob.id}`)).status).toBe(404);
  });

  it("shows a request's events, and a PATCH's operations with the before and after of what it changed", async () => {
    const [dir0] = server.directories;
    const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const alice = (await scim(dir0!, 'POST', '/Users', entraUser('alice'))).body;
    const bob = (await scim(dir0!, 'POST', '/Users', entraUser('bob'))).body;
    const group = (await scim(dir0!, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng', members: [{ value: alice.id }] })).body;
    // Entra's shapes: op in any case, a path-less op whose value keys are paths (one a URN path).
    await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] });
    await scim(dir0!, 'PATCH', `/Users/${bob.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', value: { title: 'Lead', [`${ENTERPRISE}:department`]: 'Sales' } }] });
    await scim(dir0!, 'PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: bob.id }] },
        { op: 'Remove', path: `members[value eq "${alice.id}"]` },
      ],
    });
    await scim(dir0!, 'PATCH', `/Users/${bob.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] });
    await logged(7);
    const [created, , , deactivate, pathless, membership, noop] = (await api('/requests?limit=7')).body.items.reverse().map((r: any) => r.id);

    const post = (await api(`/requests/${created}`)).body;
    expect(post.patch).toBeNull();
    expect(post.events.map((e: any) => [e.type, e.requestId, e.data.id])).toEqual([['user.created', created, alice.id]]);
    expect(post.events[0]).toMatchObject({ directoryId: dir0!.id, data: { email: 'alice@contoso.com', deleted: false } });

    const off = (await api(`/requests/${deactivate}`)).body;
    expect(off.patch).toEqual({
      operations: [{ op: 'replace', path: 'active', value: false }],
      unreadable: null,
      changes: [{ attribute: 'active', before: true, after: false }],
      members: { added: [], removed: [] },
      effect: 'changed',
    });
    expect(off.events.map((e: any) => e.type)).toEqual(['user.deactivated']);
    expect(off.events[0].data.previous).toEqual({ active: true });

    const add = (await api(`/requests/${pathless}`)).body;
    expect(add.patch.operations).toEqual([
      { op: 'add', path: 'title', value: 'Lead' },
      { op: 'add', path: `${ENTERPRISE}:department`, value: 'Sales' },
    ]);
    expect(add.patch.changes).toEqual([
      { attribute: 'title', before: 'Engineer', after: 'Lead' },
      { attribute: ENTERPRISE, before: { employeeNumber: '1001', department: 'R&D' }, after: { employeeNumber: '1001', department: 'Sales' } },
    ]);

    const members = (await api(`/requests/${membership}`)).body;
    expect(members.patch).toEqual({
      operations: [
        { op: 'add', path: 'members', value: [{ value: bob.id }] },
        { op: 'remove', path: `members[value eq "${alice.id}"]`, value: null },
      ],
      unreadable: null,
      changes: [],
      members: { added: [{ id: bob.id, display: 'Bob Example' }], removed: [{ id: alice.id, display: 'Alice Example' }] },
      effect: 'changed',
    });
    // The store applies a request's removals before its additions.
    expect(members.events.map((e: any) => [e.type, e.data.group.id, e.data.user.id])).toEqual([
      ['group.user_removed', group.id, alice.id],
      ['group.user_added', group.id, bob.id],
    ]);

    const same = (await api(`/requests/${noop}`)).body;
    expect(same.status).toBe(200);
    expect(same.events).toEqual([]);
    expect(same.patch).toEqual({ operations: [{ op: 'replace', path: 'title', value: 'Lead' }], unreadable: null, changes: [], members: { added: [], removed: [] }, effect: 'unchanged' });
  });

  it("does not say a PATCH changed nothing when its events were trimmed, or when it changed a group's group members (which write no events)", async () => {
    const [dir0] = server.directories;
    const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    const alice = (await scim(dir0!, 'POST', '/Users', entraUser('alice'))).body;
    const outer = (await scim(dir0!, 'POST', '/Groups', { displayName: 'Outer' })).body;
    const inner = (await scim(dir0!, 'POST', '/Groups', { displayName: 'Inner' })).body;
    expect((await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
    expect((await scim(dir0!, 'PATCH', `/Groups/${outer.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: inner.id }] }] })).status).toBeLessThan(300);
    expect((await scim(dir0!, 'GET', `/Groups/${outer.id}`)).body.members.map((m: any) => m.value)).toEqual([inner.id]);
    expect((await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'bogus', path: 'title', value: 'x' }] })).status).toBe(400);
    await logged(7);
    const [, , , deactivate, nested, , failed] = (await api('/requests?limit=7')).body.items.reverse().map((r: any) => r.id);
    expect((await api(`/requests/${deactivate}`)).body.patch.effect).toBe('changed');
    // Every event is trimmed: the request still changed alice, which is not "nothing".
    server.store.events.trim(0);
    const trimmed = (await api(`/requests/${deactivate}`)).body;
    expect(trimmed.events).toEqual([]);
    expect(trimmed.eventsTrimmed).toBe(true);
    expect(trimmed.patch).toMatchObject({ changes: [], members: { added: [], removed: [] }, effect: 'trimmed' });
    const group = (await api(`/requests/${nested}`)).body;
    expect(group.eventsTrimmed).toBe(false);
    expect(group.patch).toMatchObject({ changes: [], members: { added: [], removed: [] }, effect: 'unreported' });
    expect((await api(`/requests/${failed}`)).body.patch.effect).toBe('failed');
    // A URN-qualified members path is a members path too; a user PATCH without a path is told by its events.
    const third = (await scim(dir0!, 'POST', '/Groups', { displayName: 'Third' })).body;
    const urnPath = 'urn:ietf:params:scim:schemas:core:2.0:Group:members';
    expect((await scim(dir0!, 'PATCH', `/Groups/${outer.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: urnPath, value: [{ value: third.id }] }] })).status).toBeLessThan(300);
    expect((await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] })).status).toBe(200);
    await logged(10);
    const [urnNested, sameUser] = (await api('/requests?limit=2')).body.items.reverse().map((r: any) => r.id);
    expect((await api(`/requests/${urnNested}`)).body.patch.effect).toBe('unreported');
    expect((await api(`/requests/${sameUser}`)).body.patch.effect).toBe('unchanged');
    // The core schema URN as the path, members in its value: the engine applies it as a members operation.
    const fourth = (await scim(dir0!, 'POST', '/Groups', { displayName: 'Fourth' })).body;
    const corePath = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    expect((await scim(dir0!, 'PATCH', `/Groups/${outer.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: corePath, value: { members: [{ value: fourth.id }] } }] })).status).toBeLessThan(300);
    expect((await scim(dir0!, 'GET', `/Groups/${outer.id}`)).body.members.map((m: any) => m.value)).toContain(fourth.id);
    await logged(13);
    const [coreNested] = (await api('/requests?method=PATCH&limit=1')).body.items.map((r: any) => r.id);
    expect((await api(`/requests/${coreNested}`)).body.patch.effect).toBe('unreported');
  });

  it('reads what it can of a PATCH body the server refused', async () => {
    const [dir0] = server.directories;
    const alice = (await scim(dir0!, 'POST', '/Users', entraUser('alice'))).body;
    expect((await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { Operations: 'nope' })).status).toBe(400);
    expect((await scim(dir0!, 'PATCH', `/Users/${alice.id}`, { operations: [{ OP: 'Remove', Path: 'title' }, 'junk'] })).status).toBe(400);
    await logged(3);
    const [junk, noArray] = (await api('/requests?limit=2')).body.items.map((r: any) => r.id);
    expect((await api(`/requests/${noArray}`)).body.patch).toMatchObject({ operations: [], unreadable: 'the body has no "Operations" array', changes: [] });
    expect((await api(`/requests/${junk}`)).body.patch.operations).toEqual([
      { op: 'remove', path: 'title', value: null },
      { op: '', path: null, value: 'junk' },
    ]);
    expect((await api(`/requests/${junk}`)).body.events).toEqual([]);
  });

  it('streams new log rows as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/_inspector/api/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.push(Buffer.from(value).toString());
        if (seen.join('').includes('event: request')) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await scim(server.directories[0]!, 'GET', '/Users');
    await reading;
    controller.abort();
    const event = /event: request\ndata: (.*)\n/.exec(seen.join(''))!;
    expect(JSON.parse(event[1]!)).toMatchObject({ method: 'GET', status: 200, directoryId: server.directories[0]!.id });
  });

  it('filters the live feed as the list is filtered: the text is searched in both bodies too', async () => {
    const [dir0] = server.directories;
    expect((await fetch(`${server.url}/_inspector/api/stream?status=7xx`)).status).toBe(400);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/_inspector/api/stream?q=${encodeURIComponent('NEEDLE-in-body')}&method=post`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await new Promise((r) => setTimeout(r, 50));
    // Neither passes: a GET whose query holds the text (method filter), a POST without the text.
    await scim(dir0!, 'GET', `/Users?filter=${encodeURIComponent('userName eq "needle-in-body"')}`);
    await scim(dir0!, 'POST', '/Users', entraUser('plain'));
    // The text is only in this POST's body (any case, as the list's search).
    await scim(dir0!, 'POST', '/Users', entraUser('hay', { displayName: 'needle-IN-body' }));
    let text = '';
    while (!text.includes('event: request')) text += Buffer.from((await reader.read()).value!).toString();
    controller.abort();
    const rows = [...text.matchAll(/event: request\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
    expect(rows.map((r) => [r.id, r.method])).toEqual([['req_3', 'POST']]);
    expect((await api(`/requests?q=NEEDLE-in-body&method=post`)).body.items.map((r: any) => r.id)).toEqual(['req_3']);
  });

  it('resumes the live feed after Last-Event-ID', async () => {
    await scim(server.directories[0]!, 'GET', '/Users');
    await scim(server.directories[0]!, 'GET', '/Groups');
    await logged(2);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/_inspector/api/stream`, { headers: { 'Last-Event-ID': 'req_1' }, signal: controller.signal });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: request')) text += Buffer.from((await reader.read()).value!).toString();
    controller.abort();
    expect(text).toContain('id: req_2\n');
    expect(text).not.toContain('id: req_1\n');
  });

  it('replays a request as its directory only with the page secret and a same-origin Origin', async () => {
    const [dir0] = server.directories;
    await scim(dir0!, 'POST', '/Users', entraUser('carol'));
    await logged(1);
    const [row] = (await api('/requests')).body.items;
    const secret = await pageSecret();
    const port = new URL(server.url).port;
    const path = `/_inspector/api/requests/${row.id}/replay`;
    const post = (headers: Record<string, string>) => raw(path, { method: 'POST', headers: { Host: `127.0.0.1:${port}`, ...headers } });

    expect((await post({ 'X-Inspector-Secret': secret })).status).toBe(403);
    expect((await post({ Origin: 'http://evil.example', 'X-Inspector-Secret': secret })).status).toBe(403);
    expect((await post({ Origin: `http://localhost:${port}`, 'X-Inspector-Secret': secret })).status).toBe(403);
    expect((await post({ Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': 'wrong' })).status).toBe(403);
    expect((await post({ Origin: `http://127.0.0.1:${port}` })).status).toBe(403);
    await afterFlush();
    expect(server.store.requestLog.lastSeq()).toBe(1);

    const ok = await post({ Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': secret });
    expect(ok.status).toBe(200);
    expect(ok.json.original.status).toBe(201);
    expect(ok.json.replay.status).toBe(409);
    expect(JSON.parse(ok.json.replay.body).scimType).toBe('uniqueness');
    await logged(2);
    const replayed = server.store.requestLog.query({ limit: 1 })[0]!;
    expect(replayed).toMatchObject({ method: 'POST', status: 409, directoryId: dir0!.id });
    expect(replayed.userAgent).toContain(`of ${row.id}`);
  });

  it('replays a filter whose value holds "&" and "=" as it was sent (the log keeps the query decoded)', async () => {
    const [dir0] = server.directories;
    await scim(dir0!, 'POST', '/Groups', { displayName: 'R&D=Labs' });
    const query = `/Groups?filter=${encodeURIComponent('displayName eq "R&D=Labs"')}&count=5`;
    const first = await scim(dir0!, 'GET', query);
    expect(first.body.totalResults).toBe(1);
    await logged(2);
    const [row] = (await api('/requests')).body.items;
    expect(row.query).toBe('filter=displayName eq "R&D=Labs"&count=5');
    const port = new URL(server.url).port;
    const answer = await raw(`/_inspector/api/requests/${row.id}/replay`, {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': await pageSecret() },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.replay.status).toBe(200);
    expect(JSON.parse(answer.json.replay.body)).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
  });

  it('is not served with inspector: false, nor on the public app', async () => {
    for (const options of [{ inspector: false }, { localRoutes: false }]) {
      const other = await startTestServer(1, options);
      try {
        expect((await fetch(`${other.url}/_inspector/api/directories`)).status).toBe(404);
        expect((await fetch(`${other.url}/`)).status).toBe(404);
      } finally {
        await other.close();
      }
    }
  });

  it('shows a serve limited to some directories (--env/--directory) only those directories', async () => {
    const scope = { hidden: '' };
    const limited = await startTestServer(2, { serves: (id) => id !== scope.hidden });
    try {
      const [shown, hidden] = limited.directories;
      scope.hidden = hidden!.id;
      await scim(shown!, 'GET', '/Users');
      await scim(hidden!, 'GET', '/Users');
      for (let i = 0; i < 100 && limited.store.requestLog.lastSeq() < 2; i++) await new Promise((r) => setTimeout(r, 10));
      const get = async (path: string) => {
        const response = await fetch(`${limited.url}/_inspector/api${path}`);
        return { status: response.status, body: (await response.json()) as any };
      };
      // The hidden directory's request answered 401 and is logged without a directory: not shown to a limited serve.
      expect((await get('/requests')).body.items.map((r: any) => r.directoryId)).toEqual([shown!.id]);
      expect((await get('/directories')).body.items.map((d: any) => d.id)).toEqual([shown!.id]);
      expect((await get(`/directories/${hidden!.id}/users`)).status).toBe(404);
      expect((await get('/requests/req_2')).status).toBe(404);
    } finally {
      await limited.close();
    }
  });

  it('lists users with a filter that reads the whole directory on the listing worker: past its deadline, 400 as on the SCIM side', async () => {
    const slow = await startTestServer(1, {}, { listDeadlineMs: 30 });
    try {
      const dir = slow.directories[0]!;
      slow.store.transaction(() => {
        for (let i = 0; i < 2000; i++) slow.store.users.create(dir.id, entraUser(`user${i}`), new Date(0).toISOString());
      });
      const heavy = Array.from({ length: 145 }, (_, i) => `emails.value co "n${i}"`).join(' or ');
      const response = await fetch(`${slow.url}/_inspector/api/directories/${dir.id}/users?filter=${encodeURIComponent(heavy)}&deleted=true`);
      expect([response.status, await response.json()]).toEqual([
        400,
        { error: 'request', message: expect.stringMatching(/^the filter needs more than 0\.03 s of searching in this directory; narrow it with userName/) },
      ]);
    } finally {
      await slow.close();
    }
  });

  it('pages a serve limited to some directories past long runs of the other directories\' rows', async () => {
    const scope = { hidden: '' };
    const limited = await startTestServer(2, { serves: (id) => id !== scope.hidden });
    try {
      const [shown, hidden] = limited.directories;
      scope.hidden = hidden!.id;
      const row = (directoryId: string, path: string) => ({
        time: new Date().toISOString(),
        directoryId,
        method: 'GET',
        path,
        query: null,
        status: 200,
        durationMs: 1,
        errorKind: null,
        requestBody: null,
        responseBody: null,
        userAgent: null,
        remoteAddress: null,
      });
      const between = Array.from({ length: 2500 }, () => row(hidden!.id, '/Users'));
      limited.store.requestLog.append([row(shown!.id, '/Users/oldest'), ...between, row(shown!.id, '/Users/old'), ...between, row(shown!.id, '/Users/newest')]);
      const get = async (path: string) => (await fetch(`${limited.url}/_inspector/api${path}`)).json() as Promise<any>;
      const first = await get('/requests?limit=2');
      expect(first.items.map((r: any) => r.path)).toEqual(['/Users/newest', '/Users/old']);
      const second = await get(`/requests?limit=2&before=${first.next}`);
      expect([second.items.map((r: any) => r.path), second.next]).toEqual([['/Users/oldest'], null]);
    } finally {
      await limited.close();
    }
  });

  it('refuses to replay a request whose password was not logged (the placeholder would become the password)', async () => {
    const [dir0] = server.directories;
    await scim(dir0!, 'POST', '/Users', { ...entraUser('dave'), password: 'Hunter2-Secret!' });
    await logged(1);
    const [row] = (await api('/requests')).body.items;
    const detail = (await api(`/requests/${row.id}`)).body;
    expect(detail.replayable).toBe('the logged body held a password, which is never stored, so it cannot be sent again');
    const port = new URL(server.url).port;
    const answer = await raw(`/_inspector/api/requests/${row.id}/replay`, {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': await pageSecret() },
    });
    expect(answer.status).toBe(409);
    await afterFlush();
    expect(server.store.requestLog.lastSeq()).toBe(1);
  });

  it('refuses to replay a request that was refused 401 (replay would send it authenticated as the directory)', async () => {
    const [dir0] = server.directories;
    const forged = await scim({ ...dir0!, token: 'x'.repeat(43) }, 'POST', '/Users', entraUser('eve'));
    expect(forged.status).toBe(401);
    await logged(1);
    const [row] = (await api('/requests')).body.items;
    expect(row).toMatchObject({ status: 401, directoryId: dir0!.id });
    const detail = (await api(`/requests/${row.id}`)).body;
    expect(detail.requestBody).toContain('eve@contoso.com');
    expect(detail.replayable).toBe('the request was refused (401) when it was sent, and replay would send it authenticated as the directory, so it is not sent again');
    const port = new URL(server.url).port;
    const answer = await raw(`/_inspector/api/requests/${row.id}/replay`, {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': await pageSecret() },
    });
    expect(answer.status).toBe(409);
    expect(answer.json.message).toBe(detail.replayable);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.store.requestLog.lastSeq()).toBe(1);
    expect(server.store.users.list(dir0!.id, { startIndex: 1, count: 10 }).total).toBe(0);
  });

  it("accepts the replay credential only on the serve that made it, never on another serve nor on the public app", async () => {
    const [dir0] = server.directories;
    await scim(dir0!, 'GET', '/Users');
    await logged(1);
    const [row] = (await api('/requests')).body.items;
    const port = new URL(server.url).port;
    const secret = await pageSecret();
    // The replay is sent with this process's fetch: watch it go out to read the credential it carries.
    const realFetch = globalThis.fetch;
    const sent: string[] = [];
    globalThis.fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get('authorization') ?? '');
      return realFetch(input, init);
    };
    let answer;
    try {
      answer = await raw(`/_inspector/api/requests/${row.id}/replay`, {
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'X-Inspector-Secret': secret },
      });
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(answer.status).toBe(200);
    expect(answer.json.replay.status).toBe(200);
    expect(sent).toHaveLength(1);
    const credential = /^Bearer (.+)$/.exec(sent[0]!)![1]!;
    expect(server.directories.map((d) => d.token)).not.toContain(credential);
    expect((await scim({ ...dir0!, token: credential }, 'GET', '/Users')).status).toBe(200);

    const other = await startTestServer(1);
    try {
      expect((await scim({ ...other.directories[0]!, token: credential }, 'GET', '/Users')).status).toBe(401);
    } finally {
      await other.close();
    }

    // The tunnel's app over the same database and directories.
    const publicApp = createApp({ store: server.store, localRoutes: false });
    const listener: Server = await new Promise((resolve) => {
      const s = publicApp.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const publicUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const viaTunnel = { ...dir0!, baseUrl: `${publicUrl}/scim/v2/${dir0!.id}` };
      expect((await scim(viaTunnel, 'GET', '/Users')).status).toBe(200);
      expect((await scim({ ...viaTunnel, token: credential }, 'GET', '/Users')).status).toBe(401);
    } finally {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
