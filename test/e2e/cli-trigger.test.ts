import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Store } from '../../src/store/store.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';
import { twoEnvironments as makeTwoEnvironments } from '../helpers/environments.js';

// scimctl trigger in this process against temp databases: each scenario's end state in the
// directory, its request-log rows and events, a second run, recording files, and the errors.

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const OKTA = new URL('../../fixtures/recordings/okta.json', import.meta.url).pathname;

interface Report {
  scenario: string;
  runId: string | null;
  directoryId: string;
  ok: boolean;
  summary: { sent: number; failed: number };
  steps: { name: string; method: string; path: string; status: number | null; durationMs: number; ok: boolean }[];
  created: { users: number; groups: number };
}
type Resource = Record<string, any>;

const temp = useTempDbs();

const twoEnvironments = () => makeTwoEnvironments(temp);

async function trigger(db: string, args: string[]): Promise<Report> {
  return scimctlJson<Report>(db, ['trigger', ...args]);
}

const users = (db: string, dir: string) => scimctlJson<Resource[]>(db, ['user', 'list', '--directory', dir]);
const groups = (db: string, dir: string) => scimctlJson<Resource[]>(db, ['group', 'list', '--directory', dir]);
const group = (db: string, dir: string, name: string) => scimctlJson<Resource>(db, ['group', 'show', name, '--directory', dir]);
const log = (db: string, dir: string) => scimctlJson<Resource[]>(db, ['log', 'list', '--directory', dir, '--limit', '1000']);
async function eventTypes(db: string, dir: string): Promise<Record<string, number>> {
  const events = await scimctlJson<{ type: string }[]>(db, ['events', 'list', '--directory', dir, '--limit', '0']);
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}
/** The run id every name of a run carries: adele.vance.<run>@contoso.com. */
const runOf = (userName: string) => /\.([0-9a-f]{6})@/.exec(userName)![1]!;

async function untouched(db: string, other: string): Promise<void> {
  expect(await users(db, other)).toEqual([]);
  expect(await groups(db, other)).toEqual([]);
  expect(await log(db, other)).toEqual([]);
  expect(await eventTypes(db, other)).toEqual({});
}

describe('scimctl trigger entra-provision', () => {
  let s: ReturnType<typeof twoEnvironments>;
  let first: Report;
  beforeAll(async () => {
    s = twoEnvironments();
    first = await trigger(s.db, ['entra-provision', '--directory', s.dir]);
  });

  test('leaves 10 users with their managers and 3 groups with their members, through 39 requests (test connection first) that all got their expected status', async () => {
    expect(first).toMatchObject({ scenario: 'entra-provision', directoryId: s.dir, ok: true, summary: { sent: 39, failed: 0 }, created: { users: 10, groups: 3 } });
    expect(first.steps).toHaveLength(39);
    expect(first.steps[0]).toMatchObject({ method: 'GET', status: 200, ok: true });
    expect(first.steps[0]!.path).toMatch(/^\/Users\?filter=userName eq "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/);
    expect(first.steps[2]).toMatchObject({ method: 'POST', path: '/Users', status: 201, ok: true });
    expect(Object.keys(first.steps[0]!).sort()).toEqual(['durationMs', 'expected', 'method', 'name', 'notes', 'ok', 'path', 'status']);

    const all = await users(s.db, s.dir);
    expect(all).toHaveLength(10);
    const run = runOf(all[0]!.userName);
    expect(first.runId).toBe(run);
    const byName = new Map(all.map((u) => [u.userName, u]));
    const adele = byName.get(`adele.vance.${run}@contoso.com`)!;
    const alex = byName.get(`alex.wilber.${run}@contoso.com`)!;
    const henrietta = byName.get(`henrietta.mueller.${run}@contoso.com`)!;
    expect(henrietta).toMatchObject({ externalId: `henrietta.mueller.${run}`, displayName: 'Henrietta Mueller', title: 'Software Engineer', active: true });
    expect(henrietta.phoneNumbers.map((n: Resource) => n.type)).toEqual(['work', 'mobile']);
    expect(henrietta[ENTERPRISE].manager.value).toBe(alex.id);
    expect(alex[ENTERPRISE].manager.value).toBe(adele.id);
    expect(adele[ENTERPRISE].manager).toBeUndefined();

    expect((await groups(s.db, s.dir)).map((g) => g.displayName).sort()).toEqual([`All Staff ${run}`, `Engineering ${run}`, `Sales ${run}`]);
    const engineering = await group(s.db, s.dir, `Engineering ${run}`);
    expect(engineering.members.map((m: Resource) => m.value).sort()).toEqual(
      ['alex.wilber', 'henrietta.mueller', 'isaiah.langer', 'johanna.lorenz'].map((n) => byName.get(`${n}.${run}@contoso.com`)!.id).sort(),
    );
    expect((await group(s.db, s.dir, `All Staff ${run}`)).members).toHaveLength(10);
    expect((await group(s.db, s.dir, `Sales ${run}`)).members).toHaveLength(3);
  });

  test('writes a request-log row per request, with the user agent that names the scenario, and the events webhooks deliver', async () => {
    const rows = await log(s.db, s.dir);
    expect(rows).toHaveLength(39);
    expect(new Set(rows.map((r) => r.userAgent))).toEqual(new Set(['scimctl/dev trigger entra-provision (Microsoft Entra ID)']));
    expect(rows.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual(Array(13).fill(201));
    expect(await eventTypes(s.db, s.dir)).toEqual({ 'user.created': 10, 'user.updated': 9, 'group.created': 3, 'group.user_added': 17 });
  });

  test('a second run succeeds beside the first (new names), and the directory in the other environment is untouched', async () => {
    const second = await trigger(s.db, ['entra-provision', '--directory', 'entra-dev']);
    expect(second).toMatchObject({ ok: true, summary: { sent: 39, failed: 0 }, created: { users: 10, groups: 3 } });
    expect(await users(s.db, s.dir)).toHaveLength(20);
    expect(await groups(s.db, s.dir)).toHaveLength(6);
    expect(new Set((await users(s.db, s.dir)).map((u) => runOf(u.userName))).size).toBe(2);
    await untouched(s.db, s.other);
  });
});

describe('scimctl trigger: the other scenarios', () => {
  test('entra-deprovision: 4 users created then disabled and taken out of their group; the group and 2 users deleted', async () => {
    const s = twoEnvironments();
    const report = await trigger(s.db, ['entra-deprovision', '--directory', s.dir]);
    expect(report).toMatchObject({ ok: true, summary: { sent: 19, failed: 0 }, created: { users: 4, groups: 1 } });
    const left = await users(s.db, s.dir);
    expect(left.map((u) => u.active)).toEqual([false, false]);
    expect(await groups(s.db, s.dir)).toEqual([]);
    expect(await scimctlJson<Resource[]>(s.db, ['user', 'list', '--directory', s.dir, '--include-deleted'])).toHaveLength(4);
    expect(await eventTypes(s.db, s.dir)).toEqual({
      'user.created': 4, 'group.created': 1, 'group.user_added': 4, 'user.deactivated': 4, 'group.user_removed': 4, 'group.deleted': 1, 'user.deleted': 2,
    });
    expect((await trigger(s.db, ['entra-deprovision', '--directory', s.dir])).ok).toBe(true);
    await untouched(s.db, s.other);
  });

  test('okta-provision: 5 users (2 renamed by PUT), 2 groups with members; Okta\'s paged filter GETs in the log', async () => {
    const s = twoEnvironments();
    const report = await trigger(s.db, ['okta-provision', '--directory', s.dir]);
    expect(report).toMatchObject({ ok: true, summary: { sent: 19, failed: 0 }, created: { users: 5, groups: 2 } });
    const all = await users(s.db, s.dir);
    expect(all).toHaveLength(5);
    const run = runOf(all[0]!.userName);
    expect(all.map((u) => u.displayName).sort()).toEqual(['Adele Vance', 'Alex Wilber-Smith', 'Diego Siciliani-Smith', 'Grady Archie', 'Henrietta Mueller']);
    expect((await group(s.db, s.dir, `Okta Admins ${run}`)).members).toHaveLength(2);
    expect((await group(s.db, s.dir, `Everyone ${run}`)).members).toHaveLength(5);
    const rows = await log(s.db, s.dir);
    expect(rows.filter((r) => r.method === 'GET' && /startIndex=1&count=100/.test(r.query ?? ''))).toHaveLength(7);
    expect(new Set(rows.map((r) => r.userAgent))).toEqual(new Set(['scimctl/dev trigger okta-provision (Okta)']));
    expect((await trigger(s.db, ['okta-provision', '--directory', s.dir])).ok).toBe(true);
  });

  test('user-churn --count 3: each user created, updated and deactivated; the only directory needs no --directory', async () => {
    const { db } = temp();
    const store = new Store(db);
    const env = store.environments.create({ name: 'dev', publicUrl: 'http://localhost:8080' });
    const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
    const dir = store.directories.create({ organizationId: org.id, name: 'only' }).directory.id;
    store.close();
    const report = await trigger(db, ['user-churn', '--count', '3']);
    expect(report).toMatchObject({ directoryId: dir, ok: true, summary: { sent: 9, failed: 0 }, created: { users: 3, groups: 0 } });
    expect(report.steps.map((st) => `${st.method} ${st.status}`)).toEqual(Array(3).fill(['POST 201', 'PATCH 200', 'PATCH 200']).flat());
    const all = await users(db, dir);
    expect(all.map((u) => [u.active, u.title])).toEqual([[false, 'Senior Chief Executive Officer'], [false, 'Senior Director of Engineering'], [false, 'Senior Director of Sales']]);
    expect(await eventTypes(db, dir)).toEqual({ 'user.created': 3, 'user.updated': 3, 'user.deactivated': 3 });
    // The logged answers name the environment's public URL, not the run's loopback port that is gone.
    const created = (await log(db, dir)).find((r) => r.status === 201)!;
    const shown = await scimctlJson<Resource>(db, ['log', 'show', created.id]);
    expect(shown.responseBody.meta.location).toMatch(new RegExp(`^http://localhost:8080/scim/v2/${dir}/Users/`));
  });
});

describe('scimctl trigger <recording file>', () => {
  test('plays a recording; played again, its fixed names meet 409s: every step reported, exit 1', async () => {
    const s = twoEnvironments();
    expect((await trigger(s.db, [OKTA, '--directory', s.dir])).ok).toBe(true);
    const again = await scimctl(s.db, ['trigger', OKTA, '--directory', s.dir, '--json']);
    expect(again.exitCode).toBe(1);
    const report = JSON.parse(again.stdout) as Report;
    expect(report).toMatchObject({ scenario: OKTA, runId: null, ok: false });
    expect(report.steps[2]).toMatchObject({ method: 'POST', path: '/Users', status: 409, ok: false });
    expect(report.steps.length).toBe(21);
    expect(JSON.parse(again.stderr).error.message).toMatch(/^\d+ of 21 steps did not get the expected status/);
    await untouched(s.db, s.other);
  });

  test('text: a line per request like serve\'s, a summary, and a hint on stderr', async () => {
    const s = twoEnvironments();
    const file = join(temp().dir, 'two.json');
    writeFileSync(file, JSON.stringify({ tenantUrl: '{{baseUrl}}', steps: [
      { name: 'create', method: 'POST', path: '/Users', body: { userName: 'x@y.z' }, expect: { status: 201 }, capture: { 'users.x.id': '/id' } },
      { name: 'filter', method: 'GET', path: '/Users?filter=userName eq "x@y.z"', expect: { status: 200 } },
    ] }));
    const result = await scimctl(s.db, ['trigger', file, '--directory', s.dir]);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POST {3}\/Users 201 \d+\.\dms$/);
    expect(lines[1]).toMatch(/^GET {4}\/Users\?filter=userName eq "x@y\.z" 200 \d+\.\dms$/);
    expect(lines[2]).toBe(`2 requests sent to entra-dev (${s.dir}): 1 user and 0 groups created; every status as expected.`);
    expect(result.stderr).toContain(`log list --directory ${s.dir}\` and \``);
  });

  test('a tenantUrl that is not the directory\'s base URL is refused: the other host receives nothing (not the run\'s secret)', async () => {
    const s = twoEnvironments();
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const file = join(temp().dir, 'foreign.json');
      const tenantUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
      writeFileSync(file, JSON.stringify({ tenantUrl, steps: [{ name: 'list', method: 'GET', path: '/Users', expect: { status: 200 } }] }));
      const result = await scimctl(s.db, ['trigger', file, '--directory', s.dir]);
      expect(result).toEqual({ exitCode: 1, stdout: '', stderr: `error: ${file}: not a recording: "tenantUrl" must start with "{{baseUrl}}" (the directory's base URL), e.g. "{{baseUrl}}?aadOptscim062020"\n` });
      expect(received).toEqual([]);
      expect(await log(s.db, s.dir)).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('text: a step that could not be sent says "not sent", not a status and a duration', async () => {
    const s = twoEnvironments();
    const file = join(temp().dir, 'unsent.json');
    writeFileSync(file, JSON.stringify({ tenantUrl: '{{baseUrl}}', steps: [{ name: 'get', method: 'GET', path: '/Users/{{users.x.id}}', expect: { status: 200 } }] }));
    const result = await scimctl(s.db, ['trigger', file, '--directory', s.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['GET    /Users/{{users.x.id}} not sent (expected 200)', '    not sent: unknown placeholder {{users.x.id}} (did an earlier step fail to capture it?)']);
  });

  test('a file that is not a recording is refused before anything is sent', async () => {
    const s = twoEnvironments();
    const file = join(temp().dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ tenantUrl: '{{baseUrl}}', steps: [{ method: 'GET', path: 'Users', expect: { status: 200 } }] }));
    const bad = await scimctl(s.db, ['trigger', file, '--directory', s.dir]);
    expect(bad).toMatchObject({ exitCode: 1, stdout: '' });
    expect(bad.stderr).toContain('steps[0].path must be a string starting with "/"');
    const missing = await scimctl(s.db, ['trigger', './nowhere.json', '--directory', s.dir]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read recording ./nowhere.json: no such file');
    expect(await log(s.db, s.dir)).toEqual([]);
  });
});

describe('scimctl trigger: listing and usage errors', () => {
  test('--list names each scenario with a line; --json gives an array; no database needed', async () => {
    const { db } = temp();
    const text = await scimctl(db, ['trigger', '--list']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n').slice(1, 5).map((l) => l.split(/\s+/)[0])).toEqual(['entra-provision', 'entra-deprovision', 'okta-provision', 'user-churn']);
    const json = JSON.parse((await scimctl(db, ['trigger', '--list', '--json'])).stdout) as { name: string; description: string }[];
    expect(json.map((s) => s.name)).toEqual(['entra-provision', 'entra-deprovision', 'okta-provision', 'user-churn']);
    expect(json.every((s) => s.description.length > 10)).toBe(true);
  });

  test('an unknown scenario is a usage error (exit 2) in one line naming trigger --list; nothing is sent', async () => {
    const s = twoEnvironments();
    const result = await scimctl(s.db, ['trigger', 'entra-provisoin', '--directory', s.dir]);
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: `error: unknown scenario "entra-provisoin": run \`scimctl --db ${s.db} trigger --list\` to see them\n` });
    expect((await scimctl(s.db, ['trigger', 'user-churn', '--count', '0', '--directory', s.dir])).exitCode).toBe(2);
    expect((await scimctl(s.db, ['trigger', 'okta-provision', '--count', '3', '--directory', s.dir])).exitCode).toBe(2);
    expect((await scimctl(s.db, ['trigger', '--directory', s.dir])).exitCode).toBe(2);
    // Two directories and no TTY to ask at: --directory is needed.
    expect((await scimctl(s.db, ['trigger', 'user-churn'])).exitCode).toBe(2);
    expect(await log(s.db, s.dir)).toEqual([]);
  });
});
