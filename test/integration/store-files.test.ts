import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { tempDb } from '../helpers/cli.js';

// What a new database looks like on disk: it holds names, emails and request bodies.
const temps: ReturnType<typeof tempDb>[] = [];
afterEach(() => temps.splice(0).forEach((t) => t.cleanup()));
const mode = (path: string) => statSync(path).mode & 0o777;

it('creates the database and its -wal and -shm files 0600, in a new folder 0700', () => {
  const t = tempDb();
  temps.push(t);
  const path = join(t.dir, 'new', 'nested', 'scimctl.db');
  const store = new Store(path);
  store.environments.create({ name: 'dev', publicUrl: 'http://localhost:8080' });
  expect(mode(path)).toBe(0o600);
  expect(mode(`${path}-wal`)).toBe(0o600);
  expect(mode(`${path}-shm`)).toBe(0o600);
  expect(mode(join(t.dir, 'new'))).toBe(0o700);
  expect(mode(join(t.dir, 'new', 'nested'))).toBe(0o700);
  expect(store.readableByOthers).toBe(false);
  store.close();
});

it('leaves an existing file as it is, and says when others can read it', () => {
  const t = tempDb();
  temps.push(t);
  new Store(t.db).close();
  chmodSync(t.db, 0o644);
  const store = new Store(t.db);
  expect(store.readableByOthers).toBe(true);
  expect(mode(t.db)).toBe(0o644);
  store.close();
});
