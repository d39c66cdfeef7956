import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { scimctlJson, tempDb } from '../helpers/cli.js';
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
