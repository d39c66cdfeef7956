import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { BIN, scimctl, scimctlJson, scimctlRaw, spawnScimctl, spawnScimctlRaw, tempDb, type CliResult, useTempDbs } from '../helpers/cli.js';
import { scimctlPty } from '../helpers/pty.js';

/** stdout is one JSON document and nothing else (not even a second line); stderr is quiet. */
function oneJsonDocument(result: CliResult): unknown {
  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  const parsed: unknown = JSON.parse(result.stdout);
  expect(result.stdout).toBe(JSON.stringify(parsed, null, 2) + '\n');
  return parsed;
}

const ESC = '\u001b';

describe('--json: exactly one JSON document on stdout', () => {
  const t = tempDb();
  afterAll(() => t.cleanup());
  const json = async (...args: string[]) => oneJsonDocument(await scimctl(t.db, [...args, '--json']));

  test('for every management command', async () => {
    expect(await json('env', 'create', 'dev')).toMatchObject({ name: 'dev' });
    expect(await json('env', 'list')).toHaveLength(1);
    expect(await json('env', 'show', 'dev')).toMatchObject({ name: 'dev' });
    expect(await json('org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme')).toMatchObject({ externalId: 'acme' });
    expect(await json('org', 'list')).toHaveLength(1);
    expect(await json('org', 'show', 'acme')).toMatchObject({ name: 'Acme' });
    const dir = (await json('directory', 'create', '--org', 'acme')) as { id: string };
    expect(await json('directory', 'list')).toHaveLength(1);
    expect(await json('directory', 'show', dir.id)).toMatchObject({ id: dir.id });
    expect(await json('token', 'rotate', dir.id, '--yes')).toMatchObject({ id: dir.id, token: expect.any(String) });
    expect(await json('directory', 'delete', dir.id, '--yes')).toEqual({ id: dir.id, deleted: true });
  });

  test('a reader that stops early is not an error', async () => {
    // `true` exits without reading long before node has started, so scimctl's write meets EPIPE.
    const piped = await execa('bash', ['-c', `node "$0" --db "$1" org list --json | true; exit "\${PIPESTATUS[0]}"`, BIN, t.db], { reject: false });
    expect({ exitCode: piped.exitCode, stderr: piped.stderr }).toEqual({ exitCode: 0, stderr: '' });
  });

  test('a failing command prints nothing on stdout (the real binary)', async () => {
    const failed = await spawnScimctl(t.db, ['env', 'show', 'nope', '--json']);
    // The error itself is JSON too, on stderr: {"error": {"kind", "message", "hint"}}.
    expect(failed).toEqual({ exitCode: 1, stdout: '', stderr: JSON.stringify({ error: { kind: 'not-found', message: 'no environment "nope"', hint: `See \`scimctl --db ${t.db} env list\`` } }) + '\n' });
    const unknown = await scimctl(t.db, ['env', 'list', '--bogus', '--json']);
    expect(unknown).toEqual({ exitCode: 2, stdout: '', stderr: JSON.stringify({ error: { kind: 'usage', message: "unknown option '--bogus'", hint: 'Run with --help for usage' } }) + '\n' });
  });

  test('the built binary knows its version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await spawnScimctlRaw(['--version'])).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe.concurrent('colour', () => {
  const t = tempDb();
  beforeAll(async () => {
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
  });
  afterAll(() => t.cleanup());
  // Without NO_COLOR, and without FORCE_COLOR from the test runner: only the missing TTY says "no colour".
  const colourAllowed = { NO_COLOR: undefined, FORCE_COLOR: undefined };

  test('output that is not a terminal has no ANSI codes, even without NO_COLOR', async () => {
    for (const args of [['env', 'list'], ['env', 'create', 'ci'], ['directory', 'create', '--org', 'acme'], ['env', 'show', 'nope']]) {
      const result = await scimctl(t.db, args, { env: colourAllowed });
      expect(result.stdout + result.stderr, args.join(' ')).not.toContain(ESC);
      expect(result.stdout + result.stderr).not.toBe('');
    }
  });

  test('a terminal gets colour, unless NO_COLOR is set', async () => {
    // org list: the test above adds environments and directories, never organizations.
    const session = scimctlPty(t.db, ['org', 'list'], colourAllowed);
    const coloured = await session.exit();
    expect(coloured.exitCode).toBe(0);
    expect(session.raw()).toContain(`${ESC}[36morg_`);
    expect(coloured.screen).toMatch(/^ID +NAME +EXTERNAL ID +DOMAINS +ENVIRONMENT\norg_\w+ +Acme +acme +dev\n$/); // the environment by name
    const raw = scimctlPty(t.db, ['org', 'list'], { NO_COLOR: '1', FORCE_COLOR: undefined });
    const plain = await raw.exit();
    expect(plain.exitCode).toBe(0);
    expect(plain.screen).toBe(coloured.screen);
    expect(raw.raw()).not.toContain(ESC);
  });

  test('a terminal shows errors in colour', async () => {
    const session = scimctlPty(t.db, ['env', 'show', 'nope'], colourAllowed);
    const ended = await session.exit();
    expect(ended.exitCode).toBe(1);
    expect(session.raw()).toContain(`${ESC}[31merror:${ESC}[39m no environment "nope"`);
  });
});

describe.concurrent('where the database lives', () => {
  const temp = useTempDbs();
  // No SCIMCTL_DB or XDG_DATA_HOME from the machine running the tests.
  const clean = { SCIMCTL_DB: undefined, XDG_DATA_HOME: undefined };

  test('SCIMCTL_DB names the database, and --db beats it', async () => {
    const t = temp();
    const fromEnv = join(t.dir, 'from-env', 'env.db');
    const created = await scimctlRaw(['env', 'create', 'dev', '--json'], { env: { ...clean, SCIMCTL_DB: fromEnv } });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(existsSync(fromEnv)).toBe(true);
    const listed = await scimctlRaw(['env', 'list', '--json'], { env: { ...clean, SCIMCTL_DB: fromEnv } });
    expect(JSON.parse(listed.stdout)).toEqual([JSON.parse(created.stdout)]);
    const flag = join(t.dir, 'flag.db');
    expect(await scimctlRaw(['--db', flag, 'env', 'create', 'other', '--json'], { env: { ...clean, SCIMCTL_DB: fromEnv } })).toMatchObject({ exitCode: 0, stderr: '' });
    expect(existsSync(flag)).toBe(true);
    const fromFlag = await scimctlRaw(['--db', flag, 'env', 'list', '--json'], { env: { ...clean, SCIMCTL_DB: fromEnv } });
    expect(JSON.parse(fromFlag.stdout)).toMatchObject([{ name: 'other' }]);
  });

  test('by default it is scimctl/scimctl.db in XDG_DATA_HOME, whose missing folders are made', async () => {
    const t = temp();
    const home = join(t.dir, 'home');
    const xdg = join(t.dir, 'x', 'data');
    expect(await scimctlRaw(['env', 'create', 'dev'], { env: { ...clean, HOME: home, XDG_DATA_HOME: xdg } })).toMatchObject({ exitCode: 0 });
    expect(readdirSync(join(xdg, 'scimctl'))).toEqual(['scimctl.db']);
    expect(existsSync(home)).toBe(false);
  });

  test('without XDG_DATA_HOME (or with a relative one, which the spec says to ignore) it is ~/.local/share/scimctl/scimctl.db', async () => {
    const t = temp();
    const home = join(t.dir, 'home');
    const cwd = join(t.dir, 'cwd');
    mkdirSync(cwd);
    // A real process: the relative XDG_DATA_HOME must not be resolved against its working folder.
    expect(await spawnScimctlRaw(['env', 'create', 'dev'], { env: { ...clean, HOME: home }, cwd })).toMatchObject({ exitCode: 0 });
    expect(existsSync(join(home, '.local', 'share', 'scimctl', 'scimctl.db'))).toBe(true);
    const again = await spawnScimctlRaw(['env', 'list', '--json'], { env: { ...clean, HOME: home, XDG_DATA_HOME: 'relative' }, cwd });
    expect(JSON.parse(again.stdout)).toMatchObject([{ name: 'dev' }]);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
