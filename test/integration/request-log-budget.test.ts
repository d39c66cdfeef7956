import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { APPLICATION_ID } from '../../src/store/open.js';
import { BufferedRequestLog, LOG_REPORT_INTERVAL_MS } from '../../src/store/request-log-buffer.js';
import { BusyError, Store, type LogEntry } from '../../src/store/index.js';
import { tempDb } from '../helpers/cli.js';
import { rawDb } from '../helpers/db.js';

const temps: ReturnType<typeof tempDb>[] = [];
const stores: Store[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  temps.splice(0).forEach((t) => t.cleanup());
});

function open(): Store {
  const t = tempDb();
  temps.push(t);
  const store = new Store(t.db);
  stores.push(store);
  return store;
}

const entry = (n: number, bodyBytes: number): LogEntry => ({
  time: new Date(1_700_000_000_000 + n).toISOString(),
  directoryId: null,
  method: 'POST',
  path: `/scim/v2/x/Users/${n}`,
  query: null,
  status: 401,
  durationMs: 1,
  errorKind: 'unauthorized',
  requestBody: 'x'.repeat(bodyBytes),
  responseBody: null,
  userAgent: null,
  remoteAddress: null,
});

it('keeps the log within its byte budget, oldest rows first, with a tenth of it free after a cut', () => {
  const store = open();
  const log = new BufferedRequestLog(store, { budget: { maxRows: 1000, maxBytes: 100_000 } });
  for (let n = 1; n <= 60; n++) {
    log.append(entry(n, 10_000));
    log.flush();
  }
  const { rows, bytes } = store.requestLog.size();
  expect(bytes).toBeLessThanOrEqual(100_000);
  expect(bytes).toBe(rows * 10_000);
  // The newest rows are the ones kept.
  const kept = store.requestLog.query({ limit: 1000 }).map((r) => r.path);
  expect(kept[0]).toBe('/scim/v2/x/Users/60');
  expect(kept).toHaveLength(rows);
  expect(kept.at(-1)).toBe(`/scim/v2/x/Users/${61 - rows}`);
});

it('keeps the log within its row budget', () => {
  const store = open();
  const log = new BufferedRequestLog(store, { budget: { maxRows: 100, maxBytes: 1_000_000_000 } });
  for (let n = 1; n <= 1000; n++) log.append(entry(n, 10));
  log.flush();
  expect(store.requestLog.size()).toEqual({ rows: 100, bytes: 1000 });
});

it('reports rows it cannot write once per interval, with a count, not once per batch', () => {
  const store = open();
  let clock = 0;
  const errors: string[] = [];
  const log = new BufferedRequestLog(store, { onError: (e) => errors.push(e.message), now: () => clock });
  rawDb(store).exec("CREATE TRIGGER full_disk BEFORE INSERT ON request_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  for (let batch = 0; batch < 50; batch++) {
    log.append(entry(batch, 10));
    log.flush();
    clock += 10;
  }
  expect(errors).toEqual(['1 request log row(s) could not be written: database or disk is full']);
  clock += LOG_REPORT_INTERVAL_MS;
  log.append(entry(51, 10));
  log.flush();
  expect(errors).toEqual([
    '1 request log row(s) could not be written: database or disk is full',
    '50 request log row(s) could not be written: database or disk is full',
  ]);
  // Whatever is still unreported is said at close.
  log.append(entry(52, 10));
  log.flush();
  log.flush(true);
  expect(errors.at(-1)).toBe('1 request log row(s) could not be written: database or disk is full');
});

it('migrating a version 1 database counts the bytes of the rows it already has', () => {
  const t = tempDb();
  temps.push(t);
  const v1 = new Database(t.db);
  v1.exec(migrations[0]!.sql);
  v1.pragma(`application_id = ${APPLICATION_ID}`);
  v1.pragma('user_version = 1');
  v1.prepare("INSERT INTO request_log (time, method, path, status, duration_ms, request_body, response_body) VALUES ('t', 'GET', '/', 200, 1, 'ab', 'cdé')").run();
  v1.close();
  const store = new Store(t.db);
  stores.push(store);
  expect(store.requestLog.size()).toEqual({ rows: 1, bytes: 6 });
});

it('a prune that meets a held lock leaves the rows it just wrote as they are (written once, not requeued)', () => {
  const store = open();
  const errors: string[] = [];
  let prunes = 0;
  // The store, but its first prune finds another process holding the lock.
  const lockedOnce = {
    isOpen: true,
    onClose: (hook: () => void) => store.onClose(hook),
    requestLog: new Proxy(store.requestLog, {
      get(target, name, receiver) {
        if (name === 'prune' && prunes++ === 0) return () => { throw new BusyError(); };
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  };
  const log = new BufferedRequestLog(lockedOnce, { budget: { maxRows: 10, maxBytes: 1_000_000 }, onError: (e) => errors.push(e.message) });
  log.append(entry(1, 10));
  log.flush();
  log.append(entry(2, 10));
  log.flush();
  expect(store.requestLog.query({ limit: 10 }).map((r) => r.path).reverse()).toEqual(['/scim/v2/x/Users/1', '/scim/v2/x/Users/2']);
  expect(errors).toEqual([]);
});
