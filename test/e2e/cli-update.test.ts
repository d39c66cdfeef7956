import { describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

interface Org {
  id: string;
  name: string;
  externalId: string | null;
  domains: string[];
}

describe('update commands', () => {
  const temp = useTempDbs();

  test("env update changes the public URL, and with it every directory's base URL", async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme']);
    const dir = await scimctlJson<{ id: string }>(t.db, ['directory', 'create', '--org', 'acme']);
    const updated = await scimctl(t.db, ['env', 'update', 'dev', '--public-url', 'https://scim.example.test/']);
    expect(updated).toEqual({ exitCode: 0, stdout: '', stderr: 'Updated environment dev: public URL https://scim.example.test\n' });
    expect((await scimctlJson<{ baseUrl: string }>(t.db, ['directory', 'show', dir.id])).baseUrl).toBe(`https://scim.example.test/scim/v2/${dir.id}`);
    expect((await scimctl(t.db, ['env', 'update', 'dev', '--public-url', 'notaurl'])).exitCode).toBe(2);
  });

  test('org update changes name, external id and domains all at once, or nothing', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme', '--external-id', 'acme', '--domain', 'acme.test']);
    const other = await scimctlJson<Org>(t.db, ['org', 'create', '--env', 'dev', '--name', 'Globex', '--external-id', 'globex', '--domain', 'globex.test']);
    const updated = await scimctlJson<Org>(t.db, ['org', 'update', 'acme', '--name', 'Acme Corp', '--external-id', 'acme-corp', '--add-domain', 'acme.example', '--remove-domain', 'acme.test']);
    expect(updated).toMatchObject({ name: 'Acme Corp', externalId: 'acme-corp', domains: ['acme.example'] });
    // A domain Globex holds: refused, and the rename in the same command is not applied either.
    const clash = await scimctl(t.db, ['org', 'update', 'acme-corp', '--name', 'Renamed', '--add-domain', 'globex.test']);
    expect(clash).toMatchObject({ exitCode: 1, stderr: `error: domain globex.test already belongs to ${other.id} in this environment\n` });
    expect((await scimctlJson<Org>(t.db, ['org', 'show', 'acme-corp'])).name).toBe('Acme Corp');
    expect((await scimctl(t.db, ['org', 'update', 'acme-corp', '--external-id', 'globex'])).exitCode).toBe(1);
    expect(await scimctl(t.db, ['org', 'update', 'acme-corp'])).toMatchObject({ exitCode: 2, stderr: 'error: nothing to change\nPass --name, --external-id, --add-domain or --remove-domain\n' });
  });
});

describe('deletes while serve runs', () => {
  const temp = useTempDbs();

  test('warn that IdPs using it will get 404s, and count what goes', async () => {
    const t = temp();
    const { spawnServe } = await import('../helpers/serve.js');
    const serve = await spawnServe(t.db);
    try {
      const [dir] = serve.ready.directories;
      const refused = await scimctl(t.db, ['directory', 'delete', dir!.id]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toBe(
        `warning: scimctl serve (pid ${serve.process.pid}) is running on this database; IdPs provisioning to what you delete will get 404s\n` +
          `error: Delete SCIM directory ${dir!.id} (default) with its 0 users, 0 groups and request log needs confirmation\nPass --yes to confirm\n`,
      );
    } finally {
      await serve.stop();
    }
  });
});
