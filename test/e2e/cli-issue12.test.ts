import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../helpers/memory-io.js';
import { spawnServe } from '../helpers/serve.js';
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

  test('an organization without external id and directories without names round-trip by id, here and into a fresh database', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const org = await scimctlJson<{ id: string }>(t.db, ['org', 'create', '--env', 'dev', '--name', 'Anon']);
    const dirs = [await scimctlJson<Dir>(t.db, ['directory', 'create', '--org', org.id]), await scimctlJson<Dir>(t.db, ['directory', 'create', '--org', org.id])];
    const out = join(t.dir, 'anon.json');
    expect((await scimctl(t.db, ['export', org.id, '--out', out])).exitCode).toBe(0);
    const fixture = JSON.parse(readFileSync(out, 'utf8'));
    expect(fixture.environments[0].organizations[0].key).toBe(org.id);
    expect(fixture.environments[0].organizations[0].directories.map((d: { key: string }) => d.key)).toEqual(dirs.map((d) => d.id));

    const same = await scimctl(t.db, ['seed', out, '--json']);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).changed).toBe(false);
    expect((await scimctlJson<{ externalId: string | null }[]>(t.db, ['org', 'list'])).map((o) => o.externalId)).toEqual([null]);

    // Seeded elsewhere, they keep their ids (and so their base URLs), and a second seed changes nothing.
    const fresh = temp();
    expect((await scimctl(fresh.db, ['seed', out])).exitCode).toBe(0);
    expect((await scimctlJson<{ id: string; externalId: string | null }[]>(fresh.db, ['org', 'list'])).map((o) => [o.id, o.externalId])).toEqual([[org.id, null]]);
    expect((await scimctlJson<Dir[]>(fresh.db, ['directory', 'list'])).map((d) => [d.id, d.name])).toEqual(dirs.map((d) => [d.id, null]));
    expect(JSON.parse((await scimctl(fresh.db, ['seed', out, '--json'])).stdout).changed).toBe(false);
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

describe('seed - on a terminal', () => {
  const temp = useTempDbs();

  test('says to pipe a fixture instead of waiting or failing with EAGAIN', async () => {
    const t = temp();
    const run = memoryIo();
    // A terminal with nothing typed: reading it would never end.
    run.io.stdin = Object.assign(new PassThrough(), { isTTY: true });
    const exitCode = await runCli(['--db', t.db, 'seed', '-'], run.io);
    expect({ exitCode, stdout: run.stdout(), stderr: run.stderr() }).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: seed - reads a fixture from standard input, but nothing is piped in\nPipe one in (\`scimctl --db ${t.db} seed - < fixture.json\`), or pass the file path\n`,
    });
  });
});

describe('external ids shaped like scimctl ids', () => {
  const temp = useTempDbs();
  const idShaped = 'org_01m8s8f8agnyqzp4ebfebsqrk4';

  test('are refused by org create (they could never be looked up)', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const created = await scimctl(t.db, ['org', 'create', '--env', 'dev', '--name', 'F', '--external-id', idShaped]);
    expect(created).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: invalid --external-id "${idShaped}": it has the shape of a scimctl id, so it could never be looked up\nUse your app's own id for this customer\n`,
    });
    expect(await scimctlJson(t.db, ['org', 'list'])).toEqual([]);
    // An id-like prefix alone is fine (org_fake is a plausible id of your own app): show and export both find it.
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'F', '--external-id', 'org_fake']);
    expect((await scimctl(t.db, ['org', 'show', 'org_fake'])).exitCode).toBe(0);
    expect((await scimctl(t.db, ['export', 'org_fake'])).exitCode).toBe(0);
  });

  test('are refused in a fixture, as an externalId or a directory name; an id-shaped key is the id itself', async () => {
    const t = temp();
    const fixture = (org: Record<string, unknown>) => {
      const path = join(t.dir, `f${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify({ version: 1, environments: [{ name: 'dev', organizations: [org] }] }));
      return path;
    };
    const external = await scimctl(t.db, ['seed', fixture({ key: 'acme', externalId: idShaped, directories: [] })]);
    expect(external.exitCode).toBe(1);
    expect(external.stderr).toContain(`environments[0].organizations[0].externalId: "${idShaped}" has the shape of a scimctl id, so as an external id it could never be looked up`);
    const named = await scimctl(t.db, ['seed', fixture({ key: 'acme', directories: [{ key: 'entra', name: 'scim_directory_01m8s8f8agnyqzp4ebfebsqrk4' }] })]);
    expect(named.exitCode).toBe(1);
    expect(named.stderr).toContain('has the shape of a scimctl id, so it cannot be a directory\'s name');
    expect(existsSync(t.db)).toBe(false);
  });
});

describe('log list --help', () => {
  const temp = useTempDbs();

  test('describes the order it prints in: the newest last', async () => {
    const help = await scimctl(temp().db, ['log', 'list', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('oldest first so the newest is last');
    expect(help.stdout).not.toContain('newest first');
  });

  test('--limit 0 lists every request, as user list and group list do; a bad --limit says 0 is allowed', async () => {
    const t = temp();
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    expect(await scimctl(t.db, ['log', 'list', '--limit', '0'])).toMatchObject({ exitCode: 0, stderr: 'No requests logged yet.\n' });
    expect(await scimctl(t.db, ['log', 'list', '--limit', 'x'])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('invalid --limit "x": give a whole number (0 for no limit)') });
  });
});

describe('base URLs while a serve runs on the database', () => {
  const temp = useTempDbs();

  test('use the port serve --port 0 actually listens on; without a serve, say none is running', async () => {
    const t = temp();
    const serve = await spawnServe(t.db);
    try {
      const [dir] = await scimctlJson<Dir[]>(t.db, ['directory', 'list']);
      expect(dir!.baseUrl).toBe(`${serve.ready.url}/scim/v2/${dir!.id}`);
      const shown = await scimctl(t.db, ['directory', 'show', dir!.id]);
      expect(shown.stdout).toContain(`${serve.ready.url}/scim/v2/${dir!.id}`);
      expect(shown.stderr).toBe('');
    } finally {
      await serve.stop();
    }
    const listed = await scimctl(t.db, ['directory', 'list']);
    expect(listed.stdout).toContain('http://localhost:8080/scim/v2/');
    expect(listed.stderr).toBe(`No serve is running on this database; \`scimctl --db ${t.db} serve\` serves these base URLs.\n`);
  });
});

describe('hints repeat the --db the user gave', () => {
  const temp = useTempDbs();

  test('in notices, in errors, and in serve\'s hints', async () => {
    const t = temp();
    const db = join(t.dir, 'my data.db');
    await scimctlJson(db, ['env', 'create', 'dev']);
    await scimctlJson(db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
    const created = await scimctl(db, ['directory', 'create', '--org', 'acme']);
    expect(created.stderr).toContain(`\`scimctl --db '${db}' token rotate <directory>\``);
    const missing = await scimctl(db, ['directory', 'show', 'scim_directory_nope']);
    expect(missing.stderr).toContain(`See \`scimctl --db '${db}' directory list\``);
    // Without --db, the suggestion is left as it is.
    const bare = await scimctlRawIn(['directory', 'show', 'scim_directory_nope'], { SCIMCTL_DB: db });
    expect(bare.stderr).toContain('See `scimctl directory list`');

    const run = memoryIo();
    const serving = runCli(['--db', db, 'serve', '--port', '0'], run.io);
    await until(() => run.stderr().includes('Press Ctrl-C'));
    run.stop();
    expect(await serving).toBe(0);
    expect(run.stderr()).toContain(`\`scimctl --db '${db}' log list --follow\``);
    expect(run.stderr()).toContain(`\nDatabase: ${db}\n`); // the banner names the database it serves
    // Only the data on stdout: the base URL table.
    expect(run.stdout()).toMatch(/^\nDIRECTORY\s+NAME\s+BASE URL\nscim_directory_\w+\s+http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/scim_directory_\w+\n$/);
  });
});

describe('notices go to stderr; stdout is data only', () => {
  const temp = useTempDbs();

  test('empty lists, the token warning and a cut-off list leave stdout clean; --limit 0 lists all', async () => {
    const t = temp();
    const empty = await scimctl(t.db, ['env', 'create', 'dev']);
    expect(empty.exitCode).toBe(0);
    expect(await scimctl(t.db, ['org', 'list'])).toEqual({ exitCode: 0, stdout: '', stderr: 'No organizations. Create one with `scimctl --db ' + t.db + ' org create --env <env> --name <name>`.\n' });
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    const [dir] = await scimctlJson<Dir[]>(t.db, ['directory', 'list']);
    const rotated = await scimctl(t.db, ['token', 'rotate', dir!.id, '--yes']);
    expect(rotated.stdout).toMatch(/^Tenant URL:\s+http\S+\nSecret token: scimctl_sk_\S+\n$/);
    expect(rotated.stderr).toContain('This token is shown only this once');
    const none = await scimctl(t.db, ['user', 'list', '--directory', dir!.id, '--filter', 'userName eq "nobody"']);
    expect(none).toEqual({ exitCode: 0, stdout: '', stderr: 'No users match.\n' });

    const cut = await scimctl(t.db, ['user', 'list', '--directory', dir!.id, '--limit', '2', '--json']);
    expect(JSON.parse(cut.stdout)).toHaveLength(2);
    expect(cut.stderr).toBe('Showing 2 of 6 users; pass --limit 0 for all, or a larger --limit.\n');
    const human = await scimctl(t.db, ['user', 'list', '--directory', dir!.id, '--limit', '2']);
    expect(human.stdout.trim().split('\n')).toHaveLength(3);
    expect(human.stderr).toBe(cut.stderr);
    const all = await scimctl(t.db, ['user', 'list', '--directory', dir!.id, '--limit', '0', '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(6);
    expect(all.stderr).toBe('');
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function scimctlRawIn(args: string[], env: Record<string, string>) {
  const run = memoryIo({ env });
  const exitCode = await runCli(args, run.io);
  return { exitCode, stdout: run.stdout(), stderr: run.stderr() };
}

describe('serve on a database with an environment but no directory', () => {
  const temp = useTempDbs();

  test('makes the default directory in that environment, not in a new `default` one', async () => {
    const t = temp();
    const dev = await scimctlJson<{ id: string }>(t.db, ['env', 'create', 'dev']);
    const run = memoryIo();
    const serving = runCli(['--db', t.db, 'serve', '--port', '0', '--json'], run.io);
    await until(() => run.stdout().includes('\n'));
    run.stop();
    expect(await serving).toBe(0);
    const ready = JSON.parse(run.stdout()) as { directories: { id: string; token?: string }[] };
    expect(ready.directories).toHaveLength(1);
    expect(ready.directories[0]!.token).toMatch(/^scimctl_sk_/);
    expect((await scimctlJson<{ name: string }[]>(t.db, ['env', 'list'])).map((e) => e.name)).toEqual(['dev']);
    const [dir] = await scimctlJson<{ id: string; environmentId: string; name: string }[]>(t.db, ['directory', 'list']);
    expect(dir).toMatchObject({ id: ready.directories[0]!.id, environmentId: dev.id, name: 'default' });
  });

  test('with several environments and no terminal, says that it puts the directory in a new `default` one', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['env', 'create', 'staging']);
    const run = memoryIo();
    const serving = runCli(['--db', t.db, 'serve', '--port', '0', '--json'], run.io);
    await until(() => run.stdout().includes('\n'));
    run.stop();
    expect(await serving).toBe(0);
    expect(run.stderr()).toContain('This database has 2 environments and no SCIM directory; with no terminal to ask which, the default directory goes into a new environment "default". To put it elsewhere: scimctl directory create --org <org>');
    expect((await scimctlJson<{ name: string }[]>(t.db, ['env', 'list'])).map((e) => e.name)).toEqual(['dev', 'staging', 'default']);
  });
});

describe('text an IdP controls', () => {
  const temp = useTempDbs();

  test('is escaped in human output (no title rewrite, no clear screen, no fake row), JSON-escaped in --json', async () => {
    const t = temp();
    const evil = '\u001b]0;pwned\u0007\u001b[2J\nfake row\u009b';
    const fixture = JSON.parse(readFileSync(ACME, 'utf8'));
    const dir = fixture.environments[0].organizations[0].directories[0];
    // Attributes the server takes as they come (identifying ones such as userName refuse controls).
    dir.users[0].displayName = evil;
    dir.users[1]['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department = `Sales${evil}`;
    const file = join(t.dir, 'evil.json');
    writeFileSync(file, JSON.stringify(fixture));
    expect((await scimctl(t.db, ['seed', file])).exitCode).toBe(0);
    const [d] = await scimctlJson<Dir[]>(t.db, ['directory', 'list']);
    const shown = '^[]0;pwned^G^[[2J^Jfake row\\x9b';
    const users = await scimctl(t.db, ['user', 'list', '--directory', d!.id]);
    expect(users.stdout).toContain(shown);
    expect(users.stdout.trim().split('\n')).toHaveLength(1 + 6); // the header and six users: no extra row
    expect(users.stdout).toContain(`Sales${shown}`);
    const [alice] = await scimctlJson<{ id: string; displayName: string }[]>(t.db, ['user', 'list', '--directory', d!.id]);
    expect(alice!.displayName).toBe(evil);
    const one = await scimctl(t.db, ['user', 'show', alice!.id]);
    for (const output of [users.stdout, one.stdout]) expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('invalid flag values', () => {
  const temp = useTempDbs();

  test('are usage errors (exit 2) in one wording, with one usage hint', async () => {
    const t = temp();
    expect(await scimctl(t.db, ['serve', '--public-url', 'notaurl'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: invalid --public-url "notaurl"\nGive an absolute http(s) URL, e.g. https://scim.example.test\n',
    });
    const host = await scimctl(t.db, ['serve', '--host', '256.1.1.1', '--port', '0']);
    expect(host).toEqual({ exitCode: 2, stdout: '', stderr: 'error: invalid --host "256.1.1.1": no such local address\nRun with --help for usage\n' });
    expect(await scimctl(t.db, ['serve', '--port', 'x'])).toMatchObject({ exitCode: 2, stderr: 'error: invalid --port "x": give a number from 0 to 65535\n' });
    expect(await scimctl(t.db, ['env', 'list', '--bogus'])).toMatchObject({ exitCode: 2, stderr: "error: unknown option '--bogus'\nRun with --help for usage\n" });
  });

  test('a missing argument reads the same whether scimctl or its argument parser finds it', async () => {
    const t = temp();
    expect(await scimctl(t.db, ['env', 'show'])).toMatchObject({ exitCode: 2, stderr: 'error: missing required argument <env>\nRun with --help for usage\n' });
    expect(await scimctl(t.db, ['user', 'show'])).toMatchObject({ exitCode: 2, stderr: 'error: missing required argument <user>\nRun with --help for usage\n' });
    const json = await scimctl(t.db, ['user', 'show', '--json']);
    expect(JSON.parse(json.stderr)).toEqual({ error: { kind: 'usage', message: 'missing required argument <user>', hint: 'Run with --help for usage' } });
  });
});

describe('seed --dry-run on a path with no database', () => {
  const temp = useTempDbs();

  test('reports what it would create, and creates no database', async () => {
    const t = temp();
    const dry = await scimctl(t.db, ['seed', ACME, '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, changed: true, summary: { created: 14 } });
    expect(existsSync(t.db)).toBe(false);
  });
});
