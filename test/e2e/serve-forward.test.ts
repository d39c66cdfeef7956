import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { tempDb } from '../helpers/cli.js';
import { Receiver } from '../helpers/receiver.js';
import { spawnServe } from '../helpers/serve.js';
import { entraUser } from '../helpers/server.js';

const temp = tempDb();
afterAll(() => temp.cleanup());

/** Reads the database as another process would. */
async function untilStored(check: (store: ReturnType<typeof openStore>) => boolean, timeoutMs = 10_000, db = temp.db): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const store = openStore(db);
    try {
      if (check(store)) return;
    } finally {
      store.close();
    }
    if (Date.now() > deadline) throw new Error('the database never got there');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('serve --forward-to as a real process', () => {
  it('killed with SIGKILL and restarted: delivers everything not acknowledged, nothing acknowledged twice', async () => {
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const first = await spawnServe(temp.db, ['--forward-to', receiver.url]);
    const ready = first.ready as typeof first.ready & { forwardTo: { url: string; signingSecret: string } };
    secret = ready.forwardTo.signingSecret;
    expect(ready.forwardTo.url).toBe(receiver.url);
    const [directory] = ready.directories;
    const post = async (name: string) => {
      const res = await fetch(`${directory!.baseUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${directory!.token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify(entraUser(name)),
      });
      expect(res.status).toBe(201);
    };

    // Three events delivered and acknowledged (the acknowledgement is in the database).
    for (const name of ['a1', 'a2', 'a3']) await post(name);
    await receiver.until((r) => r.delivered.length === 3);
    await untilStored((s) => s.webhooks.acknowledged(receiver.url) === 3);

    // The receiver goes away; three more events fail to arrive (connection refused) …
    await receiver.close();
    for (const name of ['b1', 'b2', 'b3']) await post(name);
    await untilStored((s) => s.webhooks.deliveries(4).length >= 1);
    // … and serve dies without a chance to clean up.
    first.process.kill('SIGKILL');
    await first.process;

    await receiver.listen(receiver.port);
    const second = await spawnServe(temp.db, ['--forward-to', receiver.url]);
    expect((second.ready as typeof ready).forwardTo.signingSecret).toBe(secret); // the environment's, from the database
    await receiver.until((r) => r.delivered.length === 6);
    await untilStored((s) => s.webhooks.acknowledged(receiver.url) === 6);
    const stopped = await second.stop();
    await receiver.close();

    expect(stopped.exitCode).toBe(0);
    expect(receiver.bad).toEqual([]);
    const ids = receiver.received.map((r) => r.id);
    expect(ids).toEqual(['evt_000000000001', 'evt_000000000002', 'evt_000000000003', 'evt_000000000004', 'evt_000000000005', 'evt_000000000006']);
    expect(receiver.received.map((r) => r.event.data.email)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3'].map((n) => `${n}@contoso.com`));
    const store = openStore(temp.db);
    try {
      expect(store.webhooks.deliveries(4).map((d) => d.error ?? d.status).at(0)).toBe('connection refused');
      expect(store.webhooks.deliveries(4).at(-1)?.status).toBe(200);
    } finally {
      store.close();
    }
  });

  it('limited to A, killed with SIGKILL, restarted for every directory: delivers what B did meanwhile and A\'s unacknowledged, nothing twice', async () => {
    const own = tempDb();
    try {
      const setup = openStore(own.db);
      const env = setup.environments.create({ name: 'development', publicUrl: 'http://localhost:8080' });
      const org = setup.organizations.create({ environmentId: env.id, name: 'Contoso', domains: [] });
      const [a, b] = ['A', 'B'].map((name) => setup.directories.create({ organizationId: org.id, name }).directory.id) as [string, string];
      setup.close();
      const change = (directoryId: string, name: string) => {
        const store = openStore(own.db);
        store.users.create(directoryId, entraUser(name), new Date().toISOString());
        store.close();
      };
      let secret = '';
      const receiver = await new Receiver(() => secret).listen();
      const first = await spawnServe(own.db, ['--forward-to', receiver.url, '--directory', a]);
      secret = (first.ready as typeof first.ready & { forwardTo: { signingSecret: string } }).forwardTo.signingSecret;
      change(a, 'a1');
      change(b, 'b1');
      // A's event delivered, B's passed over: A is acknowledged up to B's.
      await untilStored((s) => s.webhooks.acknowledged(receiver.url, a) === 2, 10_000, own.db);
      await receiver.close();
      change(a, 'a2');
      await untilStored((s) => s.webhooks.deliveries(3).length >= 1, 10_000, own.db);
      first.process.kill('SIGKILL');
      await first.process;

      await receiver.listen(receiver.port);
      const second = await spawnServe(own.db, ['--forward-to', receiver.url]);
      await untilStored((s) => s.webhooks.acknowledged(receiver.url) === 3, 10_000, own.db);
      const stopped = await second.stop();
      await receiver.close();

      expect(stopped.exitCode).toBe(0);
      expect(receiver.bad).toEqual([]);
      expect(receiver.delivered.map((r) => [r.id, r.event.data.email])).toEqual([
        ['evt_000000000001', 'a1@contoso.com'],
        ['evt_000000000002', 'b1@contoso.com'],
        ['evt_000000000003', 'a2@contoso.com'],
      ]);
    } finally {
      own.cleanup();
    }
  });
});
