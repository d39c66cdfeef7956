import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { VERSION } from '../../src/core/version.js';
import { scimctl, scimctlRaw, useTempDbs } from '../helpers/cli.js';
import { memoryIo, type MemoryIo } from '../helpers/memory-io.js';

/** runCli takes everything from its io: these would fail if a command reached for the process. */

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;
const temp = useTempDbs();

/** Resolves once `read()` satisfies `done`; the run stays in this process, so poll. */
async function until(read: () => string, done: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const started = Date.now();
  while (!done(read())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return read();
}

function start(args: string[], run: MemoryIo = memoryIo()): MemoryIo & { exited: Promise<number> } {
  return { ...run, exited: runCli(args, run.io) };
}

describe('runCli writes only to its io', () => {
  const spies = [vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write')];
  afterEach(() => spies.forEach((spy) => spy.mockClear()));
  afterAll(() => spies.forEach((spy) => spy.mockRestore()));

  it('help, version and usage errors (commander output) go to io', async () => {
    const help = await scimctlRaw(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: scimctl \[options\] \[command\]\n/);
    expect(help.stderr).toBe('');
    expect(await scimctlRaw(['--version'])).toEqual({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await scimctlRaw(['frobnicate'])).toEqual({ exitCode: 2, stdout: '', stderr: "error: unknown command 'frobnicate'\nRun with --help for usage\n" });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('export writes the fixture to io.stdout', async () => {
    const t = temp();
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    const exported = await scimctl(t.db, ['export', 'demo']);
    expect(exported.exitCode).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ version: 1 });
    expect(exported.stderr).toMatch(/^Exported 1 organization, 1 directory, 6 users, 4 groups\n$/);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('runCli reads only from its io', () => {
  it('seed - reads the fixture from io.stdin', async () => {
    const t = temp();
    const piped = await scimctl(t.db, ['seed', '-', '--json'], { input: readFileSync(ACME, 'utf8') });
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ file: 'stdin', dryRun: false });
    const empty = await scimctl(t.db, ['seed', '-']);
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toMatch(/^error: - is not valid JSON: /);
  });

  it('the database and config paths come from io.env', async () => {
    const t = temp();
    const env = { SCIMCTL_DB: `${t.dir}/env.db`, SCIMCTL_CONFIG: `${t.dir}/config.json`, NGROK_AUTHTOKEN: undefined };
    expect((await scimctlRaw(['env', 'create', 'dev'], { env })).exitCode).toBe(0);
    expect((await scimctlRaw(['config', 'set', 'ngrok-authtoken', 'token_0123456789abcdef'], { env })).stderr).toBe(`Saved ngrok-authtoken to ${t.dir}/config.json (readable only by you)\n`);
    const fromEnv = await scimctlRaw(['config', 'get', 'ngrok-authtoken', '--json'], { env: { ...env, NGROK_AUTHTOKEN: 'other_token_0123456789' } });
    expect(JSON.parse(fromEnv.stdout)).toEqual({ key: 'ngrok-authtoken', value: '********6789', source: 'env' });
    expect(JSON.parse((await scimctlRaw(['env', 'list', '--json'], { env })).stdout)).toMatchObject([{ name: 'dev' }]);
  });
});

describe('runCli stops when its io says so', () => {
  it('log list --follow ends on a stop request, exit 0', async () => {
    const t = temp();
    await scimctl(t.db, ['env', 'create', 'dev']);
    const run = start(['--db', t.db, 'log', 'list', '--follow', '--json']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    run.stop();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('');
  });

  it('serve prints its ready line, then shuts down on a stop request, exit 0', async () => {
    const t = temp();
    const run = start(['--db', t.db, 'serve', '--port', '0', '--json']);
    const ready = JSON.parse(await until(run.stdout, (text) => text.endsWith('\n'))) as { url: string; directories: { token?: string }[] };
    expect(ready.directories[0]!.token).toMatch(/^scimctl_sk_/);
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    run.stop();
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toBe('');
    await expect(fetch(`${ready.url}/healthz`)).rejects.toThrow();
  });
});
