import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFixture } from '../../fixtures/generate-large.mjs';
import { scimctl, spawnScimctl, tempDb } from '../helpers/cli.js';

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;
const TOKEN = 'scimctl_sk_acme_demo_fixed_token_for_local_and_ci_only';
const COUNTS = { created: expect.any(Number), updated: expect.any(Number), unchanged: expect.any(Number), removed: expect.any(Number), wouldRemove: expect.any(Number) };

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

const write = (name: string, value: unknown) => {
  const file = join(temp.dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('scimctl seed', () => {
  it('--json prints the documented report, and nothing on stderr', async () => {
    const result = await scimctl(temp.db, ['seed', ACME, '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['file', 'dryRun', 'prune', 'changed', 'summary', 'counts', 'directories', 'removals']);
    expect(report).toEqual({
      file: 'acme.json',
      dryRun: false,
      prune: false,
      changed: true,
      summary: { created: 14, updated: 0, unchanged: 0, removed: 0, wouldRemove: 0 },
      counts: { environments: COUNTS, organizations: COUNTS, directories: COUNTS, users: COUNTS, groups: COUNTS, apiKeys: COUNTS },
      directories: [
        {
          environment: 'demo',
          organization: 'acme',
          key: 'entra',
          id: expect.stringMatching(/^scim_directory_[0-9a-z]{26}$/),
          name: 'Entra ID',
          baseUrl: expect.stringMatching(/^http:\/\/localhost:8080\/scim\/v2\/scim_directory_/),
          status: 'created',
          token: TOKEN,
          tokenSource: 'fixed',
          users: 6,
          groups: 4,
        },
      ],
      removals: [],
    });
    const again = JSON.parse((await scimctl(temp.db, ['seed', ACME, '--json'])).stdout);
    expect(again).toMatchObject({ changed: false, summary: { created: 0, updated: 0, unchanged: 14 } });
    expect(again.directories[0].id).toBe(report.directories[0].id);
  });

  it('prints a directory table on stdout and a summary on stderr (the real binary)', async () => {
    const result = await spawnScimctl(temp.db, ['seed', ACME]);
    expect(result.exitCode).toBe(0);
    const [header, row] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^DIRECTORY\s+ID\s+BASE URL\s+TOKEN$/);
    expect(row).toMatch(new RegExp(`^demo/acme/entra\\s+scim_directory_\\S+\\s+http://localhost:8080/scim/v2/scim_directory_\\S+\\s+${TOKEN} \\(fixed\\)$`));
    expect(result.stderr).toBe('Seeded acme.json: 1 environment, 1 organization, 1 directory, 6 users, 4 groups, 1 API key\n  14 created, 0 updated, 0 unchanged\n');
  });

  it('names the exact place of an error, exits 1 and changes nothing', async () => {
    const fixture = JSON.parse(readFileSync(ACME, 'utf8'));
    delete fixture.environments[0].organizations[0].directories[0].users[3].userName;
    fixture.environments[0].organizations[0].directories[0].groups[0].members.push('zed');
    const result = await scimctl(temp.db, ['seed', write('bad.json', fixture)]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: invalid fixture bad.json: environments[0].organizations[0].directories[0].users[3].userName: required\n' +
        'Nothing was changed. See "Fixture format reference" in the README.\n',
    );
    expect(existsSync(temp.db)).toBe(false); // not even an empty database
  });

  it('reports a missing file and broken JSON with where to look', async () => {
    const missing = await scimctl(temp.db, ['seed', join(temp.dir, 'nope.json')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^error: no fixture file .*nope\.json\n/);
    const broken = await scimctl(temp.db, ['seed', write('broken.json', '{\n  "version": 1,\n  "environments": [,]\n}\n')]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/^error: .*broken\.json is not valid JSON: line 3, column 20: unexpected ","\n/);
  });

  it('refuses a fixture nested deeper than a request body may be, in one line, writing nothing', async () => {
    const deep = `{"version":1,"environments":[{"name":"e","organizations":[{"key":"o","name":"O","directories":[{"key":"d","users":[{"userName":"u","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}]}]}]}`;
    const result = await scimctl(temp.db, ['seed', write('deep.json', deep)]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: .*deep\.json nests deeper than 72 levels\nUsers and groups may nest 64 levels, as in a SCIM request body\n$/);
    expect(existsSync(temp.db)).toBe(false); // not even an empty database
  });

  it('--dry-run writes nothing; --prune removes what the fixture dropped', async () => {
    const dry = await scimctl(temp.db, ['seed', ACME, '--dry-run']);
    expect(dry.stderr).toMatch(/^Dry run of acme\.json: .*\n  14 created, 0 updated, 0 unchanged \(dry run: nothing was written\)\n$/);
    expect(existsSync(temp.db)).toBe(false); // not even an empty database
    await scimctl(temp.db, ['seed', ACME]);
    const fixture = JSON.parse(readFileSync(ACME, 'utf8'));
    const directory = fixture.environments[0].organizations[0].directories[0];
    directory.users.pop();
    directory.groups[0].members = ['bob', 'dave', 'erin'];
    const smaller = write('smaller.json', fixture);
    const kept = await scimctl(temp.db, ['seed', smaller]);
    expect(kept.stderr).toContain('Would remove what the fixture does not list (1 user); seed with --prune to remove it:\n  user frank@acme.test (scim_user_');
    const pruned = await scimctl(temp.db, ['seed', smaller, '--prune']);
    expect(pruned.stderr).toContain('Removed what the fixture does not list (1 user):');
    expect(JSON.parse((await scimctl(temp.db, ['seed', smaller, '--prune', '--json'])).stdout).changed).toBe(false);
  });

  it('shows plain progress lines without a TTY for a big seed, and none with --json', async () => {
    const file = write('big.json', generateFixture({ users: 6000, groups: 20, seed: 3 }));
    const plain = await scimctl(temp.db, ['seed', file, '--dry-run']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stderr).toMatch(/^validating \d+\/6020 records \(\d+%\)\n/);
    expect(plain.stderr).toContain('writing 6020/6020 records (100%)\n');
    expect(plain.stderr).not.toContain('\r');
    const json = await scimctl(temp.db, ['seed', file, '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).counts.users.created).toBe(6000);
  });
});

describe('scimctl export', () => {
  it('writes a fixture without tokens that seeds an empty database to the same world', async () => {
    await scimctl(temp.db, ['seed', ACME]);
    const exported = await scimctl(temp.db, ['export', 'demo']);
    expect(exported.exitCode).toBe(0);
    expect(exported.stderr).toBe('Exported 1 organization, 1 directory, 6 users, 4 groups\n');
    expect(exported.stdout).not.toContain('scimctl_sk_');
    const copy = tempDb();
    try {
      const seeded = await scimctl(copy.db, ['seed', write('export.json', exported.stdout), '--json']);
      expect(JSON.parse(seeded.stdout).summary.created).toBe(13);
      const again = await scimctl(copy.db, ['export', 'demo']);
      expect(JSON.parse(again.stdout)).toEqual(JSON.parse(exported.stdout));
    } finally {
      copy.cleanup();
    }
  });

  it('--out writes a file and --json describes it', async () => {
    await scimctl(temp.db, ['seed', ACME]);
    const out = join(temp.dir, 'acme-export.json');
    const result = await scimctl(temp.db, ['export', 'acme', '--out', out, '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ out, organizations: 1, directories: 1, users: 6, groups: 4 });
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe(1);
  });

  it('exits 1 for something that does not exist', async () => {
    await scimctl(temp.db, ['env', 'create', 'dev']);
    const result = await scimctl(temp.db, ['export', 'nope']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: no environment, organization or directory "nope"\n/);
  });
});
