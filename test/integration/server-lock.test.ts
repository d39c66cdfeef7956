import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => server?.close());

it('a write waiting for another process\'s write lock holds up no other request, and lands exactly once when the lock is free', async () => {
  server = await startTestServer(1);
  const [dir] = server.directories;
  const group = await scim(dir!, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Waiting room' });
  expect(group.status).toBe(201);

  const other = new Database(server.store.path);
  other.prepare('BEGIN IMMEDIATE').run();
  let settled = false;
  const create = scim(dir!, 'POST', '/Users', entraUser('patient')).finally(() => (settled = true));
  const rename = scim(dir!, 'PATCH', `/Groups/${group.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }] });
  // SQLite's own busy wait would stall the event loop (and this GET) for the 5 s lock wait.
  const started = performance.now();
  expect((await scim(dir!, 'GET', '/Users')).status).toBe(200);
  expect(performance.now() - started).toBeLessThan(1000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(settled).toBe(false);

  other.prepare('COMMIT').run();
  other.close();
  const [created, renamed] = await Promise.all([create, rename]);
  expect(created.status).toBe(201);
  expect(renamed.status).toBe(204);
  const found = await scim(dir!, 'GET', '/Users?filter=userName eq "patient@contoso.com"');
  expect([found.body.totalResults, found.body.Resources[0].id]).toEqual([1, created.body.id]);
  expect((await scim(dir!, 'GET', `/Groups/${group.body.id}`)).body.displayName).toBe('Renamed');
});

it('a write that waited for the lock while its directory was deleted answers 404, never 500', async () => {
  server = await startTestServer(1);
  const [dir] = server.directories;
  const group = await scim(dir!, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Doomed' });
  const other = new Database(server.store.path);
  other.pragma('foreign_keys = ON');
  other.prepare('BEGIN IMMEDIATE').run();
  const create = scim(dir!, 'POST', '/Users', entraUser('late'));
  const rename = scim(dir!, 'PUT', `/Groups/${group.body.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Late' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  other.prepare('DELETE FROM scim_directories WHERE id = ?').run(dir!.id);
  other.prepare('COMMIT').run();
  other.close();
  const [created, renamed] = await Promise.all([create, rename]);
  expect([created.status, created.body]).toEqual([
    404,
    { schemas: [ERROR_SCHEMA], status: '404', detail: `SCIM directory ${dir!.id} no longer exists` },
  ]);
  expect([renamed.status, renamed.body]).toEqual([404, { schemas: [ERROR_SCHEMA], status: '404', detail: `SCIM directory ${dir!.id} no longer exists` }]);
});

it('a write that waited for the lock while its token was rotated answers 401 and writes nothing', async () => {
  server = await startTestServer(1);
  const [dir] = server.directories;
  const user = await scim(dir!, 'POST', '/Users', entraUser('kept'));
  const group = await scim(dir!, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Kept' });
  const eventsBefore = server.store.events.latestSeq();
  // Each write request checks its credential through checkingWrites on every attempt, with its own check.
  const checkingWrites = server.store.checkingWrites.bind(server.store);
  const requestsThatTried = new Set<() => void>();
  server.store.checkingWrites = (check, fn) => (requestsThatTried.add(check), checkingWrites(check, fn));
  const other = new Database(server.store.path);
  other.prepare('BEGIN IMMEDIATE').run();
  const writes = [
    scim(dir!, 'POST', '/Users', entraUser('late')),
    scim(dir!, 'PATCH', `/Users/${user.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }),
    scim(dir!, 'PUT', `/Groups/${group.body.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Late' }),
    scim(dir!, 'DELETE', `/Users/${user.body.id}`),
  ];
  // Every write has tried and met the lock.
  const deadline = Date.now() + 10_000;
  while (requestsThatTried.size < writes.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(requestsThatTried.size).toBe(writes.length);
  // What `scimctl token rotate` does, from another process.
  other.prepare("UPDATE scim_directories SET token_hash = 'rotated' WHERE id = ?").run(dir!.id);
  other.prepare('COMMIT').run();
  other.close();
  for (const answer of await Promise.all(writes)) {
    expect([answer.status, answer.body]).toEqual([
      401,
      { schemas: [ERROR_SCHEMA], status: '401', detail: 'bearer token is no longer valid for this directory: it was rotated while the request waited' },
    ]);
  }
  expect(server.store.events.latestSeq()).toBe(eventsBefore);
  expect(server.store.users.get(dir!.id, user.body.id).attributes.active).toBe(true);
  expect(server.store.groups.get(dir!.id, group.body.id).attributes.displayName).toBe('Kept');
});
