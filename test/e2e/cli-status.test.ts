import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';
import { spawnServe } from '../helpers/serve.js';

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;

describe('scimctl status', () => {
  const temp = useTempDbs();

  test('names a database that does not exist yet, without creating it', async () => {
    const t = temp();
    expect(await scimctlJson(t.db, ['status'])).toEqual({ database: { path: t.db, exists: false }, servers: [], counts: null });
    const human = await scimctl(t.db, ['status']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`Database: ${t.db} (not created yet)`);
    expect(existsSync(t.db)).toBe(false);
  });

  test('shows the running serves with pid and URLs, and what the database holds; serve names its database', async () => {
    const t = temp();
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    const serve = await spawnServe(t.db);
    try {
      const status = await scimctlJson<{ servers: { pid: number; localUrl: string; publicUrl: string | null }[]; counts: Record<string, number> }>(t.db, ['status']);
      expect(status.servers).toEqual([{ pid: serve.process.pid, localUrl: serve.ready.url, publicUrl: null, startedAt: expect.any(String) }]);
      expect(status.counts).toEqual({ environments: 1, organizations: 1, directories: 1, users: 6, groups: 4, requests: 0 });
      const human = await scimctl(t.db, ['status']);
      expect(human.stdout).toMatch(new RegExp(`^PID\\s+LOCAL URL\\s+PUBLIC URL\\s+STARTED\\n${serve.process.pid}\\s+${serve.ready.url.replaceAll('.', '\\.')}\\s+-\\s+\\S+$`, 'm'));
    } finally {
      await serve.stop();
    }
    const after = (await scimctl(t.db, ['status'])).stdout;
    expect(after).toContain('No scimctl serve is running on this database.');
    expect(after).toContain('Contents: 1 environment, 1 organization, 1 SCIM directory, 6 users, 4 groups, 0 logged requests');
  });
});
