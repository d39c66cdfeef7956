import Database from 'better-sqlite3';
import type { Response } from 'express';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runWaitingForLock } from '../../src/server/lock-wait.js';
import { Store } from '../../src/store/store.js';
import { tempDb } from '../helpers/cli.js';

// runWaitingForLock against a real database whose write lock a second connection holds. The
// handlers write through the store's own repositories (environments: the simplest rows).
const mark = (name: string) => store.environments.create({ name, publicUrl: 'http://localhost:8080' });
const marks = () => store.environments.list().map((e) => e.name);
let temp: ReturnType<typeof tempDb>;
let store: Store;
let other: Database.Database;
beforeEach(() => {
  temp = tempDb();
  store = new Store(temp.db);
  // As serve does once it is up: a held lock fails at once, and runWaitingForLock retries on timers.
  store.failFastOnLock();
  other = new Database(temp.db);
  other.prepare('BEGIN IMMEDIATE').run();
});
afterEach(() => {
  if (other.inTransaction) other.prepare('ROLLBACK').run();
  other.close();
  store.close();
  temp.cleanup();
});

const notSent = { headersSent: false } as Response;
const outcome = (busyTimeoutMs: number, writes: boolean, handler: () => void) =>
  new Promise<unknown>((resolve) => {
    store.setBusyTimeout(busyTimeoutMs);
    runWaitingForLock(store, writes, () => (handler(), resolve('done')), notSent, (error?: unknown) => resolve(error));
  });

it('retries a write that met the lock until the lock is free, without blocking the event loop', async () => {
  let attempts = 0;
  let timerRan = false;
  setTimeout(() => (timerRan = true), 20);
  setTimeout(() => other.prepare('COMMIT').run(), 60);
  const result = await outcome(5000, true, () => {
    attempts++;
    store.transaction(() => mark('one'));
  });
  expect(result).toBe('done');
  expect(timerRan).toBe(true);
  expect(attempts).toBeGreaterThan(1);
  expect(marks()).toEqual(['one']);
});

it('gives the busy error to next once the wait is over', async () => {
  const started = performance.now();
  const result = await outcome(50, true, () => void mark('one'));
  expect((result as { code?: string }).code).toBe('SQLITE_BUSY');
  expect(performance.now() - started).toBeGreaterThanOrEqual(40);
  expect(performance.now() - started).toBeLessThan(1000);
});

it('never retries an attempt that already wrote: the write cannot land twice', async () => {
  other.prepare('COMMIT').run();
  let attempts = 0;
  const result = await outcome(5000, true, () => {
    attempts++;
    mark('one');
    // Another process takes the lock between this handler's two writes.
    other.prepare('BEGIN IMMEDIATE').run();
    mark('two');
  });
  expect((result as { code?: string }).code).toBe('SQLITE_BUSY');
  expect(attempts).toBe(1);
  expect(marks()).toEqual(['one']);
});
