import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { memoryIo } from '../helpers/memory-io.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

/** `serve --env` / `--directory`: one serve answers for a chosen subset of the database's directories. */

interface Made {
  id: string;
  token: string;
}
interface Ready {
  url: string;
  directories: { id: string; name: string | null; token?: string }[];
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

/** Two environments: dev with directories a and b, prod with c. */
async function threeDirectories(db: string): Promise<Record<'a' | 'b' | 'c', Made>> {
  for (const env of ['dev', 'prod']) {
    await scimctlJson(db, ['env', 'create', env]);
    await scimctlJson(db, ['org', 'create', '--env', env, '--name', `${env} org`, '--external-id', `${env}-org`]);
  }
  const make = (org: string, name: string) => scimctlJson<Made>(db, ['directory', 'create', '--org', org, '--name', name]);
  return { a: await make('dev-org', 'a'), b: await make('dev-org', 'b'), c: await make('prod-org', 'c') };
}

/** Runs serve in-process until `check` is done with its ready output. */
async function serving(db: string, args: string[], check: (out: string, err: string) => Promise<void>): Promise<void> {
  const run = memoryIo();
  const exit = runCli(['--db', db, 'serve', '--port', '0', ...args], run.io);
  await until(() => run.stderr().includes('Ctrl-C') || run.stdout().includes('\n'));
  try {
    await check(run.stdout(), run.stderr());
  } finally {
    run.stop();
    expect(await exit).toBe(0);
  }
}

const users = async (url: string, dir: string, token: string) => {
  const res = await fetch(`${url}/scim/v2/${dir}/Users`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.text() };
};

describe('serve --env / --directory', () => {
  const temp = useTempDbs();

  test('only the chosen directories answer; the others answer exactly like an unknown directory', async () => {
    const t = temp();
    const d = await threeDirectories(t.db);
    await serving(t.db, ['--json', '--env', 'dev'], async (out) => {
      const ready = JSON.parse(out) as Ready;
      expect(ready.directories.map((x) => x.name)).toEqual(['a', 'b']);
      expect((await users(ready.url, d.a.id, d.a.token)).status).toBe(200);
      expect((await users(ready.url, d.b.id, d.b.token)).status).toBe(200);
      const outside = await users(ready.url, d.c.id, d.c.token);
      const unknown = await users(ready.url, 'scim_directory_nosuch', d.c.token);
      expect(outside.status).toBe(401);
      expect(outside.body).toBe(unknown.body);
    });
  });

  test('--directory (by id or name) is repeatable and adds to --env; the human ready table lists only those', async () => {
    const t = temp();
    const d = await threeDirectories(t.db);
    await serving(t.db, ['--directory', 'c', '--directory', d.a.id], async (out, err) => {
      expect(err).toContain("Serving 2 of the database's 3 directories (--env/--directory); the others answer 401.\n");
      expect(out).toContain(d.a.id);
      expect(out).toContain(d.c.id);
      expect(out).not.toContain(d.b.id);
    });
    await serving(t.db, ['--json', '--env', 'prod', '--directory', 'a'], async (out) => {
      expect((JSON.parse(out) as Ready).directories.map((x) => x.name)).toEqual(['a', 'c']);
    });
  });

  test('--rotate-token rotates only what is served', async () => {
    const t = temp();
    const d = await threeDirectories(t.db);
    await serving(t.db, ['--json', '--rotate-token', '--directory', 'b'], async (out) => {
      const ready = JSON.parse(out) as Ready;
      expect(ready.directories).toHaveLength(1);
      expect(ready.directories[0]!.token).toMatch(/^scimctl_/);
    });
    // The unserved directories kept their tokens: a full serve accepts them; b's old token is gone.
    await serving(t.db, ['--json'], async (out) => {
      const ready = JSON.parse(out) as Ready;
      expect((await users(ready.url, d.a.id, d.a.token)).status).toBe(200);
      expect((await users(ready.url, d.c.id, d.c.token)).status).toBe(200);
      expect((await users(ready.url, d.b.id, d.b.token)).status).toBe(401);
    });
  });

  test('an unknown reference, or an environment with no directories, fails before anything listens', async () => {
    const t = temp();
    await threeDirectories(t.db);
    const missing = await scimctl(t.db, ['serve', '--port', '0', '--directory', 'nosuch']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nosuch/);
    await scimctlJson(t.db, ['env', 'create', 'empty']);
    const empty = await scimctl(t.db, ['serve', '--port', '0', '--env', 'empty']);
    expect(empty).toMatchObject({ exitCode: 1, stdout: '' });
    expect(empty.stderr).toContain('error: environment "empty" has no SCIM directories to serve\n');
  });
});
