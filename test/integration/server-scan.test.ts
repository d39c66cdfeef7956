import { afterEach, expect, it } from 'vitest';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';

// Filters that must read every user of a directory run on the store's worker thread, with a deadline.
let server: TestServer | undefined;
afterEach(async () => server?.close());

async function withUsers(n: number, listDeadlineMs?: number): Promise<TestServer> {
  const s = await startTestServer(1, {}, listDeadlineMs === undefined ? {} : { listDeadlineMs });
  const dir = s.directories[0]!;
  s.store.transaction(() => {
    for (let i = 0; i < n; i++) s.store.users.create(dir.id, entraUser(`user${i}`), new Date(0).toISOString());
  });
  return s;
}

it('answers a scanning filter from the worker thread with the same results, paging and total', async () => {
  server = await withUsers(30);
  const [dir] = server.directories;
  const scanned = await scim(dir!, 'GET', `/Users?filter=${encodeURIComponent('emails[value co "user1"] and title sw "Eng"')}&startIndex=3&count=4&sortBy=userName`);
  expect(scanned.status).toBe(200);
  // user1 and user10..user19: 11 users; sorted by userName ("user10@" < "user1@"), items 3 to 6.
  expect(scanned.body.totalResults).toBe(11);
  expect(scanned.body.startIndex).toBe(3);
  expect(scanned.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['user12@contoso.com', 'user13@contoso.com', 'user14@contoso.com', 'user15@contoso.com']);
});

it('stops a filter that runs past the deadline with 400 tooMany, and keeps answering meanwhile', async () => {
  server = await withUsers(2000, 30);
  const [dir] = server.directories;
  const heavy = Array.from({ length: 145 }, (_, i) => `emails.value co "n${i}"`).join(' or ');
  const pending = scim(dir!, 'GET', `/Users?filter=${encodeURIComponent(heavy)}`);
  // The event loop is free while the worker scans: an indexed lookup answers at once.
  const started = performance.now();
  const quick = await scim(dir!, 'GET', `/Users?filter=${encodeURIComponent('userName eq "user7@contoso.com"')}`);
  expect(quick.body.totalResults).toBe(1);
  expect(performance.now() - started).toBeLessThan(500);
  const answer = await pending;
  expect([answer.status, answer.body]).toEqual([
    400,
    {
      schemas: [ERROR_SCHEMA],
      status: '400',
      scimType: 'tooMany',
      detail: 'the filter needs more than 0.03 s of searching in this directory; narrow it with userName or id (displayName or id for groups), which are found on an index',
    },
  ]);
});

it('pages deep and past the end without reading the rows it skips', async () => {
  server = await withUsers(25);
  const [dir] = server.directories;
  const deep = await scim(dir!, 'GET', '/Users?startIndex=24&count=10');
  expect([deep.body.totalResults, deep.body.itemsPerPage, deep.body.Resources.map((u: { userName: string }) => u.userName)]).toEqual([
    25,
    2,
    ['user23@contoso.com', 'user24@contoso.com'],
  ]);
  const past = await scim(dir!, 'GET', '/Users?startIndex=1000000000000000000&count=10');
  expect([past.status, past.body.totalResults, past.body.Resources]).toEqual([200, 25, []]);
});

it('a search across types at the directory root scans on the worker too, with the same deadline', async () => {
  server = await withUsers(2000, 30);
  const [dir] = server.directories;
  const heavy = Array.from({ length: 145 }, (_, i) => `emails.value co "n${i}"`).join(' or ');
  const answer = await scim(dir!, 'POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: heavy });
  expect([answer.status, answer.body.scimType]).toEqual([400, 'tooMany']);
});

it('an externalId match does not keep a scan inline: externalId is indexed but not unique', async () => {
  server = await startTestServer(1, {}, { listDeadlineMs: 30 });
  const dir = server.directories[0]!;
  server.store.transaction(() => {
    for (let i = 0; i < 2000; i++) server!.store.users.create(dir.id, entraUser(`same${i}`, { externalId: 'shared' }), new Date(0).toISOString());
  });
  const heavy = Array.from({ length: 140 }, (_, i) => `emails.value co "n${i}"`).join(' or ');
  const answer = await scim(dir, 'GET', `/Users?filter=${encodeURIComponent(`externalId eq "shared" and (${heavy})`)}`);
  expect([answer.status, answer.body.scimType]).toEqual([400, 'tooMany']);
});
