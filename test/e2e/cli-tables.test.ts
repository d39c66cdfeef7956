import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { displayWidth } from '../../src/cli/width.js';
import { memoryIo } from '../helpers/memory-io.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

/** Tables as people read them: parent names, cut to a terminal's width (never when piped), --follow aligned. */

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

/** A run whose stdout is a terminal `columns` wide (stdin is not, so nothing prompts). */
async function onTerminal(db: string, args: string[], columns: number) {
  const run = memoryIo();
  Object.defineProperty(run.io.stdout, 'isTTY', { value: true });
  Object.defineProperty(run.io.stdout, 'columns', { value: columns });
  const exitCode = await runCli(['--db', db, ...args], run.io);
  return { exitCode, stdout: run.stdout(), stderr: run.stderr() };
}

async function acme(db: string) {
  await scimctlJson(db, ['env', 'create', 'staging']);
  const org = await scimctlJson<{ id: string }>(db, ['org', 'create', '--env', 'staging', '--name', 'Acme 日本 🎉 with a rather long name that goes on', '--external-id', 'acme']);
  const dir = await scimctlJson<{ id: string; baseUrl: string }>(db, ['directory', 'create', '--org', 'acme', '--name', 'Entra']);
  return { org, dir };
}

describe('list tables', () => {
  const temp = useTempDbs();

  test('org list names the environment, directory list the organization (--json keeps the ids)', async () => {
    const t = temp();
    const { org } = await acme(t.db);
    const orgs = await scimctl(t.db, ['org', 'list']);
    expect(orgs.stdout.split('\n')[0]).toMatch(/ENVIRONMENT$/);
    expect(orgs.stdout.split('\n')[1]).toMatch(/ staging$/);
    const dirs = await scimctl(t.db, ['directory', 'list']);
    expect(dirs.stdout).toContain('  Acme 日本 🎉 with a rather long name that goes on  ');
    expect((await scimctlJson<{ organizationId: string }[]>(t.db, ['directory', 'list']))[0]!.organizationId).toBe(org.id);
  });

  test('directory show and org show name their parents beside their ids (--json keeps the ids)', async () => {
    const t = temp();
    const { org, dir } = await acme(t.db);
    const envId = (await scimctlJson<{ id: string }[]>(t.db, ['env', 'list']))[0]!.id;
    const shown = (await scimctl(t.db, ['directory', 'show', dir.id])).stdout;
    expect(shown).toMatch(new RegExp(`^Organization: +Acme 日本 🎉 with a rather long name that goes on \\(${org.id}\\)$`, 'm'));
    expect(shown).toMatch(new RegExp(`^Environment: +staging \\(${envId}\\)$`, 'm'));
    expect((await scimctl(t.db, ['org', 'show', org.id])).stdout).toMatch(new RegExp(`^Environment: +staging \\(${envId}\\)$`, 'm'));
    expect((await scimctlJson<{ organizationId: string }>(t.db, ['directory', 'show', dir.id])).organizationId).toBe(org.id);
  });

  test('on a terminal, long cells are cut to its width; ids and base URLs never are; piped, nothing is cut', async () => {
    const t = temp();
    const { dir } = await acme(t.db);
    const narrow = await onTerminal(t.db, ['directory', 'list'], 100);
    expect(narrow.exitCode).toBe(0);
    const lines = narrow.stdout.trimEnd().split('\n');
    const needed = dir.id.length + 'Entra'.length + 'ORGANIZATION'.length + 'PRIMARY'.length + dir.baseUrl.length + 8;
    expect(lines[1]).toContain(dir.id);
    expect(lines[1]).toContain(dir.baseUrl);
    expect(lines[1]).toMatch(/Acme 日本 .*…/);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(Math.max(100, needed));
    // The headers stay above their columns, by display width.
    expect(lines[0]!.indexOf('BASE URL')).toBe(displayWidth(lines[1]!.slice(0, lines[1]!.indexOf(dir.baseUrl))));
    const piped = await scimctl(t.db, ['directory', 'list']);
    expect(piped.stdout).toContain('Acme 日本 🎉 with a rather long name that goes on');
    expect(piped.stdout).not.toContain('…');
  });
});

describe('log list --follow', () => {
  const temp = useTempDbs();

  /** A database with three logged requests (one to a long path) to directory `dir`. */
  async function logged(db: string) {
    const { dir } = await acme(db);
    const serve = memoryIo();
    const serving = runCli(['--db', db, 'serve', '--port', '0', '--json', '--quiet'], serve.io);
    await until(() => serve.stdout().includes('\n'));
    const { url } = JSON.parse(serve.stdout()) as { url: string };
    for (const path of ['/Users', '/Groups?filter=displayName%20eq%20%22x%22', '/Users/a-rather-long-resource-id-that-does-not-exist']) {
      await fetch(`${url}/scim/v2/${dir.id}${path}`, { headers: { authorization: 'Bearer wrong' } });
    }
    serve.stop();
    expect(await serving).toBe(0);
  }

  async function follow(db: string, columns?: number): Promise<string[]> {
    const run = memoryIo();
    if (columns) {
      Object.defineProperty(run.io.stdout, 'isTTY', { value: true });
      Object.defineProperty(run.io.stdout, 'columns', { value: columns });
    }
    const following = runCli(['--db', db, 'log', 'list', '--follow'], run.io);
    await until(() => run.stdout().split('\n').length > 4);
    run.stop();
    expect(await following).toBe(0);
    return run.stdout().trimEnd().split('\n');
  }

  test('prints a header and keeps every row in fixed columns (piped: nothing cut)', async () => {
    const t = temp();
    await logged(t.db);
    const lines = await follow(t.db);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ID +TIME +METHOD +PATH +STATUS +DURATION +ERROR$/);
    const statusAt = lines[0]!.indexOf('STATUS');
    for (const line of lines.slice(1)) expect(line.slice(statusAt, statusAt + 3)).toBe('401');
  });

  test('on a terminal: rows fit its width, the path cut, the columns still aligned', async () => {
    const t = temp();
    await logged(t.db);
    const lines = await follow(t.db, 120);
    expect(lines[0]).toMatch(/^ID +TIME +METHOD +PATH +STATUS +DURATION +ERROR$/);
    const statusAt = lines[0]!.indexOf('STATUS');
    for (const line of lines.slice(1)) {
      expect(displayWidth(line)).toBeLessThanOrEqual(120);
      expect(line.slice(statusAt, statusAt + 3)).toBe('401');
    }
    expect(lines[3]).toContain('…');
  });
});
