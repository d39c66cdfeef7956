import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, tempDb } from '../helpers/cli.js';

/** `serve --rotate-token`, and the order of a --tunnel shutdown as a person sees it. */

let tmp: ReturnType<typeof tempDb>;
const children: ResultPromise[] = [];
beforeEach(() => (tmp = tempDb()));
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  tmp.cleanup();
});

function serve(args: string[]) {
  const child = execa('node', [BIN, '--db', tmp.db, 'serve', '--port', '0', ...args], {
    reject: false,
    env: { NO_COLOR: '1', SCIMCTL_TUNNEL: 'local', SCIMCTL_CONFIG: `${tmp.dir}/config.json` },
    stdin: 'ignore',
  });
  children.push(child);
  return child;
}

/** Resolves with stdout once it contains `marker`. */
function until(child: ResultPromise, ...markers: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // Both streams, as a terminal shows them: the data is on stdout, the hints on stderr.
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (markers.every((m) => out.includes(m))) resolve(out);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void child.then((r) => reject(new Error(`serve exited ${r.exitCode}: ${String(r.stderr)}`)));
  });
}

type Ready = { url: string; directories: { id: string; baseUrl: string; token?: string }[] };
const status = async (url: string, token: string) => (await fetch(`${url}/Users`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('serve --rotate-token', () => {
  it('prints a new token for every directory at start; the old one stops working', async () => {
    const first = serve(['--json']);
    const [created] = (JSON.parse(await until(first, '\n')) as Ready).directories;
    first.kill('SIGTERM');
    expect((await first).exitCode).toBe(0);

    const second = serve(['--json']);
    const again = JSON.parse(await until(second, '\n')) as Ready;
    expect(again.directories[0]!.token).toBeUndefined(); // tokens are shown only when made
    second.kill('SIGTERM');
    await second;

    const rotated = serve(['--json', '--rotate-token']);
    const ready = JSON.parse(await until(rotated, '\n')) as Ready;
    const dir = ready.directories.find((d) => d.id === created!.id)!;
    expect(dir.token).toMatch(/^scimctl_/);
    expect(dir.token).not.toBe(created!.token);
    expect(await status(dir.baseUrl, dir.token!)).toBe(200);
    expect(await status(dir.baseUrl, created!.token!)).toBe(401);
    rotated.kill('SIGTERM');
    expect((await rotated).exitCode).toBe(0);
  });
});

describe('serve --tunnel shutdown', () => {
  it('Ctrl-C closes the tunnel, then the server; exit 0', async () => {
    const child = serve(['--tunnel', '--rotate-token']);
    const text = await until(child, 'Ctrl-C', 'Secret token: scimctl_');
    expect(text).toMatch(/Tenant URL: +http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/scim_directory_/);
    expect(text).toMatch(/Secret token: scimctl_/);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const stderr = String(result.stderr);
    expect(stderr.indexOf('Shutting down')).toBeGreaterThan(-1);
    expect(stderr.indexOf('Tunnel closed.')).toBeGreaterThan(stderr.indexOf('Shutting down'));
  });
});
