import Database from 'better-sqlite3';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context } from '../../src/cli/context.js';
import type { CliIo, CliOutput } from '../../src/cli/io.js';
import { runServe } from '../../src/cli/serve-run.js';
import type { ServeOptions } from '../../src/cli/serve-flags.js';
import { CliError } from '../../src/core/errors.js';
import { openStore, SERVING_CACHE_KIB } from '../../src/store/store.js';
import { LocalTunnel } from '../../src/tunnel/local.js';
import type { Tunnel } from '../../src/tunnel/tunnel.js';
import { tempDb } from '../helpers/cli.js';

/**
 * serve --tunnel in-process, with the local fake: the same public app and second listener ngrok
 * would forward to, reached over real HTTP on loopback.
 */

const SCIM_JSON = 'application/scim+json';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

class Capture {
  text = '';
  isTTY = false;
  private waiters: (() => void)[] = [];
  write(chunk: string | Uint8Array): boolean {
    this.text += String(chunk);
    this.waiters.splice(0).forEach((w) => w());
    return true;
  }
  async until(predicate: (text: string) => boolean): Promise<string> {
    while (!predicate(this.text)) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.text;
  }
}

interface Running {
  ctx: Context;
  stdout: Capture;
  stderr: Capture;
  stop: () => Promise<void>;
  done: Promise<void>;
}

let tmp: ReturnType<typeof tempDb>;
let directories: { id: string; token: string }[];

beforeEach(async () => {
  tmp = tempDb();
  const store = openStore(tmp.db);
  const env = store.environments.create({ name: 'development', publicUrl: 'http://localhost:8080' });
  const org = store.organizations.create({ environmentId: env.id, name: 'Contoso', domains: [] });
  directories = [];
  for (const name of ['Entra', 'Okta']) {
    const { directory, token } = store.directories.create({ organizationId: org.id, name });
    directories.push({ id: directory.id, token });
  }
  store.close();
});
afterEach(() => tmp.cleanup());

function serve(options: Partial<ServeOptions> & { json?: boolean }, tunnel: Tunnel = new LocalTunnel()): Running {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = { stdin: process.stdin, stdout: stdout as unknown as CliOutput, stderr: stderr as unknown as CliOutput, env: { ...process.env }, onStop: () => () => {} };
  const ctx = new Context({ db: tmp.db, json: options.json ?? false }, io, { createsDatabase: true });
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const done = runServe(ctx, { port: '0', host: '127.0.0.1', tunnel: true, quiet: true, ...options }, { stop: stopped, tunnel }).finally(() => ctx.close());
  done.catch(() => undefined);
  return { ctx, stdout, stderr, done, stop: async () => (stop(), await done) };
}

async function readyJson(run: Running) {
  const text = await Promise.race([run.stdout.until((t) => t.includes('\n')), run.done.then(() => { throw new Error(run.stderr.text); })]);
  return JSON.parse(text) as { url: string; publicUrl: string; tunnel: { provider: string }; directories: { id: string; baseUrl: string; token?: string }[] };
}

function scim(token: string) {
  return async (url: string, method = 'GET', body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': SCIM_JSON } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
}

describe('serve --tunnel (local fake, real public app)', () => {
  it('prints the public Tenant URL of every directory, the token hint and the Entra steps', async () => {
    const run = serve({});
    // The data (base URLs, tokens) is on stdout; the banner and hints, last of all, on stderr.
    const hints = await run.stderr.until((t) => t.includes('Ctrl-C'));
    const text = run.stdout.text + hints;
    const publicUrl = /Public URL: (\S+)/.exec(text)![1]!;
    expect(publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const d of directories) expect(text).toContain(`${publicUrl}/scim/v2/${d.id}`);
    expect(text).toContain('token rotate <directory>');
    expect(text).toContain('Provisioning → New configuration');
    expect(text).toContain('?aadOptscim062020');
    expect(text).not.toContain('Secret token: scimctl_'); // existing tokens are never reprinted
    await run.stop();
  });

  it('--rotate-token prints a fresh Tenant URL + Secret token per directory and retires the old ones', async () => {
    const run = serve({ rotateToken: true });
    // The data (base URLs, tokens) is on stdout; the banner and hints, last of all, on stderr.
    const hints = await run.stderr.until((t) => t.includes('Ctrl-C'));
    const text = run.stdout.text + hints;
    const publicUrl = /Public URL: (\S+)/.exec(text)![1]!;
    for (const d of directories) {
      const block = new RegExp(`${d.id}\\nTenant URL: +(\\S+)\\nSecret token: (\\S+)`).exec(text);
      expect(block?.[1]).toBe(`${publicUrl}/scim/v2/${d.id}`);
      expect((await scim(block![2]!)(`${block![1]}/Users`)).status).toBe(200);
      expect((await scim(d.token)(`${block![1]}/Users`)).status).toBe(401);
    }
    await run.stop();
  });

  it('runs a full provisioning round through the public side', async () => {
    const run = serve({ json: true });
    const ready = await readyJson(run);
    const [dir] = directories;
    const base = ready.directories.find((d) => d.id === dir!.id)!.baseUrl;
    expect(base).toBe(`${ready.publicUrl}/scim/v2/${dir!.id}`);
    expect(run.ctx.store.cacheSizeKib()).toBe(SERVING_CACHE_KIB);
    const call = scim(dir!.token);

    // Entra's Test connection: a filter that matches nothing is 200 with an empty list.
    const probe = await call(`${base}/Users?filter=${encodeURIComponent('userName eq "0f1e2d3c-none"')}`);
    expect(probe).toMatchObject({ status: 200, body: { totalResults: 0, Resources: [] } });

    const created = await call(`${base}/Users`, 'POST', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'alice@contoso.com',
      externalId: 'alice',
      active: true,
      name: { givenName: 'Alice', familyName: 'Example' },
    });
    expect(created.status).toBe(201);
    const userId = created.body!.id as string;
    expect(created.body!.meta.location).toBe(`${base}/Users/${userId}`);

    const found = await call(`${base}/Users?filter=${encodeURIComponent('userName eq "ALICE@contoso.com"')}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });

    const patched = await call(`${base}/Users/${userId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body!.active).toBe(false);

    const group = await call(`${base}/Groups`, 'POST', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', externalId: 'g1' });
    expect(group.status).toBe(201);
    const add = await call(`${base}/Groups/${group.body!.id}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    expect(add.status).toBe(204);
    const read = await call(`${base}/Groups/${group.body!.id}`);
    expect(read.body!.members).toEqual([expect.objectContaining({ value: userId })]);

    // The same Tenant URL with Entra's flag still routes.
    expect((await call(`${base}?aadOptscim062020/Users?filter=${encodeURIComponent('userName eq "alice@contoso.com"')}`)).body).toMatchObject({ totalResults: 1 });
    await run.stop();
  });

  it('serves /healthz on loopback only: 404 with a SCIM Error body on the public side', async () => {
    const run = serve({ json: true });
    const ready = await readyJson(run);
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    const pub = await fetch(`${ready.publicUrl}/healthz`);
    expect(pub.status).toBe(404);
    expect(await pub.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    await run.stop();
  });

  it('serves the app API on loopback only, unless --public-api puts it on the public URL too', async () => {
    const store = openStore(tmp.db);
    const env = store.environments.list()[0]!;
    const key = store.apiKeys.create({ environmentId: env.id, management: false }).key;
    store.close();
    const usersOf = (origin: string) =>
      fetch(`${origin}/v1/scim/users?scimDirectoryId=${directories[0]!.id}`, { headers: { authorization: `Bearer ${key}` } });

    const local = serve({ json: true });
    const ready = (await readyJson(local)) as Awaited<ReturnType<typeof readyJson>> & { appApiUrl: string };
    expect(ready.appApiUrl).toBe(ready.url);
    expect(await (await usersOf(ready.url)).json()).toEqual({ scimUsers: [], nextPageToken: '' });
    expect((await usersOf(ready.publicUrl)).status).toBe(404);
    await local.stop();

    const exposed = serve({ json: true, publicApi: true });
    const shown = (await readyJson(exposed)) as Awaited<ReturnType<typeof readyJson>> & { appApiUrl: string };
    expect(shown.appApiUrl).toBe(shown.publicUrl);
    expect((await usersOf(shown.publicUrl)).status).toBe(200);
    await exposed.stop();
  });

  it('shows the public URL in base URLs elsewhere while up, and no longer after shutdown', async () => {
    const run = serve({ json: true });
    const ready = await readyJson(run);
    const other = openStore(tmp.db);
    try {
      const baseUrls = async () => other.directories.list().map((d) => d.baseUrl).sort();
      expect(await baseUrls()).toEqual(directories.map((d) => `${ready.publicUrl}/scim/v2/${d.id}`).sort());
      await run.stop();
      expect(await baseUrls()).toEqual(directories.map((d) => `http://localhost:8080/scim/v2/${d.id}`).sort());
    } finally {
      other.close();
    }
    await expect(fetch(`${ready.publicUrl}/healthz`)).rejects.toThrow(); // the public listener is closed
  });

  it('prints tunnel status changes as they happen; the local server keeps running', async () => {
    const tunnel = new LocalTunnel();
    const run = serve({ json: true }, tunnel);
    const ready = await readyJson(run);
    tunnel.simulate({ status: 'reconnecting', message: 'connection reset by peer' });
    await run.stderr.until((t) => t.includes('reconnecting'));
    expect(run.stderr.text).toContain('connection to ngrok lost (connection reset by peer)');
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    tunnel.simulate({ status: 'connected', message: 'reconnected', url: ready.publicUrl });
    await run.stderr.until((t) => t.includes('tunnel: reconnected'));
    tunnel.simulate({ status: 'closed', message: 'stopped from the ngrok dashboard or API' });
    await run.stderr.until((t) => t.includes('tunnel: closed'));
    const other = openStore(tmp.db);
    // No public URL any more: base URLs name where the still-running local server listens.
    for (const d of other.directories.list()) expect(d.baseUrl).toBe(`${ready.url}/scim/v2/${d.id}`);
    other.close();
    expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    await run.stop();
  });

  it('a tunnel event while another process holds the database is a notice, not a crash', async () => {
    const tunnel = new LocalTunnel();
    const run = serve({ json: true }, tunnel);
    const ready = await readyJson(run);
    run.ctx.store.setBusyTimeout(50);
    const other = new Database(tmp.db);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      tunnel.simulate({ status: 'closed', message: 'stopped from the ngrok dashboard or API' });
      await run.stderr.until((t) => t.includes('tunnel: closed'));
      expect(run.stderr.text).toContain('could not record the tunnel URL for other scimctl commands: database is locked');
      expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    } finally {
      other.prepare('COMMIT').run();
      other.close();
    }
    await run.stop();
  });
});

describe('serve --tunnel failing at start', () => {
  const failing = (open: Tunnel['open']): Tunnel & { closed: boolean } => ({
    provider: 'local',
    needsAuthtoken: false,
    closed: false,
    open,
    async close() {
      this.closed = true;
    },
    onStatus: () => () => undefined,
  });

  it('fails as a whole: the error propagates, the local port is free again, no default directory was made', async () => {
    const port = await freePort();
    const empty = tempDb();
    tmp.cleanup();
    tmp = empty;
    const run = serve({ port: String(port) }, failing(async () => Promise.reject(new CliError('runtime', 'could not reach the ngrok service (test)'))));
    await expect(run.done).rejects.toThrow('could not reach the ngrok service');
    expect(run.stdout.text).toBe('');
    await expect(listenOnce(port)).resolves.toBeUndefined();
    const store = openStore(tmp.db);
    expect(store.directories.list()).toEqual([]);
    store.close();
  });

  it('a stop while the tunnel is opening cancels cleanly', async () => {
    const tunnel = failing(() => new Promise(() => undefined));
    const run = serve({}, tunnel);
    await run.stderr.until((t) => t.includes('Opening'));
    await expect(run.stop()).rejects.toMatchObject({ kind: 'cancelled' });
    expect(tunnel.closed).toBe(true);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listenOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
