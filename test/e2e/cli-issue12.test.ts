import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

/** Defects reported in issue #12, each with the behaviour users get now. */

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;

interface Dir {
  id: string;
  name: string | null;
  baseUrl: string;
}

describe('directory names are unique within an organization', () => {
  const temp = useTempDbs();

  test('a second directory with a taken name is refused; directory rename renames; export then seed round-trips', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
    const first = await scimctlJson<Dir>(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Entra']);
    const duplicate = await scimctl(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Entra']);
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderr).toMatch(/^error: organization org_\w+ already has a SCIM directory named "Entra" \(scim_directory_\w+\); pick another name\n$/);
    const second = await scimctlJson<Dir>(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Okta']);

    const taken = await scimctl(t.db, ['directory', 'rename', second.id, 'Entra']);
    expect(taken.exitCode).toBe(1);
    const renamed = await scimctl(t.db, ['directory', 'rename', first.id, 'Entra production']);
    expect(renamed).toEqual({ exitCode: 0, stdout: '', stderr: `Renamed SCIM directory ${first.id} to "Entra production"\n` });
    const again = await scimctlJson<Dir>(t.db, ['directory', 'rename', first.id, 'Entra production']);
    expect(again.name).toBe('Entra production');

    const out = join(t.dir, 'acme.json');
    expect((await scimctl(t.db, ['export', 'acme', '--out', out])).exitCode).toBe(0);
    const seeded = await scimctl(t.db, ['seed', out, '--json']);
    expect(seeded.exitCode, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout).changed).toBe(false);
  });
});

describe('seed --prune --dry-run', () => {
  const temp = useTempDbs();

  test('says what it would remove, not that it removed it', async () => {
    const t = temp();
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    const fixture = JSON.parse(readFileSync(ACME, 'utf8'));
    fixture.environments[0].organizations[0].directories = [];
    const less = join(t.dir, 'less.json');
    writeFileSync(less, JSON.stringify(fixture));
    const dry = await scimctl(t.db, ['seed', less, '--prune', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain('Would remove what the fixture does not list (1 directory); run without --dry-run to remove it:\n');
    expect(dry.stderr).not.toContain('Removed');
    expect(await scimctlJson<Dir[]>(t.db, ['directory', 'list'])).toHaveLength(1);
    const real = await scimctl(t.db, ['seed', less, '--prune']);
    expect(real.stderr).toContain('Removed what the fixture does not list (1 directory):\n');
    expect(await scimctlJson<Dir[]>(t.db, ['directory', 'list'])).toHaveLength(0);
  });
});
