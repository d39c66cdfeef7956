import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, scimctl, tempDb } from '../helpers/cli.js';

/**
 * `scimctl serve --tunnel` as users run it. SCIMCTL_TUNNEL=local swaps ngrok for the loopback fake
 * (same public app, same second listener); the failure paths use the REAL ngrok adapter, offline.
 */

interface Ready {
  url: string;
  publicUrl: string | null;
  tunnel: { provider: string; domain: string | null; allowCidrs: string[] } | null;
  directories: { id: string; baseUrl: string; token?: string }[];
}

let tmp: ReturnType<typeof tempDb>;
let env: Record<string, string>;
const children: ResultPromise[] = [];

beforeEach(() => {
  tmp = tempDb();
  // Never the developer's own config or token, nor the ngrok agent's (found from HOME and XDG_CONFIG_HOME).
  env = { SCIMCTL_CONFIG: `${tmp.dir}/config/config.json`, NGROK_AUTHTOKEN: '', SCIMCTL_TUNNEL: '', HOME: tmp.dir, XDG_CONFIG_HOME: `${tmp.dir}/xdg` };
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  tmp.cleanup();
});

function spawnServe(args: string[], extraEnv: Record<string, string> = {}) {
  const child = execa('node', [BIN, '--db', tmp.db, 'serve', ...args], { reject: false, env: { NO_COLOR: '1', ...env, ...extraEnv }, stdin: 'ignore' });
  children.push(child);
  return child;
}

/** The --json ready line (stdout's first line), or the failure if serve exits first. */
function readyLine(child: ResultPromise): Promise<Ready> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Ready);
    });
    void child.then((r) => reject(new Error(`serve exited ${r.exitCode}: ${String(r.stderr)}`)));
  });
}

/** serve in this process, for runs that end before anything would need a signal. */
const serveInProcess = (args: string[], extraEnv: Record<string, string> = {}) => scimctl(tmp.db, ['serve', ...args], { env: { ...env, ...extraEnv } });

const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('serve --tunnel (SCIMCTL_TUNNEL=local)', () => {
  it('puts the public URL in the ready line and in `directory show` while up; SIGTERM shuts down cleanly', async () => {
    const child = spawnServe(['--tunnel', '--port', '0', '--json'], { SCIMCTL_TUNNEL: 'local' });
    const ready = await readyLine(child);
    expect(ready.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.publicUrl).not.toBe(ready.url);
    expect(ready.tunnel).toEqual({ provider: 'local', domain: null, allowCidrs: [] });
    const [dir] = ready.directories;
    expect(dir!.baseUrl).toBe(`${ready.publicUrl}/scim/v2/${dir!.id}`);
    expect(dir!.token).toMatch(/^scimctl_/); // the default directory was just made

    const users = await fetch(`${dir!.baseUrl}/Users`, { headers: { authorization: `Bearer ${dir!.token}` } });
    expect(users.status).toBe(200);
    expect((await fetch(`${ready.publicUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);

    const show = await scimctl(tmp.db, ['directory', 'show', dir!.id], { env });
    expect(show.stdout).toContain(`Base URL:     ${ready.publicUrl}/scim/v2/${dir!.id}`);

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    noStackTrace(String(result.stderr));
    const after = await scimctl(tmp.db, ['directory', 'show', dir!.id, '--json'], { env });
    expect(JSON.parse(after.stdout).baseUrl).not.toContain(ready.publicUrl);
  });

  it('--allow-cidr and --domain reach the ready line', async () => {
    const child = spawnServe(['--tunnel', '--port', '0', '--json', '--allow-cidr', '203.0.113.0/24', '--allow-cidr', '2001:db8::/32', '--domain', 'scim-dev.ngrok.app'], { SCIMCTL_TUNNEL: 'local' });
    const ready = await readyLine(child);
    expect(ready.tunnel).toEqual({ provider: 'local', domain: 'scim-dev.ngrok.app', allowCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(0);
  });

  it('a local port already in use: exit 1, one line, nothing left running', async () => {
    const blocker = await occupy();
    const port = (blocker.address() as AddressInfo).port;
    const result = await serveInProcess(['--tunnel', '--port', String(port)], { SCIMCTL_TUNNEL: 'local' });
    blocker.close();
    expect(result.exitCode).toBe(1);
    expect(String(result.stderr)).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
    noStackTrace(String(result.stderr));
  });

  it.each([
    [['--tunnel', '--allow-cidr', '10.0.0.0/33'], 'error: invalid --allow-cidr "10.0.0.0/33": expected an IP range in CIDR notation'],
    [['--tunnel', '--allow-cidr', '10.1.2.3'], 'error: invalid --allow-cidr "10.1.2.3"'],
    [['--tunnel', '--domain', 'not a domain'], 'error: invalid --domain "not a domain"'],
    [['--allow-cidr', '10.0.0.0/8'], 'error: --allow-cidr needs --tunnel'],
    [['--public-api'], 'error: --public-api needs --tunnel (the local listener always serves the app API)'],
    [['--tunnel', '--public-url', 'https://x.example'], 'error: --public-url and --tunnel both set the public URL'],
  ])('usage error for %j: exit 2', async (args, message) => {
    const result = await serveInProcess([...args, '--port', '0'], { SCIMCTL_TUNNEL: 'local' });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(message);
    noStackTrace(String(result.stderr));
  });
});

describe('serve --tunnel with the real ngrok adapter, offline', () => {
  it('no authtoken (neither NGROK_AUTHTOKEN nor config): exit 1 before anything listens', async () => {
    const result = await serveInProcess(['--tunnel', '--port', '0']);
    expect(result.exitCode).toBe(1);
    expect(String(result.stderr)).toBe(
      'error: no ngrok authtoken: set NGROK_AUTHTOKEN, run `scimctl config set ngrok-authtoken`, or `ngrok config add-authtoken <token>`\n' +
        `Get one at https://dashboard.ngrok.com/get-started/your-authtoken (a free account works); \`scimctl --db ${tmp.db} serve\` without --tunnel needs none\n`,
    );
  });

  it('a bogus authtoken: one line saying ngrok is unreachable (or, online, that it rejected the token), within the timeout', async () => {
    const token = 'bogus_authtoken_0123456789abcdef';
    const started = Date.now();
    const result = await spawnServe(['--tunnel', '--port', '0'], { NGROK_AUTHTOKEN: token });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.exitCode).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).toMatch(/error: (could not reach the ngrok service \(.+\)|ngrok rejected the authtoken \(from NGROK_AUTHTOKEN\) \(ERR_NGROK_10\d\))\n/);
    expect(`${String(result.stdout)}${stderr}`).not.toContain(token);
    noStackTrace(stderr);
  }, 25_000);

  it('an ngrok ingress that never answers: gives up after the connect timeout and exits', async () => {
    const silent = await occupy();
    const started = Date.now();
    const result = await spawnServe(['--tunnel', '--port', '0'], {
      NGROK_AUTHTOKEN: 'bogus_authtoken_0123456789abcdef',
      SCIMCTL_NGROK_SERVER_ADDR: `127.0.0.1:${(silent.address() as AddressInfo).port}`,
      SCIMCTL_NGROK_CONNECT_TIMEOUT_MS: '1000',
    });
    silent.close();
    expect(result.exitCode).toBe(1);
    expect(String(result.stderr)).toContain('error: could not reach the ngrok service (no answer within 1 s)');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it("with neither, uses the ngrok agent's own ngrok.yml, says so, and never prints the token", async () => {
    const token = 'agent_authtoken_0123456789abcdef';
    const yml = join(tmp.dir, 'xdg', 'ngrok', 'ngrok.yml');
    mkdirSync(dirname(yml), { recursive: true });
    writeFileSync(yml, `version: "3"\nagent:\n  authtoken: ${token}\n`);
    const silent = await occupy();
    const result = await spawnServe(['--tunnel', '--port', '0'], {
      SCIMCTL_NGROK_SERVER_ADDR: `127.0.0.1:${(silent.address() as AddressInfo).port}`,
      SCIMCTL_NGROK_CONNECT_TIMEOUT_MS: '1000',
    });
    silent.close();
    const stderr = String(result.stderr);
    expect(result.exitCode).toBe(1);
    expect(stderr).toContain(`Opening the ngrok tunnel (authtoken from ngrok's config file ${yml})…\n`);
    expect(`${String(result.stdout)}${stderr}`).not.toContain(token);
  }, 15_000);

  it('uses the authtoken stored with `config set` (never printing it)', async () => {
    const token = 'stored_authtoken_0123456789abcdef';
    expect((await scimctl(tmp.db, ['config', 'set', 'ngrok-authtoken'], { env, input: `${token}\n` })).exitCode).toBe(0);
    const result = await spawnServe(['--tunnel', '--port', '0', '--debug']);
    expect(result.exitCode).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).not.toContain('no ngrok authtoken');
    expect(stderr).toMatch(/error: (could not reach the ngrok service|ngrok rejected the authtoken \(from the config file )/);
    expect(`${String(result.stdout)}${stderr}`).not.toContain(token);
  }, 25_000);
});

describe('serve --tunnel through a real ngrok tunnel', () => {
  const token = process.env.NGROK_AUTHTOKEN;
  it.skipIf(!token)(`serves SCIM on a public https URL${token ? '' : ' — skipped: NGROK_AUTHTOKEN is not set'}`, async () => {
    const child = spawnServe(['--tunnel', '--port', '0', '--json'], { NGROK_AUTHTOKEN: token! });
    const ready = await readyLine(child);
    expect(ready.publicUrl).toMatch(/^https:\/\//);
    const [dir] = ready.directories;
    const probe = await fetch(`${dir!.baseUrl}/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`, {
      headers: { authorization: `Bearer ${dir!.token}`, 'ngrok-skip-browser-warning': '1' },
    });
    expect(probe.status).toBe(200);
    expect((await fetch(`${ready.publicUrl}/healthz`, { headers: { 'ngrok-skip-browser-warning': '1' } })).status).toBe(404);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  }, 30_000);
});

/** A TCP port that accepts connections and never answers (also: a port in use). */
function occupy(): Promise<Server> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => (sockets.forEach((s) => s.destroy()), close(cb));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
