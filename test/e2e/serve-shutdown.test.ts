import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';
import { spawnServe } from '../helpers/serve.js';
import { entraUser } from '../helpers/server.js';

const temp = tempDb();
afterAll(() => temp.cleanup());

describe('serve shutdown', () => {
  it('finishes a request that is in flight when SIGTERM arrives, then exits 0 with the data saved', async () => {
    const serve = await spawnServe(temp.db);
    const [directory] = serve.ready.directories;
    const body = JSON.stringify(entraUser('late'));
    const url = new URL(`${directory!.baseUrl}/Users`);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers: { Authorization: `Bearer ${directory!.token}`, 'Content-Type': 'application/scim+json', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, the signal, then the rest: the request is in flight during shutdown.
      // (agent: false, so the connection closes with the response: a kept-alive one would hold the
      // server until its keep-alive timeout, 5 s, which is not what this test is about.)
      req.write(body.slice(0, 100));
      setTimeout(() => {
        serve.process.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100)), 300);
      }, 200);
    });
    const answered = await response;
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.text).userName).toBe('late@contoso.com');
    const exited = await serve.process;
    expect(exited.exitCode).toBe(0);
    const users = await scimctlJson<{ userName: string }[]>(temp.db, ['user', 'list', '--directory', directory!.id]);
    expect(users.map((u) => u.userName)).toEqual(['late@contoso.com']);
    const log = await scimctlJson<{ method: string; status: number }[]>(temp.db, ['log', 'list']);
    expect(log.map((e) => [e.method, e.status])).toEqual([['POST', 201]]);
  });
});

/** A raw loopback client that sends part of a request and then stalls, holding its socket open. */
function stalledClient(url: string, partial: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(partial);
      resolve(socket);
    });
    socket.on('error', () => undefined); // serve cuts it off; that is the point
    socket.once('error', reject);
  });
}

describe('serve shutdown with a stalled client', () => {
  const temps: ReturnType<typeof tempDb>[] = [];
  afterAll(() => temps.forEach((t) => t.cleanup()));
  const db = () => (temps.push(tempDb()), temps.at(-1)!.db);

  it.each([
    ['half the headers', 'GET /healthz HTTP/1.1\r\nHost: loc'],
    ['half the body', 'POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{"half":'],
  ])('exits 0 within --shutdown-timeout after SIGTERM while a client holds %s', async (_what, partial) => {
    const serve = await spawnServe(db(), ['--shutdown-timeout', '0.5']);
    const socket = await stalledClient(serve.ready.url, partial);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    serve.process.kill('SIGTERM');
    const exited = await serve.process;
    const tookMs = Date.now() - started;
    socket.destroy();
    expect(exited.exitCode).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(400);
    expect(tookMs).toBeLessThan(3000);
  });

  it('stops at once on a second signal, killed by that signal', async () => {
    const serve = await spawnServe(db(), ['--shutdown-timeout', '60']);
    const socket = await stalledClient(serve.ready.url, 'GET /healthz HTTP/1.1\r\nHost: loc');
    serve.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    serve.process.kill('SIGTERM');
    const exited = await serve.process;
    socket.destroy();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(exited.signal).toBe('SIGTERM');
  });

  it('refuses a --shutdown-timeout that is not a number of seconds', async () => {
    const result = await scimctl(db(), ['serve', '--shutdown-timeout', 'soon']);
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'error: invalid --shutdown-timeout "soon": give a number of seconds from 0 to 3600\n' });
  });
});
