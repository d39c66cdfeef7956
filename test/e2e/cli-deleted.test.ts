import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;
const DELETED_AT = '2026-01-02T03:04:05.000Z';

type Resource = Record<string, unknown> & { id: string };

/** Deletes as an IdP's DELETE does (softly), through the store the server uses. */
function softDelete(db: string, kind: 'users' | 'groups', directoryId: string, id: string): void {
  const store = openStore(db);
  try {
    expect(store[kind].delete(directoryId, id, DELETED_AT)).toBe(true);
  } finally {
    store.close();
  }
}

describe('users and groups the IdP deleted', () => {
  const t = tempDb();
  let dirId: string;
  let bob: Resource;
  let sales: Resource;
  beforeAll(async () => {
    expect((await scimctl(t.db, ['seed', ACME])).exitCode).toBe(0);
    dirId = (await scimctlJson<{ id: string }[]>(t.db, ['directory', 'list']))[0]!.id;
    const users = await scimctlJson<Resource[]>(t.db, ['user', 'list']);
    bob = users.find((u) => u.userName === 'bob@acme.test')!;
    const groups = await scimctlJson<Resource[]>(t.db, ['group', 'list']);
    sales = groups.find((g) => g.displayName === 'Sales')!;
    softDelete(t.db, 'users', dirId, bob.id);
    softDelete(t.db, 'groups', dirId, sales.id);
  });
  afterAll(() => t.cleanup());

  test('user list leaves them out, as SCIM does; its JSON items stay exactly as SCIM renders them', async () => {
    const users = await scimctlJson<Resource[]>(t.db, ['user', 'list']);
    expect(users.map((u) => u.id)).not.toContain(bob.id);
    expect(users.every((u) => !('deletedAt' in u))).toBe(true);
    expect((await scimctl(t.db, ['user', 'list'])).stdout).not.toContain(bob.id);
  });

  test('user list --include-deleted lists them too: deletedAt on every JSON item, (deleted) in the table', async () => {
    const users = await scimctlJson<Resource[]>(t.db, ['user', 'list', '--include-deleted']);
    expect(users).toHaveLength(6);
    const { deletedAt, ...rendered } = users.find((u) => u.id === bob.id)!;
    expect(deletedAt).toBe(DELETED_AT);
    expect(rendered).toMatchObject({ id: bob.id, userName: 'bob@acme.test' });
    expect(users.filter((u) => u.id !== bob.id).map((u) => u.deletedAt)).toEqual([null, null, null, null, null]);
    const table = await scimctl(t.db, ['user', 'list', '--include-deleted']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${bob.id}\\s+bob@acme\\.test\\s+.*\\(deleted\\)`, 'm'));
    expect(table.stdout.match(/\(deleted\)/g)).toHaveLength(1);
    expect(await scimctlJson(t.db, ['user', 'list', '--include-deleted', '--fields', 'id,deletedAt'])).toContainEqual({ id: bob.id, deletedAt: DELETED_AT });
  });

  test('group list --include-deleted marks the deleted group', async () => {
    expect((await scimctlJson<Resource[]>(t.db, ['group', 'list'])).map((g) => g.id)).not.toContain(sales.id);
    const groups = await scimctlJson<Resource[]>(t.db, ['group', 'list', '--include-deleted']);
    expect(groups.find((g) => g.id === sales.id)).toMatchObject({ displayName: 'Sales', deletedAt: DELETED_AT });
    const table = await scimctl(t.db, ['group', 'list', '--include-deleted']);
    expect(table.stdout).toMatch(new RegExp(`^${sales.id}\\s+Sales \\(deleted\\)\\s`, 'm'));
  });

  test('user show finds a deleted user and says so', async () => {
    const shown = await scimctl(t.db, ['user', 'show', bob.id]);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: bob.id, userName: 'bob@acme.test', deletedAt: DELETED_AT });
    expect(shown.stderr).toBe(`Deleted:      ${DELETED_AT} (the IdP deleted it; SCIM clients no longer see it, the app API still does)\n`);
    const json = await scimctl(t.db, ['user', 'show', bob.id, '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).deletedAt).toBe(DELETED_AT);
  });

  test('group show finds a deleted group; a live user shows no deletedAt and no notice', async () => {
    const group = await scimctl(t.db, ['group', 'show', sales.id]);
    expect(JSON.parse(group.stdout)).toMatchObject({ id: sales.id, deletedAt: DELETED_AT });
    expect(group.stderr).toContain('Deleted:      ');
    const alice = await scimctl(t.db, ['user', 'show', 'alice@acme.test']);
    expect(alice.stderr).toBe('');
    // A deactivated user is live on the SCIM side, but the app API reports it deleted: say so.
    const erin = await scimctl(t.db, ['user', 'show', 'erin@acme.test']);
    expect(JSON.parse(erin.stdout)).toMatchObject({ active: false });
    expect(erin.stderr).toBe('Inactive:     the IdP deactivated it (active: false); the app API shows it with "deleted": true\n');
    expect(JSON.parse(alice.stdout)).not.toHaveProperty('deletedAt');
  });
});
