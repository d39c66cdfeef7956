import { afterAll, describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';

describe('primary directories', () => {
  const t = tempDb();
  afterAll(() => t.cleanup());

  test('directory list and show say which directory is primary; set-primary moves it', async () => {
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
    const first = await scimctlJson<{ id: string; primary: boolean }>(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Entra']);
    const second = await scimctlJson<{ id: string; primary: boolean }>(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Okta']);
    expect([first.primary, second.primary]).toEqual([true, false]);
    const listed = await scimctl(t.db, ['directory', 'list']);
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ORGANIZATION\s+PRIMARY\s+BASE URL$/);
    expect(lines[1]).toMatch(new RegExp(`^${first.id}\\s+Entra\\s+Acme\\s+yes\\s+http`));
    expect(lines[2]).toMatch(new RegExp(`^${second.id}\\s+Okta\\s+Acme\\s+http`));
    expect((await scimctl(t.db, ['directory', 'show', first.id])).stdout).toContain("\nPrimary:      yes (the app API's organizationId selector reads this one)\n");
    expect((await scimctl(t.db, ['directory', 'show', second.id])).stdout).toContain(`\nPrimary:      no (\`scimctl --db ${t.db} directory set-primary ${second.id}\` makes it so)\n`);

    const moved = await scimctl(t.db, ['directory', 'set-primary', 'Okta']);
    expect(moved).toEqual({ exitCode: 0, stdout: '', stderr: `SCIM directory ${second.id} is now the primary one of ${(await scimctlJson<{ id: string }[]>(t.db, ['org', 'list']))[0]!.id}\n` });
    const dirs = await scimctlJson<{ id: string; primary: boolean }[]>(t.db, ['directory', 'list']);
    expect(dirs.map((d) => [d.id, d.primary])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);
    expect((await scimctl(t.db, ['directory', 'set-primary', 'scim_directory_nope'])).exitCode).toBe(1);
  });
});
