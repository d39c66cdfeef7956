import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, spawnScimctl, tempDb } from '../helpers/cli.js';

interface Created {
  id: string;
  baseUrl: string;
  token: string;
  tokenCreatedAt: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The database as it lies on disk once scimctl has exited: the main file and any WAL. */
function bytesOnDisk(db: string): string {
  const parts = [db, `${db}-wal`, `${db}-journal`].filter((f) => existsSync(f));
  return Buffer.concat(parts.map((f) => readFileSync(f))).toString('latin1');
}

function storedHash(db: string, id: string): string | null {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT token_hash FROM scim_directories WHERE id = ?').get(id) as { token_hash: string | null }).token_hash;
  } finally {
    sqlite.close();
  }
}

describe('bearer tokens are shown once and stored only as a hash', () => {
  const t = tempDb();
  let created: Created;
  beforeAll(async () => {
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
    created = await scimctlJson<Created>(t.db, ['directory', 'create', '--org', 'acme']);
  });
  afterAll(() => t.cleanup());

  test('the database holds the SHA-256 of the token, never the token', () => {
    const bytes = bytesOnDisk(t.db);
    expect(bytes).toContain(sha256(created.token));
    expect(bytes).not.toContain(created.token);
    // Nor its random part in some other encoding of the same string.
    expect(bytes).not.toContain(created.token.slice('scimctl_sk_'.length));
    expect(storedHash(t.db, created.id)).toBe(sha256(created.token));
  });

  test('token rotate without --yes and without a TTY refuses and changes nothing', async () => {
    const refused = await scimctl(t.db, ['token', 'rotate', created.id]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: Rotate the token of scim_directory_\w+ .*needs confirmation\nPass --yes to confirm\n$/);
    expect(storedHash(t.db, created.id)).toBe(sha256(created.token));
  });

  test('token rotate --yes prints a new token once and replaces the stored hash', async () => {
    const rotated = await scimctlJson<Created>(t.db, ['token', 'rotate', created.id, '--yes']);
    expect(rotated).toEqual({ id: created.id, baseUrl: created.baseUrl, token: expect.stringMatching(/^scimctl_sk_[A-Za-z0-9_-]{43}$/), tokenCreatedAt: expect.any(String) });
    expect(rotated.token).not.toBe(created.token);
    expect(storedHash(t.db, created.id)).toBe(sha256(rotated.token));
    expect(bytesOnDisk(t.db)).not.toContain(rotated.token);
    const shown = await scimctlJson<{ tokenCreatedAt: string; hasToken: boolean }>(t.db, ['directory', 'show', created.id]);
    expect(shown).toMatchObject({ hasToken: true, tokenCreatedAt: rotated.tokenCreatedAt });
  });

  test('token rotate without --json shows the Entra fields and the once-only warning (the real binary)', async () => {
    const before = storedHash(t.db, created.id);
    const result = await spawnScimctl(t.db, ['token', 'rotate', created.id, '--yes']);
    expect(result.exitCode).toBe(0);
    const token = /^Secret token: (\S+)$/m.exec(result.stdout)?.[1];
    expect(token).toMatch(/^scimctl_sk_[A-Za-z0-9_-]{43}$/);
    expect(result.stdout).toContain(`Tenant URL:   ${created.baseUrl}\n`);
    expect(result.stdout).toBe(`Tenant URL:   ${created.baseUrl}\nSecret token: ${token}\n`);
    expect(result.stderr).toBe(
      'This token is shown only this once; scimctl stores just its hash.\n' +
        `Lost it? \`scimctl --db ${t.db} token rotate <directory>\` makes a new one (the old one stops working).\n` +
        `Rotated the token of ${created.id}; update the Secret token in your IdP\n`,
    );
    expect(storedHash(t.db, created.id)).toBe(sha256(token!));
    expect(storedHash(t.db, created.id)).not.toBe(before);
  });

  test('token rotate of an unknown directory is a runtime error', async () => {
    expect(await scimctl(t.db, ['token', 'rotate', 'scim_directory_nope', '--yes'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: no SCIM directory "scim_directory_nope"\nSee \`scimctl --db ${t.db} directory list\`\n`,
    });
  });
});

describe('a database file other users can read', () => {
  const t = tempDb();
  afterAll(() => t.cleanup());

  test.skipIf(process.platform === 'win32')('is named in one warning on stderr per command, never on stdout', async () => {
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    chmodSync(t.db, 0o644);
    const warning = `warning: ${t.db} is readable by other users; run \`chmod 600 ${t.db}\`\n`;
    const listed = await scimctl(t.db, ['env', 'list', '--json']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toBe(warning);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const human = await scimctl(t.db, ['env', 'list']);
    expect(human.stderr).toBe(warning);
    expect(human.stdout).not.toContain('warning');
    chmodSync(t.db, 0o600);
    expect((await scimctl(t.db, ['env', 'list'])).stderr).toBe('');
  });
});
