import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';

const CI_KEY = 'scimctl_ak_ci_fixed_key_for_local_tests_only_012345678';
const APP_KEY = 'scimctl_ak_app_fixed_key_for_local_tests_only_01234567';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

const write = (value: unknown, name = 'keys.json') => {
  const file = join(temp.dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

const fixture = (envs: { name: string; apiKeys?: unknown }[]) => ({
  version: 1,
  environments: envs.map((e) => ({ name: e.name, organizations: [{ key: 'acme', name: 'Acme', directories: [{ key: 'entra' }] }], ...(e.apiKeys !== undefined ? { apiKeys: e.apiKeys } : {}) })),
});

function keyRows(db: string): Record<string, unknown>[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('SELECT environment_id, name, key_hash, management FROM api_keys ORDER BY created_at, id').all() as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}

describe('fixture apiKeys', () => {
  it('seeding creates the keys (hashed), and a second seed writes nothing', async () => {
    expect(CI_KEY).toMatch(/^scimctl_ak_[A-Za-z0-9_-]{43}$/);
    expect(APP_KEY).toMatch(/^scimctl_ak_[A-Za-z0-9_-]{43}$/);
    const file = write(fixture([{ name: 'dev', apiKeys: [{ name: 'ci', key: CI_KEY, management: true }, { key: APP_KEY }] }]));
    const first = await scimctl(temp.db, ['seed', file]);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toBe('Seeded keys.json: 1 environment, 1 organization, 1 directory, 0 users, 0 groups, 2 API keys\n  5 created, 0 updated, 0 unchanged\n');
    const [env] = await scimctlJson<{ id: string }[]>(temp.db, ['env', 'list']);
    expect(keyRows(temp.db)).toEqual([
      { environment_id: env!.id, name: 'ci', key_hash: sha256(CI_KEY), management: 1 },
      { environment_id: env!.id, name: null, key_hash: sha256(APP_KEY), management: 0 },
    ]);
    expect(readFileSync(temp.db, 'latin1')).not.toContain(CI_KEY);
    const listed = await scimctlJson<{ name: string | null; management: boolean }[]>(temp.db, ['apikey', 'list']);
    expect(listed.map((k) => [k.name, k.management])).toEqual([['ci', true], [null, false]]);

    const again = JSON.parse((await scimctl(temp.db, ['seed', file, '--json'])).stdout);
    expect(again).toMatchObject({ changed: false, summary: { created: 0, updated: 0 }, counts: { apiKeys: { created: 0, updated: 0, unchanged: 2, removed: 0, wouldRemove: 0 } } });
    expect(keyRows(temp.db)).toHaveLength(2);
  });

  it('a fixture without apiKeys leaves keys made by hand alone, even with --prune', async () => {
    await scimctl(temp.db, ['seed', write(fixture([{ name: 'dev' }]))]);
    const made = await scimctlJson<{ id: string }>(temp.db, ['apikey', 'create']);
    const pruned = await scimctl(temp.db, ['seed', write(fixture([{ name: 'dev' }])), '--prune']);
    expect(pruned.exitCode).toBe(0);
    expect(pruned.stderr).toBe('Seeded keys.json: 1 environment, 1 organization, 1 directory, 0 users, 0 groups\n  0 created, 0 updated, 3 unchanged\n');
    expect((await scimctlJson<{ id: string }[]>(temp.db, ['apikey', 'list'])).map((k) => k.id)).toEqual([made.id]);
  });

  it('a key already used in another environment is an error at its path, and nothing is written', async () => {
    await scimctl(temp.db, ['seed', write(fixture([{ name: 'dev', apiKeys: [{ name: 'ci', key: CI_KEY }] }]))]);
    const [dev] = await scimctlJson<{ id: string }[]>(temp.db, ['apikey', 'list']);
    const clash = await scimctl(temp.db, ['seed', write(fixture([{ name: 'staging', apiKeys: [{ key: CI_KEY }] }]))]);
    expect(clash.exitCode).toBe(1);
    expect(clash.stdout).toBe('');
    expect(clash.stderr).toContain(`environments[0].apiKeys[0].key: already the key of API key ${dev!.id} in environment dev; an API key belongs to one environment`);
    expect(clash.stderr).not.toContain(CI_KEY);
    expect((await scimctlJson<{ name: string }[]>(temp.db, ['env', 'list'])).map((e) => e.name)).toEqual(['dev']);
  });

  it('validation names each bad API key without repeating it', async () => {
    const bad = await scimctl(temp.db, [
      'seed',
      write(
        fixture([
          { name: 'dev', apiKeys: [{ key: 'scimctl_sk_acme_demo_fixed_token_for_local_and_ci_only' }, { name: 'ci', management: 'yes' }, { key: CI_KEY, scope: 'all' }] },
          { name: 'ci', apiKeys: [{ key: CI_KEY }] },
        ]),
      ),
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr.split('\n');
    expect(lines[0]).toBe('error: invalid fixture keys.json (5 errors):');
    expect(lines).toContain('  environments[0].apiKeys[0].key: invalid API key: must be "scimctl_ak_" followed by 43 letters, digits, "_" or "-" (like the keys scimctl apikey create makes)');
    expect(lines).toContain('  environments[0].apiKeys[1].key: required');
    expect(lines).toContain('  environments[0].apiKeys[1].management: must be true or false, got "yes"');
    expect(lines).toContain('  environments[0].apiKeys[2].scope: unknown property (expected one of: name, key, management)');
    expect(lines).toContain('  environments[1].apiKeys[0].key: the same API key as environments[0].apiKeys[2].key; give each API key its own value');
    expect(bad.stderr).not.toContain(CI_KEY);
  });

  it('export never writes API keys', async () => {
    await scimctl(temp.db, ['seed', write(fixture([{ name: 'dev', apiKeys: [{ name: 'ci', key: CI_KEY, management: true }] }]))]);
    const out = join(temp.dir, 'out.json');
    expect((await scimctl(temp.db, ['export', 'dev', '--out', out])).exitCode).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('apiKeys');
    expect(text).not.toContain('scimctl_ak_');
    expect(text).not.toContain(sha256(CI_KEY));
  });
});
