import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { LOG_FLUSH_MS } from '../../src/store/request-log-buffer.js';
import { LOG_BODY_LIMIT, TRUNCATED_MARKER, capBody, isTruncatedLogBody } from '../../src/store/request-log.js';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';
import { rawDb } from '../helpers/db.js';

let server: TestServer | undefined;
afterEach(async () => server?.close());

const afterFlush = () => new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 30));
const logged = (s: TestServer) => rawDb(s.store).prepare('SELECT directory_id, status FROM request_log ORDER BY seq').all();

it('drops the waiting rows of a directory deleted before they are written, and keeps everyone else\'s', async () => {
  const internal: unknown[] = [];
  server = await startTestServer(2, { onInternalError: (error) => internal.push(error) });
  const [gone, kept] = server.directories;
  expect((await scim(gone!, 'GET', '/Users')).status).toBe(200);
  expect((await scim(kept!, 'GET', '/Users')).status).toBe(200);
  // Deleted within the flush interval: its row is still waiting to be written.
  server.store.directories.delete(gone!.id);
  await afterFlush();
  expect(logged(server)).toEqual([{ directory_id: kept!.id, status: 200 }]);
  expect(internal).toEqual([]);
  expect((await scim(kept!, 'GET', '/Users')).status).toBe(200);
});

it('reports a batch that cannot be written and keeps serving', async () => {
  const internal: unknown[] = [];
  server = await startTestServer(1, { onInternalError: (error) => internal.push(error) });
  const [dir] = server.directories;
  rawDb(server.store).exec("CREATE TRIGGER full_disk BEFORE INSERT ON request_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  expect((await scim(dir!, 'GET', '/Users')).status).toBe(200);
  await afterFlush();
  expect(internal.map((e) => (e as Error).message)).toEqual(['1 request log row(s) could not be written: database or disk is full']);
  rawDb(server.store).exec('DROP TRIGGER full_disk');
  expect((await scim(dir!, 'GET', '/Users')).status).toBe(200);
  await afterFlush();
  expect(logged(server)).toEqual([{ directory_id: dir!.id, status: 200 }]);
});

it('while another process holds the write lock: reads work, writes answer 503 with Retry-After, and the log rows wait', async () => {
  const internal: unknown[] = [];
  server = await startTestServer(1, { onInternalError: (error) => internal.push(error) });
  const [dir] = server.directories;
  server.store.setBusyTimeout(100);
  const other = new Database(server.store.path);
  other.prepare('BEGIN IMMEDIATE').run();
  try {
    expect((await scim(dir!, 'GET', '/Users')).status).toBe(200);
    const busy = await scim(dir!, 'POST', '/Users', entraUser('blocked'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body).toEqual({ schemas: [ERROR_SCHEMA], status: '503', detail: 'the database is busy: another scimctl command holds its write lock; retry shortly' });
    await afterFlush();
    expect(logged(server)).toEqual([]);
  } finally {
    other.prepare('COMMIT').run();
    other.close();
  }
  await afterFlush();
  expect(rawDb(server.store).prepare('SELECT method, status, error_kind FROM request_log ORDER BY seq').all()).toEqual([
    { method: 'GET', status: 200, error_kind: null },
    { method: 'POST', status: 503, error_kind: 'busy' },
  ]);
  expect(internal).toEqual([]);
  expect((await scim(dir!, 'POST', '/Users', entraUser('unblocked'))).status).toBe(201);
});

it('keeps the log within the budget the app is given', async () => {
  server = await startTestServer(1, { logBudget: { maxRows: 5, maxBytes: 1_000_000 } });
  const [dir] = server.directories;
  for (let i = 0; i < 12; i++) expect((await scim(dir!, 'GET', `/Users?count=${i}`)).status).toBe(200);
  await afterFlush();
  const rows = rawDb(server.store).prepare('SELECT query FROM request_log ORDER BY seq').pluck().all();
  expect(rows.length).toBeLessThanOrEqual(5);
  expect(rows.at(-1)).toBe('count=11');
});


it('tells a logged body that was cut short by either marker from a whole one', () => {
  expect(isTruncatedLogBody(capBody('x'.repeat(LOG_BODY_LIMIT + 5))!)).toBe(true);
  expect(isTruncatedLogBody(`{"userName":"a${TRUNCATED_MARKER}`)).toBe(true);
  expect(isTruncatedLogBody(capBody('x'.repeat(LOG_BODY_LIMIT))!)).toBe(false);
  expect(isTruncatedLogBody('{"note":"…[truncated 5 characters]"}')).toBe(false);
});
