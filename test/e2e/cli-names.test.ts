import { describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;

/** References by name where names are unique, as `gh repo view owner/name` works without an id. */
describe('references by name', () => {
  const temp = useTempDbs();

  test('directory show "Entra ID", user show <userName>, group show <displayName>; user list needs no --directory with one directory', async () => {
    const t = temp();
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    const [dir] = await scimctlJson<{ id: string; name: string }[]>(t.db, ['directory', 'list']);
    expect((await scimctlJson<{ id: string }>(t.db, ['directory', 'show', 'Entra ID'])).id).toBe(dir!.id);

    const users = await scimctlJson<{ id: string; userName: string }[]>(t.db, ['user', 'list']);
    expect(users).toHaveLength(6);
    const alice = users.find((u) => u.userName === 'alice@acme.test')!;
    expect((await scimctlJson<{ id: string }>(t.db, ['user', 'show', 'alice@acme.test'])).id).toBe(alice.id);
    expect((await scimctlJson<{ id: string }>(t.db, ['user', 'show', 'alice@acme.test', '--directory', 'Entra ID'])).id).toBe(alice.id);
    expect((await scimctlJson<{ id: string }>(t.db, ['user', 'show', alice.id])).id).toBe(alice.id);
    const groups = await scimctlJson<{ id: string; displayName: string }[]>(t.db, ['group', 'list']);
    const first = groups[0]!;
    expect((await scimctlJson<{ id: string }>(t.db, ['group', 'show', first.displayName])).id).toBe(first.id);
    expect(await scimctl(t.db, ['user', 'show', 'nobody@acme.test'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^error: no user "nobody@acme.test"\n/) });

    // With a second directory, a name needs --directory, and the lists ask for it.
    await scimctlJson(t.db, ['directory', 'create', '--org', 'acme', '--name', 'Okta']);
    expect(await scimctl(t.db, ['user', 'show', 'alice@acme.test'])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('say which directory') });
    expect((await scimctl(t.db, ['user', 'list'])).exitCode).toBe(2);
    expect((await scimctlJson<{ id: string }>(t.db, ['user', 'show', 'alice@acme.test', '--directory', 'Entra ID'])).id).toBe(alice.id);
  });
});
