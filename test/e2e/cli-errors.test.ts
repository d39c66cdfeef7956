import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, spawnScimctl, tempDb, type CliResult, useTempDbs } from '../helpers/cli.js';
import { LATEST_VERSION } from '../../src/store/migrations.js';

/** One `error:` line, at most one hint line, nothing on stdout, no stack trace, the given exit code. */
/** Under --json an error is one JSON line on stderr: {"error": {"kind", "message", "hint"?}}. */
function expectJsonError(result: CliResult, exitCode: number, error: Record<string, unknown>): void {
  expect(result.stderr.endsWith('\n') && result.stderr.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(result.stderr)).toEqual({ error });
  expect(result.stdout).toBe('');
  expect(result.exitCode).toBe(exitCode);
}

function expectError(result: CliResult, exitCode: number, message: string | RegExp, hint?: string): void {
  const lines = result.stderr.split('\n');
  expect(lines.pop(), 'stderr ends with a newline').toBe('');
  expect(lines.length, result.stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
  if (typeof message === 'string') expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  if (hint !== undefined) expect(lines[1]).toBe(hint);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
  expect(result.exitCode).toBe(exitCode);
}

interface Ids {
  env: string;
  org: string;
  dir: string;
}

// Every command here fails, so the seeded database is the same for all of them: they can run at once.
describe.concurrent('bad input: one clear line, the right exit code, nothing changed', () => {
  const t = tempDb();
  const ids = {} as Ids;
  let before: string;
  const everything = async () =>
    JSON.stringify(await Promise.all([scimctlJson(t.db, ['env', 'list']), scimctlJson(t.db, ['org', 'list']), scimctlJson(t.db, ['directory', 'list'])]));

  beforeAll(async () => {
    ids.env = (await scimctlJson<{ id: string }>(t.db, ['env', 'create', 'dev'])).id;
    ids.org = (await scimctlJson<{ id: string }>(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme', '--domain', 'acme.com'])).id;
    ids.dir = (await scimctlJson<{ id: string }>(t.db, ['directory', 'create', '--org', 'acme'])).id;
    before = await everything();
  });
  afterAll(async () => {
    // The failures above left the data exactly as seeded.
    expect(await everything()).toBe(before);
    t.cleanup();
  });
  const run = (...args: string[]) => scimctl(t.db, args);

  test('unknown environment, organization and directory', async () => {
    expectError(await run('env', 'show', 'nope'), 1, 'no environment "nope"', `See \`scimctl --db ${t.db} env list\``);
    expectError(await run('org', 'create', '--env', 'env_nope', '--name', 'X'), 1, 'no environment "env_nope"');
    expectError(await run('org', 'list', '--env', 'nope'), 1, 'no environment "nope"');
    expectError(await run('org', 'show', 'nope'), 1, 'no organization "nope"', `See \`scimctl --db ${t.db} org list\``);
    expectError(await run('directory', 'create', '--org', 'Acme'), 1, 'no organization "Acme"'); // a name is not an id
    expectError(await run('directory', 'list', '--org', 'nope'), 1, 'no organization "nope"');
    expectError(await run('directory', 'show', 'scim_directory_nope'), 1, 'no SCIM directory "scim_directory_nope"', `See \`scimctl --db ${t.db} directory list\``);
    expectError(await run('directory', 'delete', 'nope', '--yes'), 1, 'no SCIM directory "nope"');
    expectError(await run('env', 'delete', 'nope', '--yes'), 1, 'no environment "nope"');
    expectError(await run('org', 'delete', 'nope', '--yes'), 1, 'no organization "nope"');
  });

  test('duplicates', async () => {
    expectError(await run('env', 'create', 'dev'), 1, `an environment named "dev" already exists (${ids.env})`);
    expectError(await run('org', 'create', '--env', 'dev', '--name', 'Other', '--external-id', 'acme'), 1, `external id "acme" is already used by ${ids.org} in this environment`);
    expectError(await run('org', 'create', '--env', 'dev', '--name', 'Other', '--domain', 'ACME.com'), 1, `domain acme.com already belongs to ${ids.org} in this environment`);
  });

  test('invalid URLs, domains and names', async () => {
    // A bad flag value is a usage error (exit 2), worded like every other: invalid --flag "value": why.
    expectError(await run('env', 'create', 'x', '--public-url', 'notaurl'), 2, 'invalid --public-url "notaurl"', 'Give an absolute http(s) URL, e.g. https://scim.example.test');
    expectError(await run('env', 'create', 'x', '--public-url', 'ftp://x'), 2, 'invalid --public-url "ftp://x": only http and https are supported');
    expectError(await run('env', 'create', 'x', '--public-url', 'https://x.test/?a=1'), 2, 'invalid --public-url "https://x.test/?a=1": a public URL has no query, fragment or credentials');
    expectError(await run('org', 'create', '--env', 'dev', '--name', 'X', '--domain', 'not a domain'), 2, 'invalid --domain "not a domain"', 'Give a DNS name such as example.com');
    expectError(await run('org', 'create', '--env', 'dev', '--name', 'X', '--domain', 'ok.com', '--domain', '1.2.3.4'), 2, 'invalid --domain "1.2.3.4"');
    const nameHint = 'Use letters, digits, ".", "_" or "-" (up to 63 characters), not starting with "env_"';
    for (const name of ['bad/name', 'env_x', 'a'.repeat(64)]) expectError(await run('env', 'create', name), 1, `invalid environment name "${name}"`, nameHint);
    expectError(await run('org', 'create', '--env', 'dev', '--name', '   '), 2, 'an organization needs a non-empty --name');
  });

  test('a missing required flag without a TTY is a usage error naming the flag', async () => {
    expectError(await run('org', 'create', '--name', 'X'), 2, 'missing required --env <env>', 'Run with --help for usage');
    expectError(await run('org', 'create', '--env', 'dev'), 2, 'missing required --name <name>');
    expectError(await run('directory', 'create'), 2, 'missing required --org <org>');
    expectError(await run('env', 'create'), 2, 'missing required argument <name>');
    expectError(await run('env', 'show'), 2, 'missing required argument <env>');
    expectError(await run('token', 'rotate', '--yes'), 2, 'missing required argument <dir>');
    // --json never prompts, even where it could.
    expectJsonError(await run('org', 'create', '--name', 'X', '--json'), 2, { kind: 'usage', message: 'missing required --env <env>', hint: 'Run with --help for usage' });
  });

  test('unknown commands and options are usage errors (the real binary: commander output, exit 2)', async () => {
    const unknown = await spawnScimctl(t.db, ['env', 'frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\n/);
    const option = await spawnScimctl(t.db, ['org', 'list', '--bogus']);
    expect(option).toEqual({ exitCode: 2, stdout: '', stderr: "error: unknown option '--bogus'\nRun with --help for usage\n" });
  });

  test('deletes without --yes and without a TTY are refused', async () => {
    // The question says what goes with it, counted.
    expectError(await run('env', 'delete', 'dev'), 2, `Delete environment dev (${ids.env}) with its 1 organization, 1 SCIM directory, 0 users and 0 groups needs confirmation`, 'Pass --yes to confirm');
    expectError(await run('org', 'delete', 'acme'), 2, `Delete organization Acme (${ids.org}) with its 1 SCIM directory, 0 users and 0 groups needs confirmation`);
    expectError(await run('directory', 'delete', ids.dir), 2, /^error: Delete SCIM directory scim_directory_\w+ with its 0 users, 0 groups and request log needs confirmation$/);
    expectJsonError(await run('directory', 'delete', ids.dir, '--json'), 2, { kind: 'usage', message: expect.stringMatching(/needs confirmation$/), hint: 'Pass --yes to confirm' });
  });
});

/** The bytes, mtime and folder listing of a database file, to prove scimctl left it alone. */
function snapshot(file: string) {
  const stat = statSync(file);
  return { bytes: readFileSync(file).toString('base64'), mtimeMs: stat.mtimeMs, folder: readdirSync(join(file, '..')).sort() };
}

describe.concurrent('databases scimctl must not touch', () => {
  const temp = useTempDbs();

  test('a file that is not SQLite', async () => {
    const t = temp();
    writeFileSync(t.db, randomBytes(3000).toString('base64'));
    const before = snapshot(t.db);
    expectError(await scimctl(t.db, ['env', 'create', 'dev']), 1, `database ${t.db} is not a SQLite database (or is encrypted or corrupt)`);
    expectError(await scimctl(t.db, ['org', 'list']), 1, /is not a SQLite database/);
    expect(snapshot(t.db)).toEqual(before);
  });

  test('a SQLite database that is not scimctl\'s', async () => {
    const t = temp();
    const foreign = new Database(t.db);
    foreign.exec("CREATE TABLE foo (x TEXT); INSERT INTO foo VALUES ('bar')");
    foreign.close();
    const before = snapshot(t.db);
    expectError(await scimctl(t.db, ['env', 'create', 'dev']), 1, `${t.db} is a SQLite database, but not a scimctl one; refusing to touch it`, 'Pass another file with --db');
    expect(snapshot(t.db)).toEqual(before);
  });

  test('a scimctl database from a newer scimctl', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const newer = new Database(t.db);
    newer.pragma('user_version = 999');
    newer.close();
    const before = snapshot(t.db);
    expectError(
      await scimctl(t.db, ['env', 'list']),
      1,
      `${t.db} was written by a newer scimctl (schema version 999; this scimctl knows up to ${LATEST_VERSION})`,
      'Upgrade scimctl to use this database',
    );
    expectError(await scimctl(t.db, ['env', 'create', 'ci']), 1, /newer scimctl/);
    expect(snapshot(t.db)).toEqual(before);
  });

  test('a corrupt scimctl database', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    writeFileSync(t.db, readFileSync(t.db).subarray(0, 5000)); // cut short mid-page
    const before = snapshot(t.db);
    expectError(await scimctl(t.db, ['env', 'create', 'ci']), 1, `database ${t.db} is corrupt`);
    expect(snapshot(t.db)).toEqual(before);
    // --debug adds the stack trace of the underlying SQLite error, in the built binary too.
    const debug = await spawnScimctl(t.db, ['env', 'create', 'ci', '--debug']);
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toMatch(/^error: database .* is corrupt\nSqliteError: database disk image is malformed\n( {4}at .*\n)+$/);
    expect(snapshot(t.db)).toEqual(before);
  });

  test('a location where no folder can be made', async () => {
    // Root ignores file modes, but not /proc. (Node's own recursive mkdir spins forever here.)
    expectError(
      await scimctl('/proc/scimctl-test/x.db', ['env', 'create', 'dev']),
      1,
      'cannot create the folder for database /proc/scimctl-test/x.db: folders cannot be made there',
      'Choose a writable location with --db or SCIMCTL_DB',
    );
    expectError(await scimctl('/proc/scimctl-test.db', ['env', 'create', 'dev']), 1, 'cannot open database /proc/scimctl-test.db: cannot be opened');
    const t = temp();
    writeFileSync(join(t.dir, 'file'), '');
    expectError(await scimctl(join(t.dir, 'file', 'x.db'), ['env', 'create', 'dev']), 1, /^error: cannot create the folder for database .*: a part of the path is not a folder$/);
  });

  test('--db pointing at a folder', async () => {
    const t = temp();
    expectError(await scimctl(t.dir, ['env', 'list']), 1, `cannot open database ${t.dir}: it is a folder`, 'Pass a file path with --db');
    expect(readdirSync(t.dir)).toEqual([]);
  });

  test('a failed command on a new path creates no database', async () => {
    const t = temp();
    const db = join(t.dir, 'sub', 'x.db');
    expectError(await scimctl(db, ['env', 'create', 'x', '--public-url', 'notaurl']), 2, /invalid --public-url/);
    expectError(await scimctl(db, ['env', 'create', 'env_x']), 1, /invalid environment name/);
    expectError(await scimctl(db, ['org', 'create', '--name', 'X']), 2, /missing required --env/);
    expectError(await scimctl(db, ['org', 'create', '--domain', 'x y']), 2, /invalid --domain/);
    expect(existsSync(join(t.dir, 'sub'))).toBe(false);
  });

  test('a read command on a path with no database says so, exit 1, and creates nothing; a write command creates it with its folders', async () => {
    const t = temp();
    const db = join(t.dir, 'a', 'b', 'c', 'scimctl.db');
    const missing = { exitCode: 1, stdout: '', stderr: `error: no scimctl database at ${db}\nCheck --db (or SCIMCTL_DB); \`scimctl --db ${db} env create <name>\`, \`scimctl --db ${db} seed\` and \`scimctl --db ${db} serve\` create one\n` };
    expect(await scimctl(db, ['env', 'list'])).toEqual(missing);
    const asJson = await scimctl(db, ['org', 'list', '--json']);
    expect(JSON.parse(asJson.stderr)).toEqual({ error: { kind: 'not-found', message: `no scimctl database at ${db}`, hint: missing.stderr.split('\n')[1] } });
    expect(existsSync(join(t.dir, 'a'))).toBe(false);
    expect((await scimctl(db, ['env', 'create', 'dev'])).exitCode).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(await scimctl(db, ['directory', 'list', '--json'])).toEqual({ exitCode: 0, stdout: '[]\n', stderr: '' });
    expect(await scimctl(db, ['org', 'list'])).toEqual({ exitCode: 0, stdout: '', stderr: `No organizations. Create one with \`scimctl --db ${db} org create --env <env> --name <name>\`.\n` });
  });
});
