import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { spawnScimctl, tempDb } from '../helpers/cli.js';
import { Receiver } from '../helpers/receiver.js';
import { spawnServe } from '../helpers/serve.js';

const temp = tempDb();
afterAll(() => temp.cleanup());

describe('scimctl trigger as a real process, beside a running serve --forward-to', () => {
  it("delivers the trigger's events as signed webhooks: the serve process forwards what another process wrote", async () => {
    const store = new Store(temp.db);
    const env = store.environments.create({ name: 'dev', publicUrl: 'http://localhost:8080' });
    const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
    const dir = store.directories.create({ organizationId: org.id, name: 'entra' }).directory.id;
    store.close();

    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const serve = await spawnServe(temp.db, ['--forward-to', receiver.url]);
    try {
      secret = (serve.ready as typeof serve.ready & { forwardTo: { signingSecret: string } }).forwardTo.signingSecret;
      const result = await spawnScimctl(temp.db, ['trigger', 'user-churn', '--count', '2', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { directoryId: string; ok: boolean; summary: { sent: number; failed: number } };
      expect(report).toMatchObject({ directoryId: dir, ok: true, summary: { sent: 6, failed: 0 } });
      // Nothing of the run's own secret (32 random bytes, 43 base64url characters) reaches its output.
      expect(result.stdout + result.stderr).not.toMatch(/bearer|token/i);
      expect(result.stdout + result.stderr).not.toMatch(/[A-Za-z0-9_-]{43}/);

      await receiver.until((r) => r.delivered.length === 6);
      expect(receiver.bad).toEqual([]);
      expect(receiver.delivered.map((r) => r.event.type)).toEqual(['user.created', 'user.updated', 'user.deactivated', 'user.created', 'user.updated', 'user.deactivated']);
      expect(receiver.delivered.every((r) => r.event.directoryId === dir)).toBe(true);
      expect(receiver.delivered[0]!.event.data.email).toMatch(/^adele\.vance\.[0-9a-f]{6}@example\.org$/);
    } finally {
      const stopped = await serve.stop();
      await receiver.close();
      expect(stopped.exitCode).toBe(0);
    }
  });

  it("forwards a full Entra provisioning replay (39 requests) as signed events in commit order, each naming its request", async () => {
    const db = tempDb();
    try {
      const store = new Store(db.db);
      const env = store.environments.create({ name: 'dev', publicUrl: 'http://localhost:8080' });
      const org = store.organizations.create({ environmentId: env.id, name: 'Contoso', domains: [] });
      store.directories.create({ organizationId: org.id, name: 'entra' });
      store.close();
      let secret = '';
      const receiver = await new Receiver(() => secret).listen();
      const serve = await spawnServe(db.db, ['--forward-to', receiver.url]);
      try {
        secret = (serve.ready as typeof serve.ready & { forwardTo: { signingSecret: string } }).forwardTo.signingSecret;
        const result = await spawnScimctl(db.db, ['trigger', 'entra-provision', '--json']);
        expect(result.exitCode, result.stderr).toBe(0);
        // Entra creates the users, then sets each one's manager, then creates each group and adds its members.
        const expected = [
          ...Array(10).fill('user.created'),
          ...Array(9).fill('user.updated'),
          'group.created',
          ...Array(4).fill('group.user_added'),
          'group.created',
          ...Array(3).fill('group.user_added'),
          'group.created',
          ...Array(10).fill('group.user_added'),
        ];
        await receiver.until((r) => r.delivered.length === expected.length);
        expect(receiver.bad).toEqual([]);
        expect(receiver.delivered.map((r) => r.event.type)).toEqual(expected);
        const ids = receiver.delivered.map((r) => r.event.id);
        expect(ids).toEqual([...ids].sort());
        expect(new Set(ids).size).toBe(ids.length);
        expect(receiver.delivered.every((r) => /^req_\d+$/.test(String(r.event.requestId)))).toBe(true);
        expect(receiver.delivered.find((r) => r.event.type === 'user.updated')!.event.data.previous).toHaveProperty('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
      } finally {
        const stopped = await serve.stop();
        await receiver.close();
        expect(stopped.exitCode).toBe(0);
      }
    } finally {
      db.cleanup();
    }
  });
});
