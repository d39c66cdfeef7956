import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { scimctlJson, useTempDbs } from '../helpers/cli.js';
import { scimctlPty } from '../helpers/pty.js';

interface Env {
  id: string;
  name: string;
}
interface Org {
  id: string;
  name: string;
  environmentId: string;
}

const ENTER = '\r';
const BACKSPACE = '\u007f';

// At a terminal (stdin and stdout both TTYs) a missing argument is asked for instead of refused.
describe.concurrent('prompts at a terminal', () => {
  const temp = useTempDbs();

  test('env create without a name asks for one, and checks it', async () => {
    const t = temp();
    const session = scimctlPty(t.db, ['env', 'create']);
    await session.waitFor('Environment name');
    session.type(`env_x${ENTER}`);
    await session.waitFor('invalid environment name "env_x"');
    session.type(`${BACKSPACE.repeat(5)}staging${ENTER}`);
    const { exitCode, screen } = await session.exit();
    expect(exitCode, screen).toBe(0);
    expect(screen).toMatch(/Created environment staging \(env_\w+\)/);
    expect((await scimctlJson<Env[]>(t.db, ['env', 'list'])).map((e) => e.name)).toEqual(['staging']);
  });

  test('org create without --env offers the environments, then asks for the name', async () => {
    const t = temp();
    const dev = await scimctlJson<Env>(t.db, ['env', 'create', 'dev']);
    const ci = await scimctlJson<Env>(t.db, ['env', 'create', 'ci']);
    const session = scimctlPty(t.db, ['org', 'create', '--external-id', 'acme']);
    await session.waitFor(`ci (${ci.id})`);
    expect(session.screen()).toContain(`dev (${dev.id})`);
    session.type(ENTER); // the first choice
    await session.waitFor('Organization name');
    session.type(`Acme Corp${ENTER}`);
    const { exitCode, screen } = await session.exit();
    expect(exitCode, screen).toBe(0);
    expect(screen).toMatch(/Created organization Acme Corp \(org_\w+\) in dev/);
    expect(await scimctlJson<Org[]>(t.db, ['org', 'list'])).toMatchObject([{ name: 'Acme Corp', environmentId: dev.id, externalId: 'acme' }]);
  });

  test('org create without --env, and no environment to pick, says how to make one', async () => {
    const t = temp();
    // A database with no environment left in it.
    await scimctlJson(t.db, ['env', 'create', 'gone']);
    await scimctlJson(t.db, ['env', 'delete', 'gone', '--yes']);
    const { exitCode, screen } = await scimctlPty(t.db, ['org', 'create', '--name', 'Acme']).exit();
    expect(exitCode).toBe(1);
    expect(screen).toBe(`error: there are no environments yet; create one with \`scimctl --db ${t.db} env create <name>\`\n`);
  });

  test('env delete without --yes asks; "n" keeps the environment, "y" deletes it', async () => {
    const t = temp();
    const dev = await scimctlJson<Env>(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['org', 'create', '--env', 'dev', '--name', 'Acme']);

    const no = scimctlPty(t.db, ['env', 'delete', 'dev']);
    // The question is wider than the 80-column terminal: it wraps.
    await no.waitFor(/Delete environment dev \(env_\w+\) with its 1 organizatio\n?n, 0 SCIM directories, 0 users and 0 groups\?/);
    no.type(`n${ENTER}`);
    const kept = await no.exit();
    expect(kept.exitCode, kept.screen).toBe(130);
    expect(kept.screen).toContain('error: cancelled; nothing was changed\n');
    expect(await scimctlJson<Env[]>(t.db, ['env', 'list'])).toEqual([dev]);

    const yes = scimctlPty(t.db, ['env', 'delete', dev.id]);
    await yes.waitFor('0 users and 0 groups?');
    yes.type(`y${ENTER}`);
    const deleted = await yes.exit();
    expect(deleted.exitCode, deleted.screen).toBe(0);
    expect(deleted.screen).toContain(`Deleted environment dev (${dev.id})\n`);
    expect(await scimctlJson(t.db, ['env', 'list'])).toEqual([]);
    expect(await scimctlJson(t.db, ['org', 'list'])).toEqual([]);
  });

  test('Ctrl-C at a prompt cancels and writes nothing', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const session = scimctlPty(t.db, ['org', 'create', '--env', 'dev']);
    await session.waitFor('Organization name');
    session.type('Acme\u0003');
    const { exitCode, screen } = await session.exit();
    expect(exitCode, screen).toBe(130);
    expect(screen).toContain('error: cancelled; nothing was changed\n');
    expect(await scimctlJson(t.db, ['org', 'list'])).toEqual([]);
  });

  test('config set ngrok-authtoken: an empty answer asks again; Ctrl-C cancels like every prompt', async () => {
    const t = temp();
    const env = { SCIMCTL_CONFIG: `${t.dir}/config.json`, NGROK_AUTHTOKEN: '' };
    const session = scimctlPty(t.db, ['config', 'set', 'ngrok-authtoken'], env);
    await session.waitFor('ngrok-authtoken:');
    session.type(ENTER);
    await session.waitFor('give one word without spaces');
    session.type('half\u0003');
    const { exitCode, screen } = await session.exit();
    expect(exitCode, screen).toBe(130);
    expect(screen).toContain('error: cancelled; nothing was changed\n');
    expect(screen).not.toContain('unexpected');
    expect(existsSync(env.SCIMCTL_CONFIG)).toBe(false);
  });

  test('serve on a database with several environments and no directory asks where to make it', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const staging = await scimctlJson<Env>(t.db, ['env', 'create', 'staging']);
    const session = scimctlPty(t.db, ['serve', '--port', '0']);
    await session.waitFor('create the default one in which environment?');
    session.type(`\u001b[B${ENTER}`); // down to staging
    await session.waitFor('Press Ctrl-C to stop');
    session.type('\u0003');
    const { exitCode, screen } = await session.exit();
    expect(exitCode, screen).toBe(0);
    const [dir] = await scimctlJson<{ environmentId: string }[]>(t.db, ['directory', 'list']);
    expect(dir!.environmentId).toBe(staging.id);
    expect((await scimctlJson<Env[]>(t.db, ['env', 'list'])).map((e) => e.name)).toEqual(['dev', 'staging']);
  });

  test('--json never prompts, even at a terminal', async () => {
    const t = temp();
    const { exitCode, screen } = await scimctlPty(t.db, ['env', 'create', '--json']).exit();
    expect(exitCode).toBe(2);
    expect(JSON.parse(screen)).toEqual({ error: { kind: 'usage', message: 'missing required argument <name>', hint: 'Run with --help for usage' } });
  });
});
