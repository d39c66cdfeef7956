import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, spawnScimctl, tempDb } from '../helpers/cli.js';

interface Env {
  id: string;
  name: string;
  publicUrl: string;
  createdAt: string;
}
interface Org {
  id: string;
  environmentId: string;
  name: string;
  externalId: string | null;
  domains: string[];
  createdAt: string;
}
interface Dir {
  id: string;
  organizationId: string;
  environmentId: string;
  name: string | null;
  primary: boolean;
  baseUrl: string;
  hasToken: boolean;
  tokenCreatedAt: string | null;
  createdAt: string;
}
interface CreatedDir extends Dir {
  token: string;
}
interface DirDetails extends Dir {
  userCount: number;
  groupCount: number;
}

const TOKEN = /^scimctl_sk_[A-Za-z0-9_-]{43}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// One database walked through its whole life, so the steps run in order.
describe('env → org → directory lifecycle', () => {
  const t = tempDb();
  afterAll(() => t.cleanup());
  const run = (...args: string[]) => scimctl(t.db, args);
  const json = <T>(...args: string[]) => scimctlJson<T>(t.db, args);

  let dev: Env;
  let ci: Env;
  let acme: Org;
  let globex: Org;
  let initech: Org;
  let acmeDir: CreatedDir;
  let acmeDir2: CreatedDir;
  let globexDir: CreatedDir;
  let initechDir: CreatedDir;

  beforeAll(async () => {
    dev = await json<Env>('env', 'create', 'dev', '--public-url', 'https://x.example.test/');
    ci = await json<Env>('env', 'create', 'ci');
  });

  test('env create prints the new environment; the trailing slash of the public URL is dropped', () => {
    expect(dev).toEqual({ id: expect.stringMatching(/^env_[0-9a-z]{26}$/), name: 'dev', publicUrl: 'https://x.example.test', createdAt: expect.stringMatching(ISO) });
    expect(ci.publicUrl).toBe('http://localhost:8080');
    expect(ci.id).not.toBe(dev.id);
  });

  test('env create without --json prints the id on stdout and a notice on stderr (the real binary)', async () => {
    const result = await spawnScimctl(t.db, ['env', 'create', 'staging']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^env_[0-9a-z]{26}\n$/);
    const id = result.stdout.trim();
    expect(result.stderr).toBe(`Created environment staging (${id})\n`);
    expect(await spawnScimctl(t.db, ['env', 'delete', id, '--yes'])).toEqual({ exitCode: 0, stdout: '', stderr: `Deleted environment staging (${id})\n` });
  });

  test('env list and env show (by id and by name)', async () => {
    expect(await json<Env[]>('env', 'list')).toEqual([dev, ci]);
    expect(await json<Env>('env', 'show', dev.id)).toEqual(dev);
    expect(await json<Env>('env', 'show', 'dev')).toEqual(dev);
    const human = await run('env', 'show', 'ci');
    expect(human).toEqual({
      exitCode: 0,
      stdout: `ID:         ${ci.id}\nName:       ci\nPublic URL: http://localhost:8080\nCreated:    ${ci.createdAt}\n`,
      stderr: '',
    });
  });

  test('org create with --external-id and repeated --domain', async () => {
    acme = await json<Org>('org', 'create', '--env', 'dev', '--name', 'Acme Corp', '--external-id', 'acme', '--domain', 'Acme.com', '--domain', 'acme.io.', '--domain', 'acme.com');
    expect(acme).toEqual({
      id: expect.stringMatching(/^org_[0-9a-z]{26}$/),
      environmentId: dev.id,
      name: 'Acme Corp',
      externalId: 'acme',
      domains: ['acme.com', 'acme.io'],
      createdAt: expect.stringMatching(ISO),
    });
    globex = await json<Org>('org', 'create', '--env', dev.id, '--name', 'Globex');
    expect(globex).toMatchObject({ environmentId: dev.id, name: 'Globex', externalId: null, domains: [] });
    // The same external id and domain are fine in another environment.
    initech = await json<Org>('org', 'create', '--env', 'ci', '--name', 'Initech', '--external-id', 'acme', '--domain', 'acme.com');
    expect(initech).toMatchObject({ environmentId: ci.id, externalId: 'acme', domains: ['acme.com'] });
  });

  test('org list, with and without --env; org show by id', async () => {
    expect(await json<Org[]>('org', 'list')).toEqual([acme, globex, initech]);
    expect(await json<Org[]>('org', 'list', '--env', 'dev')).toEqual([acme, globex]);
    expect(await json<Org[]>('org', 'list', '--env', ci.id)).toEqual([initech]);
    expect(await json<Org>('org', 'show', acme.id)).toEqual(acme);
  });

  test('org show by external id needs it to be unambiguous', async () => {
    await json('org', 'create', '--env', 'dev', '--name', 'Hooli', '--external-id', 'hooli');
    const hooli = await json<Org>('org', 'show', 'hooli');
    expect(hooli).toMatchObject({ name: 'Hooli', externalId: 'hooli', environmentId: dev.id });
    expect(await run('org', 'delete', 'hooli', '--yes')).toEqual({ exitCode: 0, stdout: '', stderr: `Deleted organization Hooli (${hooli.id})\n` });
    // "acme" is the external id of an organization in both environments.
    const ambiguous = await run('org', 'show', 'acme');
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toBe(`error: external id "acme" names 2 organizations (${acme.id}, ${initech.id})\nUse the organization id\n`);
  });

  test('directory create prints id, base URL and a bearer token', async () => {
    acmeDir = await json<CreatedDir>('directory', 'create', '--org', acme.id, '--name', 'Entra production');
    expect(acmeDir).toEqual({
      id: expect.stringMatching(/^scim_directory_[0-9a-z]{26}$/),
      organizationId: acme.id,
      environmentId: dev.id,
      name: 'Entra production',
      primary: true,
      baseUrl: `https://x.example.test/scim/v2/${acmeDir.id}`,
      hasToken: true,
      tokenCreatedAt: expect.stringMatching(ISO),
      createdAt: expect.stringMatching(ISO),
      token: expect.stringMatching(TOKEN),
    });
    acmeDir2 = await json<CreatedDir>('dir', 'create', '--org', acme.id);
    globexDir = await json<CreatedDir>('directory', 'create', '--org', globex.id);
    initechDir = await json<CreatedDir>('directory', 'create', '--org', initech.id);
    expect(acmeDir2.name).toBeNull();
    // An organization's first directory is its primary one.
    expect([acmeDir2.primary, globexDir.primary, initechDir.primary]).toEqual([false, true, true]);
    expect(initechDir.baseUrl).toBe(`http://localhost:8080/scim/v2/${initechDir.id}`);
    expect(new Set([acmeDir.token, acmeDir2.token, globexDir.token, initechDir.token]).size).toBe(4);
  });

  test('directory create without --json shows what to paste into Entra and that the token is shown once', async () => {
    const created = await run('directory', 'create', '--org', globex.id);
    expect(created.exitCode).toBe(0);
    // The two values to paste on stdout; the warnings with the other notices on stderr.
    const match = /^Tenant URL: {3}(https:\/\/x\.example\.test\/scim\/v2\/(scim_directory_[0-9a-z]{26}))\nSecret token: (scimctl_sk_\S+)\n$/.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const [, , id, token] = match!;
    expect(token).toMatch(TOKEN);
    expect(created.stderr).toBe(
      'This token is shown only this once; scimctl stores just its hash.\n' +
        `Lost it? \`scimctl --db ${t.db} token rotate <directory>\` makes a new one (the old one stops working).\n` +
        `Created SCIM directory ${id} for Globex\n`,
    );
    expect(await run('directory', 'delete', id!, '--yes')).toMatchObject({ exitCode: 0, stdout: '' });
  });

  test('directory list, with and without --org', async () => {
    const strip = ({ token: _, ...d }: CreatedDir): Dir => d;
    expect(await json<Dir[]>('directory', 'list')).toEqual([acmeDir, acmeDir2, globexDir, initechDir].map(strip));
    expect(await json<Dir[]>('directory', 'list', '--org', acme.id)).toEqual([acmeDir, acmeDir2].map(strip));
    expect(await json<Dir[]>('directory', 'list', '--org', globex.id)).toEqual([globexDir].map(strip));
  });

  test('directory show gives token status and counts, never the token', async () => {
    const shown = await scimctl(t.db, ['directory', 'show', acmeDir.id, '--json']);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      id: acmeDir.id,
      organizationId: acme.id,
      environmentId: dev.id,
      name: 'Entra production',
      primary: true,
      baseUrl: acmeDir.baseUrl,
      hasToken: true,
      tokenCreatedAt: acmeDir.tokenCreatedAt,
      createdAt: acmeDir.createdAt,
      userCount: 0,
      groupCount: 0,
    } satisfies DirDetails);
    const human = await run('directory', 'show', acmeDir.id);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`Base URL:     ${acmeDir.baseUrl}\n`);
    expect(human.stdout).toContain(`Token:        set ${acmeDir.tokenCreatedAt} (shown only at creation;`);
    expect(human.stdout).toContain('Users:        0\nGroups:       0\n');
    for (const output of [shown.stdout, shown.stderr, human.stdout, human.stderr]) {
      expect(output).not.toContain(acmeDir.token);
      expect(output).not.toMatch(/scimctl_sk_[A-Za-z0-9_-]{43}/);
    }
  });

  test('directory delete removes only that directory', async () => {
    expect(await run('directory', 'delete', acmeDir2.id, '--yes')).toEqual({ exitCode: 0, stdout: '', stderr: `Deleted SCIM directory ${acmeDir2.id}\n` });
    expect((await json<Dir[]>('directory', 'list')).map((d) => d.id)).toEqual([acmeDir.id, globexDir.id, initechDir.id]);
    expect((await run('directory', 'show', acmeDir2.id)).exitCode).toBe(1);
  });

  test('org delete removes its directories', async () => {
    expect(await json('org', 'delete', acme.id, '--yes')).toEqual({ id: acme.id, deleted: true });
    expect((await json<Org[]>('org', 'list')).map((o) => o.id)).toEqual([globex.id, initech.id]);
    expect((await json<Dir[]>('directory', 'list')).map((d) => d.id)).toEqual([globexDir.id, initechDir.id]);
    // With Acme gone, its external id is no longer ambiguous.
    expect(await json<Org>('org', 'show', 'acme')).toEqual(initech);
  });

  test('env delete removes its organizations and their directories', async () => {
    expect(await json('env', 'delete', 'dev', '--yes')).toEqual({ id: dev.id, deleted: true });
    expect(await json<Env[]>('env', 'list')).toEqual([ci]);
    expect(await json<Org[]>('org', 'list')).toEqual([initech]);
    expect((await json<Dir[]>('directory', 'list')).map((d) => d.id)).toEqual([initechDir.id]);
    expect(await json('env', 'delete', ci.id, '--yes')).toEqual({ id: ci.id, deleted: true });
    expect(await json('env', 'list')).toEqual([]);
    expect(await json('org', 'list')).toEqual([]);
    expect(await json('directory', 'list')).toEqual([]);
  });
});
