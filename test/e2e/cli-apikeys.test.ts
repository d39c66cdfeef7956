import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, tempDb, useTempDbs } from '../helpers/cli.js';

interface CreatedKey {
  id: string;
  name: string | null;
  environmentId: string;
  management: boolean;
  key: string;
  createdAt: string;
}

const KEY = /^scimctl_ak_[A-Za-z0-9_-]{43}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The database as it lies on disk once scimctl has exited: the main file and any WAL. */
function bytesOnDisk(db: string): string {
  const parts = [db, `${db}-wal`, `${db}-journal`].filter((f) => existsSync(f));
  return Buffer.concat(parts.map((f) => readFileSync(f))).toString('latin1');
}

function storedRows(db: string): Record<string, unknown>[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}

describe('apikey create, list and revoke', () => {
  const t = tempDb();
  let envId: string;
  let first: CreatedKey;
  let humanKey: string;
  let humanId: string;
  beforeAll(async () => {
    envId = (await scimctlJson<{ id: string }>(t.db, ['env', 'create', 'dev'])).id;
    first = await scimctlJson<CreatedKey>(t.db, ['apikey', 'create', '--name', 'ci', '--management']);
  });
  afterAll(() => t.cleanup());

  test('--json prints exactly id, name, environmentId, management, key and createdAt, with the only environment as default', () => {
    expect(Object.keys(first)).toEqual(['id', 'name', 'environmentId', 'management', 'key', 'createdAt']);
    expect(first).toEqual({ id: expect.stringMatching(/^api_key_[0-9a-z]{26}$/), name: 'ci', environmentId: envId, management: true, key: expect.stringMatching(KEY), createdAt: expect.any(String) });
  });

  test('without --json: the key on stdout, the once-only notice and what to do if lost on stderr', async () => {
    const result = await scimctl(t.db, ['apikey', 'create', '--env', 'dev']);
    expect(result.exitCode).toBe(0);
    humanKey = /^API key: (\S+)\n$/.exec(result.stdout)?.[1] ?? '';
    expect(humanKey).toMatch(KEY);
    humanId = /Created API key (api_key_\w+) for dev\n$/.exec(result.stderr)?.[1] ?? '';
    expect(result.stderr).toBe(
      'This API key is shown only this once; scimctl stores just its hash.\n' +
        `Lost it? Make another with \`scimctl --db ${t.db} apikey create --env dev\` and revoke this one with \`scimctl --db ${t.db} apikey revoke ${humanId}\`.\n` +
        `Created API key ${humanId} for dev\n`,
    );
  });

  test('only the SHA-256 of each key is stored; the key itself is nowhere in the database', () => {
    const rows = storedRows(t.db);
    expect(rows.map((r) => r.key_hash)).toEqual([sha256(first.key), sha256(humanKey)]);
    const bytes = bytesOnDisk(t.db);
    for (const key of [first.key, humanKey]) {
      expect(bytes).not.toContain(key);
      expect(bytes).not.toContain(key.slice('scimctl_ak_'.length));
    }
  });

  test('list shows ids, names, environment and management, never a key', async () => {
    const listed = await scimctl(t.db, ['apikey', 'list']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toBe('');
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ENVIRONMENT\s+MANAGEMENT\s+CREATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${first.id}\\s+ci\\s+dev\\s+yes\\s+${first.createdAt}$`));
    expect(lines[2]).toMatch(new RegExp(`^${humanId}\\s+dev\\s+no\\s+\\S+$`));
    const json = await scimctlJson<Record<string, unknown>[]>(t.db, ['apikey', 'ls', '--env', envId]);
    expect(json).toEqual([
      { id: first.id, name: 'ci', environmentId: envId, management: true, createdAt: first.createdAt },
      { id: humanId, name: null, environmentId: envId, management: false, createdAt: expect.any(String) },
    ]);
    for (const text of [listed.stdout, JSON.stringify(json)]) {
      expect(text).not.toContain(first.key);
      expect(text).not.toContain(humanKey);
      expect(text).not.toContain('scimctl_ak_');
    }
  });

  test('with several environments and no --env, create is a usage error naming them, and writes nothing', async () => {
    await scimctlJson(t.db, ['env', 'create', 'ci']);
    const before = storedRows(t.db).length;
    const result = await scimctl(t.db, ['apikey', 'create']);
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'error: missing required --env <env>: this database has several environments\nPass --env with one of: dev, ci\n' });
    expect(storedRows(t.db)).toHaveLength(before);
    const other = await scimctlJson<CreatedKey>(t.db, ['apikey', 'create', '--env', 'ci']);
    expect((await scimctlJson<{ id: string }[]>(t.db, ['apikey', 'list', '--env', 'ci'])).map((k) => k.id)).toEqual([other.id]);
  });

  test('revoke needs confirmation, then deletes the key', async () => {
    const refused = await scimctl(t.db, ['apikey', 'revoke', first.id]);
    expect(refused).toEqual({ exitCode: 2, stdout: '', stderr: `error: Revoke API key ${first.id} (ci) (it stops working at once) needs confirmation\nPass --yes to confirm\n` });
    const revoked = await scimctl(t.db, ['apikey', 'revoke', first.id, '--yes', '--json']);
    expect(revoked.exitCode).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ id: first.id, revoked: true });
    expect(storedRows(t.db).map((r) => r.id)).not.toContain(first.id);
    const human = await scimctl(t.db, ['apikey', 'revoke', humanId, '--yes']);
    expect(human).toEqual({ exitCode: 0, stdout: '', stderr: `Revoked API key ${humanId}\n` });
  });

  test('revoking an unknown id is not-found (exit 1), with --json too', async () => {
    const missing = await scimctl(t.db, ['apikey', 'revoke', 'api_key_nope', '--yes']);
    expect(missing).toEqual({ exitCode: 1, stdout: '', stderr: `error: no api key "api_key_nope"\nSee \`scimctl --db ${t.db} apikey list\`\n` });
    const json = await scimctl(t.db, ['apikey', 'revoke', 'api_key_nope', '--yes', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stderr).error.kind).toBe('not-found');
  });
});

describe('apikey on an empty or missing database', () => {
  const temp = useTempDbs();

  test('list creates no database', async () => {
    const t = temp();
    const result = await scimctl(t.db, ['apikey', 'list']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: no scimctl database at /);
    expect(existsSync(t.db)).toBe(false);
  });

  test('list with no keys says how to make one', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    expect(await scimctl(t.db, ['apikey', 'list'])).toEqual({ exitCode: 0, stdout: '', stderr: `No API keys. Create one with \`scimctl --db ${t.db} apikey create --env <env>\`.\n` });
    expect(await scimctlJson(t.db, ['apikey', 'list'])).toEqual([]);
  });

  test('an empty --name is a usage error', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    expect((await scimctl(t.db, ['apikey', 'create', '--name', ' '])).exitCode).toBe(2);
  });
});
