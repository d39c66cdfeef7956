import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { createApp } from '../../src/server/app.js';
import { startInternalApp } from '../../src/server/internal-app.js';
import { listen } from '../../src/server/listen.js';
import { baseUrlFor } from '../../src/core/urls.js';
import type { LogEntry } from '../../src/store/index.js';
import { tempDb } from '../helpers/cli.js';

const temp = tempDb();
const store = new Store(temp.db);
afterAll(() => {
  store.close();
  temp.cleanup();
});
const env = store.environments.create({ name: 'test', publicUrl: 'http://localhost:8080' });
const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
const a = store.directories.create({ organizationId: org.id, name: 'a' });
const b = store.directories.create({ organizationId: org.id, name: 'b' });

const get = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}`, 'user-agent': 'Test-Agent/1' } });

describe('the internal app (scimctl trigger)', () => {
  it('accepts its own secret for its one directory, and no other; once closed, its port refuses connections', async () => {
    const logged: LogEntry[] = [];
    const app = await startInternalApp(store, a.directory.id, { onRequest: (entry) => logged.push(entry) });
    expect(app.baseUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/scim/v2/${a.directory.id}$`));
    expect(app.token).not.toBe(a.token);
    expect((await get(`${app.baseUrl}/Users`, app.token)).status).toBe(200);
    // The directory's own token still works; the secret opens no other directory, even one in the same database.
    expect((await get(`${app.baseUrl}/Users`, a.token)).status).toBe(200);
    const other = app.baseUrl.replace(a.directory.id, b.directory.id);
    expect((await get(`${other}/Users`, app.token)).status).toBe(401);
    expect((await get(`${other}/Users`, b.token)).status).toBe(401);
    // SCIM only: no health check, inspector or app API.
    const origin = new URL(app.baseUrl).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBe(404);
    expect((await fetch(`${origin}/v1/organizations`)).status).toBe(404);
    expect(logged.map((e) => [e.status, e.userAgent])).toEqual([[200, 'Test-Agent/1'], [200, 'Test-Agent/1'], [401, 'Test-Agent/1'], [401, 'Test-Agent/1']]);
    await app.close();

    // Nothing answers at the old address any more: the secret was good only there.
    // A new connection, not fetch's pooled one (which the server's close reset instead).
    const { port } = new URL(app.baseUrl);
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it("the app a tunnel exposes (no local routes, no internal credential) refuses another app's internal secret", async () => {
    const internal = await startInternalApp(store, a.directory.id);
    const tunnel = await listen(createApp({ store, localRoutes: false }), 0, '127.0.0.1');
    try {
      const url = baseUrlFor(tunnel.url, a.directory.id);
      expect((await get(`${url}/Users`, internal.token)).status).toBe(401);
      expect((await get(`${url}/Users`, a.token)).status).toBe(200);
    } finally {
      await tunnel.close(1_000);
      await internal.close();
    }
  });
});
