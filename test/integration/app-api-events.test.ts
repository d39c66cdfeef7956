import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

// GET /v1/events over HTTP: the key's environment's events after a cursor, oldest first.

let t: TestServer;
let dir: TestDirectory;
let envId: string;
let orgId: string;
let readKey: string;
let otherKey: string;
let otherDirectoryId: string;
/** The users POSTed through SCIM, in order: their user.created events are the environment's first 25. */
const userIds: string[] = [];

const PAYLOAD_KEYS = ['id', 'type', 'createdAt', 'environmentId', 'organizationId', 'directoryId', 'requestId', 'data'];

async function api(path: string, key: string | null = readKey) {
  const response = await fetch(`${t.url}${path}`, { headers: key === null ? {} : { Authorization: `Bearer ${key}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as any };
}

beforeAll(async () => {
  t = await startTestServer(1);
  dir = t.directories[0]!;
  const directory = t.store.directories.get(dir.id);
  envId = directory.environmentId;
  orgId = directory.organizationId;
  readKey = t.store.apiKeys.create({ environmentId: envId, name: 'app', management: false }).key;

  // Another environment with events of its own, written in between.
  const other = t.store.environments.create({ name: 'other', publicUrl: 'http://localhost:8080' });
  const otherOrg = t.store.organizations.create({ environmentId: other.id, name: 'Globex', domains: [] });
  const otherDir = t.store.directories.create({ organizationId: otherOrg.id });
  otherDirectoryId = otherDir.directory.id;
  otherKey = t.store.apiKeys.create({ environmentId: other.id, management: false }).key;
  const otherBase = { id: otherDirectoryId, token: otherDir.token, baseUrl: `${t.url}/scim/v2/${otherDirectoryId}` };

  for (let i = 0; i < 25; i++) {
    const created = await scim(dir, 'POST', '/Users', entraUser(`user${String(i).padStart(2, '0')}`));
    expect(created.status).toBe(201);
    userIds.push(created.body.id);
    if (i % 10 === 0) expect((await scim(otherBase, 'POST', '/Users', entraUser(`olga${i}`))).status).toBe(201);
  }
});

afterAll(async () => {
  await t.close();
});

/** Every event of a key's environment, following nextCursor `limit` at a time. */
async function allEvents(key: string, limit?: number) {
  const sizes: number[] = [];
  const events: any[] = [];
  let cursor = '';
  for (;;) {
    const query = [cursor ? `after=${cursor}` : '', limit ? `limit=${limit}` : ''].filter(Boolean).join('&');
    const page = await api(`/v1/events${query ? `?${query}` : ''}`, key);
    expect(page.status, page.text).toBe(200);
    sizes.push(page.body.events.length);
    events.push(...page.body.events);
    if (page.body.events.length === 0) {
      expect(page.body.nextCursor).toBe(cursor);
      return { sizes, events };
    }
    expect(page.body.nextCursor).toBe(page.body.events.at(-1).id);
    cursor = page.body.nextCursor;
  }
}

describe('GET /v1/events', () => {
  it('pages through the environment oldest first, ten at a time by default, by cursor', async () => {
    const { sizes, events } = await allEvents(readKey);
    expect(sizes).toEqual([10, 10, 5, 0]);
    expect(events.map((e) => e.type)).toEqual(Array(25).fill('user.created'));
    expect(events.map((e) => e.data.id)).toEqual(userIds);
    const seqs = events.map((e) => Number(e.id.slice(4)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('takes a limit from 1 to 100', async () => {
    expect((await allEvents(readKey, 7)).sizes).toEqual([7, 7, 7, 4, 0]);
    expect((await allEvents(readKey, 100)).sizes).toEqual([25, 0]);
    expect((await allEvents(readKey, 1)).sizes).toHaveLength(26);
  });

  it('answers in the webhook payload shape, field for field', async () => {
    const page = await api('/v1/events?limit=1');
    expect(page.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(page.body)).toEqual(['events', 'nextCursor']);
    const [event] = page.body.events;
    expect(Object.keys(event)).toEqual(PAYLOAD_KEYS);
    const { schemas: _schemas, meta: _meta, ...sent } = entraUser('user00');
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_\d{12}$/),
      type: 'user.created',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      environmentId: envId,
      organizationId: orgId,
      directoryId: dir.id,
      requestId: expect.toBeOneOf([null, expect.stringMatching(/^req_\d+$/)]),
      data: { id: userIds[0], scimDirectoryId: dir.id, email: 'user00@contoso.com', deleted: false, attributes: sent },
    });
    expect(page.body.nextCursor).toBe(event.id);
  });

  it("names the SCIM request that caused an event once that request's log row is written", async () => {
    let requestId: string | null = null;
    for (let tries = 0; tries < 50 && requestId === null; tries++) {
      requestId = (await api('/v1/events?limit=1')).body.events[0].requestId;
      if (requestId === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(requestId).toMatch(/^req_\d+$/);
    const logged = t.store.requestLog.find(requestId!);
    expect(logged).toMatchObject({ method: 'POST', status: 201, directoryId: dir.id });
  });

  it("keeps each key to its own environment's events", async () => {
    const other = await allEvents(otherKey);
    expect(other.events.map((e) => [e.type, e.directoryId, e.data.email])).toEqual([
      ['user.created', otherDirectoryId, 'olga0@contoso.com'],
      ['user.created', otherDirectoryId, 'olga10@contoso.com'],
      ['user.created', otherDirectoryId, 'olga20@contoso.com'],
    ]);
    const mine = await allEvents(readKey, 100);
    expect(mine.events.every((e) => e.environmentId === envId)).toBe(true);
    // A cursor from another environment only says where to start: the answer is still this key's.
    const after = await api(`/v1/events?after=${other.events[0].id}`, readKey);
    expect(after.body.events.every((e: any) => e.environmentId === envId)).toBe(true);
  });

  it('after the newest event: none, and the same cursor back', async () => {
    const { events } = await allEvents(readKey, 100);
    const last = events.at(-1).id;
    expect((await api(`/v1/events?after=${last}`)).text).toBe(`{"events":[],"nextCursor":"${last}"}`);
    // New events show up after it.
    await scim(dir, 'PATCH', `/Users/${userIds[1]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] });
    const next = await api(`/v1/events?after=${last}`);
    expect(next.body.events.map((e: any) => [e.type, e.data.id, e.data.deleted])).toEqual([['user.deactivated', userIds[1], true]]);
    expect(next.body.nextCursor).toBe(next.body.events[0].id);
  });

  it('refuses a bad cursor or limit with 400, code 3', async () => {
    for (const query of ['after=nope', 'after=req_1', 'after=evt_', 'limit=0', 'limit=101', 'limit=ten', 'limit=1.5', 'limit=-1', 'after=evt_1&after=evt_2']) {
      const answer = await api(`/v1/events?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body).toEqual({ code: 3, message: expect.any(String), details: [] });
    }
    expect((await api('/v1/events?after=nope')).body.message).toBe('bad after: "nope" is not an event id (evt_…); pass the nextCursor of the previous answer');
    expect((await api('/v1/events?limit=0')).body.message).toBe('bad limit: "0"; give a whole number from 1 to 100');
  });

  it('needs an API key', async () => {
    const answer = await api('/v1/events', null);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(16);
  });
});
