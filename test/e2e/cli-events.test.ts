import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { EVENT_TYPES } from '../../src/store/index.js';
import { Store } from '../../src/store/store.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';
import { memoryIo } from '../helpers/memory-io.js';

// events list/show/resend and webhook secret against a database seeded from the acme fixture:
// 6 users, 4 groups and 8 memberships make events 1-18 (user.created, group.created, group.user_added).

const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;
const ID = /^evt_\d{12}$/;
const PAYLOAD_KEYS = ['id', 'type', 'createdAt', 'environmentId', 'organizationId', 'directoryId', 'requestId', 'data'];
const evt = (seq: number) => `evt_${String(seq).padStart(12, '0')}`;

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Seeded {
  db: string;
  envId: string;
  dirId: string;
}

const temp = useTempDbs();

async function seeded(): Promise<Seeded> {
  const { db } = temp();
  const seed = await scimctl(db, ['seed', ACME]);
  expect(seed.exitCode, seed.stderr).toBe(0);
  const [dir] = await scimctlJson<{ id: string; environmentId: string }[]>(db, ['directory', 'list']);
  return { db, envId: dir!.environmentId, dirId: dir!.id };
}

/** Changes made the way serve makes them, on a second connection to the same file. */
function withStore<T>(db: string, fn: (store: Store) => T): T {
  const store = new Store(db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('events list', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seeded();
  });

  test('a table of every event, oldest first so the newest is last, with what each is about', async () => {
    const result = await scimctl(s.db, ['events', 'list']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TIME +TYPE +DIRECTORY +RESOURCE +REQUEST$/);
    expect(lines).toHaveLength(19);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual(Array.from({ length: 18 }, (_, i) => evt(i + 1)));
    expect(lines[1]).toMatch(new RegExp(`^${evt(1)} +\\S+Z +user\\.created +${s.dirId} +alice@acme\\.test$`));
    expect(lines.find((l) => l.includes('group.created'))).toMatch(/ group\.created +\S+ +\S.*\S$/);
    expect(lines[18]).toMatch(new RegExp(`^${evt(18)} +\\S+ +group\\.user_added +${s.dirId} +All employees: alice@acme\\.test$`));
  });

  test('--limit keeps the newest and says so on stderr (under --json too); 0 is all', async () => {
    const limited = await scimctl(s.db, ['events', 'list', '--limit', '5']);
    expect(limited.exitCode).toBe(0);
    expect(limited.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(' ')[0])).toEqual([14, 15, 16, 17, 18].map(evt));
    expect(limited.stderr).toBe('Showing the newest 5 events; pass --limit 0 for all, or a larger --limit.\n');
    const json = await scimctl(s.db, ['events', 'list', '--limit', '1', '--json']);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((e) => e.id)).toEqual([evt(18)]);
    expect(json.stderr).toBe('Showing the newest 1 event; pass --limit 0 for all, or a larger --limit.\n');
    const all = await scimctl(s.db, ['events', 'list', '--limit', '0', '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(18);
    expect(all.stderr).toBe('');
  });

  test('--json: the payloads apps receive, field for field', async () => {
    const events = await scimctlJson<Record<string, any>[]>(s.db, ['events', 'list']);
    expect(events).toHaveLength(18);
    for (const e of events) expect(Object.keys(e)).toEqual(PAYLOAD_KEYS);
    expect(events[0]).toMatchObject({ id: evt(1), type: 'user.created', environmentId: s.envId, directoryId: s.dirId, requestId: null });
    expect(events[0]!.data).toMatchObject({ scimDirectoryId: s.dirId, email: 'alice@acme.test', deleted: false });
    expect(Object.keys(events[17]!.data)).toEqual(['group', 'user']);
  });

  test('--type (repeatable), --directory and --env filter', async () => {
    const groups = await scimctlJson<{ type: string }[]>(s.db, ['events', 'list', '--type', 'group.created', '--type', 'user.created']);
    expect(groups.map((e) => e.type).sort()).toEqual([...Array(4).fill('group.created'), ...Array(6).fill('user.created')]);
    expect(await scimctlJson(s.db, ['events', 'list', '--directory', s.dirId, '--limit', '0'])).toHaveLength(18);
    expect(await scimctlJson(s.db, ['events', 'list', '--directory', 'Entra ID', '--type', 'group.created'])).toHaveLength(4);
    await scimctl(s.db, ['env', 'create', 'other']);
    const other = await scimctl(s.db, ['events', 'list', '--env', 'other']);
    expect(other).toEqual({ exitCode: 0, stdout: '', stderr: 'No events yet. Changes to users, groups and memberships make them.\n' });
    expect(await scimctlJson(s.db, ['events', 'list', '--env', s.envId, '--limit', '0'])).toHaveLength(18);
  });

  test('a type that is not one is a usage error listing the valid ones; an unknown directory is not found', async () => {
    const bad = await scimctl(s.db, ['events', 'list', '--type', 'user.created', '--type', 'user.moved']);
    expect(bad).toEqual({ exitCode: 2, stdout: '', stderr: `error: invalid --type "user.moved": give one of ${EVENT_TYPES.join(', ')}\n` });
    const dir = await scimctl(s.db, ['events', 'list', '--directory', 'nope']);
    expect(dir.exitCode).toBe(1);
    expect(dir.stdout).toBe('');
    const limit = await scimctl(s.db, ['events', 'list', '--limit', 'x']);
    expect(limit).toEqual({ exitCode: 2, stdout: '', stderr: 'error: invalid --limit "x": give a whole number (0 for no limit)\n' });
  });

  test('--follow --json prints the newest, then each new matching event as it is committed, until stopped', async () => {
    const { db, dirId } = await seeded();
    const run = memoryIo();
    const following = runCli(['--db', db, 'events', 'list', '--follow', '--json', '--limit', '2', '--type', 'user.created', '--type', 'user.deleted'], run.io);
    await until(() => run.stdout().split('\n').length > 2);
    withStore(db, (store) => {
      const now = new Date().toISOString();
      const zed = store.users.create(dirId, { userName: 'zed@acme.test' }, now);
      store.groups.create(dirId, { displayName: 'Not shown' }, [], now);
      store.users.create(dirId, { userName: 'yan@acme.test' }, now);
      store.users.delete(dirId, zed.id, now);
    });
    await until(() => run.stdout().split('\n').length > 5);
    run.stop();
    expect(await following).toBe(0);
    const lines = run.stdout().trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; type: string; data: { email: string } });
    expect(lines.map((e) => [e.id, e.type, e.data.email])).toEqual([
      [evt(5), 'user.created', 'erin@acme.test'],
      [evt(6), 'user.created', 'frank@acme.test'],
      [evt(19), 'user.created', 'zed@acme.test'],
      [evt(21), 'user.created', 'yan@acme.test'],
      [evt(22), 'user.deleted', 'zed@acme.test'],
    ]);
    expect(run.stderr()).toBe('Showing the newest 2 events; pass --limit 0 for all, or a larger --limit.\n');
  });

  test('--follow: a header, then rows', async () => {
    const { db, dirId } = await seeded();
    const run = memoryIo();
    const following = runCli(['--db', db, 'events', 'list', '--follow', '--limit', '0', '--type', 'group.created'], run.io);
    await until(() => run.stdout().split('\n').length > 5);
    withStore(db, (store) => store.groups.create(dirId, { displayName: 'Late' }, [], new Date().toISOString()));
    await until(() => run.stdout().includes('Late'));
    run.stop();
    expect(await following).toBe(0);
    const lines = run.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TIME +TYPE +DIRECTORY +RESOURCE +REQUEST$/);
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(new RegExp(`^${evt(19)} +\\S+ +group\\.created +${dirId} +Late$`));
  });
});

describe('events show', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seeded();
  });

  test('the payload pretty-printed, and no deliveries yet', async () => {
    const result = await scimctl(s.db, ['events', 'show', evt(1)]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const payload = JSON.parse((await scimctl(s.db, ['events', 'list', '--json', '--type', 'user.created', '--limit', '0'])).stdout)[0];
    expect(result.stdout).toBe(
      `ID:        ${evt(1)}\nType:      user.created\nTime:      ${payload.createdAt}\nDirectory: ${s.dirId}\nRequest:   -\n\n` +
        `Payload\n${JSON.stringify(payload, null, 2)}\n\nDeliveries\n(none)\n`,
    );
  });

  test('--json: {event, deliveries}; a short id works too', async () => {
    const shown = await scimctlJson<{ event: Record<string, unknown>; deliveries: unknown[] }>(s.db, ['events', 'show', 'evt_18']);
    expect(Object.keys(shown)).toEqual(['event', 'deliveries']);
    expect(Object.keys(shown.event)).toEqual(PAYLOAD_KEYS);
    expect(shown.event.id).toBe(evt(18));
    expect(shown.deliveries).toEqual([]);
  });

  test('an unknown or malformed id is not found, exit 1, with where to look', async () => {
    for (const id of [evt(99), 'req_1', 'evt_x']) {
      expect(await scimctl(s.db, ['events', 'show', id])).toEqual({ exitCode: 1, stdout: '', stderr: `error: no event "${id}"\nSee \`scimctl --db ${s.db} events list\`\n` });
    }
    const json = await scimctl(s.db, ['events', 'show', 'nope', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { kind: 'not-found', message: 'no event "nope"', hint: `See \`scimctl --db ${s.db} events list\`` } });
  });
});

/** A loopback receiver that answers `status` and keeps what it got. */
async function receiver(status: number): Promise<{ url: string; got: { headers: IncomingMessage['headers']; body: string }[]; close: () => Promise<void> }> {
  const got: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, got, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('events resend', () => {
  let s: Seeded;
  let ok: Awaited<ReturnType<typeof receiver>>;
  let failing: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    s = await seeded();
    ok = await receiver(200);
    failing = await receiver(500);
  });
  afterAll(async () => {
    await ok.close();
    await failing.close();
  });

  test('with no forward yet and no --to: a usage error saying to pass --to', async () => {
    expect(await scimctl(s.db, ['events', 'resend', evt(1)])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: no URL to send to: events have not been forwarded from this database yet\nPass --to <url>\n',
    });
  });

  test('--to: one signed POST that the standardwebhooks library verifies, recorded, exit 0', async () => {
    const { signingSecret } = await scimctlJson<{ signingSecret: string }>(s.db, ['webhook', 'secret']);
    const result = await scimctl(s.db, ['events', 'resend', evt(2), '--to', ok.url]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Delivered ${evt(2)} to ${ok.url}: 200 in \\d+ms\\n$`));
    expect(result.stderr).toBe('');
    expect(ok.got).toHaveLength(1);
    const { headers, body } = ok.got[0]!;
    const verified = new Webhook(signingSecret).verify(body, headers as Record<string, string>) as { id: string };
    expect(verified.id).toBe(evt(2));
    expect(headers['webhook-id']).toBe(evt(2));
    const shown = await scimctlJson<{ event: unknown; deliveries: Record<string, unknown>[] }>(s.db, ['events', 'show', evt(2)]);
    expect(JSON.parse(body)).toEqual(shown.event);
    expect(shown.deliveries).toEqual([{ time: expect.any(String), url: ok.url, status: 200, durationMs: expect.any(Number), error: null, response: 'thanks' }]);
    const human = await scimctl(s.db, ['events', 'show', evt(2)]);
    expect(human.stdout).toMatch(new RegExp(`\\nDeliveries\\nTIME +URL +STATUS +DURATION +RESPONSE\\n\\S+Z +${ok.url} +HTTP 200 +\\d+ms +thanks\\n$`));
  });

  test('without --to: the URL events were last forwarded to', async () => {
    withStore(s.db, (store) => store.webhooks.acknowledge(ok.url, 0, new Date().toISOString()));
    const result = await scimctl(s.db, ['events', 'resend', evt(3), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: evt(3), time: expect.any(String), url: ok.url, status: 200, durationMs: expect.any(Number), error: null, response: 'thanks' });
    expect(ok.got.map((g) => g.headers['webhook-id'])).toEqual([evt(2), evt(3)]);
  });

  test('a receiver that fails: exit 1 with its status, and the attempt recorded', async () => {
    const result = await scimctl(s.db, ['events', 'resend', evt(4), '--to', failing.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: ${evt(4)} to ${failing.url}: HTTP 500 after \\d+ms\\nSee \`scimctl --db ${s.db} events show ${evt(4)}\`\\n$`));
    const shown = await scimctlJson<{ deliveries: Record<string, unknown>[] }>(s.db, ['events', 'show', evt(4)]);
    expect(shown.deliveries).toMatchObject([{ url: failing.url, status: 500, error: null, response: 'broken' }]);
  });

  test('nobody listening: exit 1 with the error; a bad --to or an unknown event never sends', async () => {
    const closed = await receiver(200);
    await closed.close();
    const refused = await scimctl(s.db, ['events', 'resend', evt(5), '--to', closed.url]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: ${evt(5)} to ${closed.url}: connection refused after \\d+ms\\n`));
    expect(await scimctl(s.db, ['events', 'resend', evt(5), '--to', 'ftp://example.test/x'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: invalid --to "ftp://example.test/x": give an http or https URL, such as http://localhost:3000/webhooks\n',
    });
    // Credentials in the URL are refused, and never echoed (fetch cannot send them; each failure would log them).
    const withPassword = await scimctl(s.db, ['events', 'resend', evt(5), '--to', 'http://hook:s3cret@127.0.0.1:9/x']);
    expect(withPassword.exitCode).toBe(2);
    expect(withPassword.stderr).toBe('error: invalid --to: a URL with a user name or password is not supported\nGive the URL without credentials; verify deliveries by their signature instead\n');
    expect((await scimctl(s.db, ['events', 'resend', evt(99), '--to', ok.url])).exitCode).toBe(1);
  });
});

describe('webhook secret', () => {
  test('made on first use, the same after, stored (so the notice says so); --rotate needs --yes and makes a new one', async () => {
    const { db, envId } = await seeded();
    const first = await scimctlJson<{ environmentId: string; signingSecret: string }>(db, ['webhook', 'secret']);
    expect(Object.keys(first)).toEqual(['environmentId', 'signingSecret']);
    expect(first.environmentId).toBe(envId);
    expect(first.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const human = await scimctl(db, ['webhook', 'secret', '--env', 'demo']);
    expect(human).toEqual({
      exitCode: 0,
      stdout: `Signing secret: ${first.signingSecret}\n`,
      stderr: 'Unlike bearer tokens and API keys, scimctl stores this secret (it signs every delivery); this command shows it again.\n',
    });
    const unconfirmed = await scimctl(db, ['webhook', 'secret', '--rotate']);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr).toBe('error: Rotate the webhook signing secret of demo (apps must verify with the new one from the next delivery) needs confirmation\nPass --yes to confirm\n');
    const rotated = await scimctl(db, ['webhook', 'secret', '--rotate', '--yes']);
    expect(rotated.exitCode).toBe(0);
    const secret = /^Signing secret: (whsec_\S+)\n$/.exec(rotated.stdout)?.[1];
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(first.signingSecret);
    expect(rotated.stderr).toContain(`Rotated the webhook signing secret of demo; a running \`scimctl --db ${db} serve\` signs its next delivery with the new one\n`);
    expect((await scimctlJson<{ signingSecret: string }>(db, ['webhook', 'secret'])).signingSecret).toBe(secret);
  });

  test('with several environments and no --env: a usage error naming them', async () => {
    const { db } = await seeded();
    await scimctl(db, ['env', 'create', 'other']);
    expect(await scimctl(db, ['webhook', 'secret'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: missing required --env <env>: this database has several environments\nPass --env with one of: demo, other\n',
    });
    const other = await scimctlJson<{ signingSecret: string }>(db, ['webhook', 'secret', '--env', 'other']);
    const demo = await scimctlJson<{ signingSecret: string }>(db, ['webhook', 'secret', '--env', 'demo']);
    expect(other.signingSecret).not.toBe(demo.signingSecret);
  });
});

describe('events of a delete that takes users and groups with it', () => {
  interface Listed {
    id: string;
    type: string;
    directoryId: string;
    data: { id: string; deleted: boolean };
  }
  const after18 = async (db: string) => (await scimctlJson<Listed[]>(db, ['events', 'list', '--limit', '0'])).slice(18);

  test('directory delete: each live user and group gets its deleted event, as after a SCIM DELETE', async () => {
    const s = await seeded();
    const users = await scimctlJson<{ id: string }[]>(s.db, ['user', 'list', '--directory', s.dirId]);
    const groups = await scimctlJson<{ id: string }[]>(s.db, ['group', 'list', '--directory', s.dirId]);
    const deleted = await scimctl(s.db, ['directory', 'delete', s.dirId, '--yes']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    const events = await after18(s.db);
    expect(events.map((e) => e.type)).toEqual([...users.map(() => 'user.deleted'), ...groups.map(() => 'group.deleted')]);
    expect(events.map((e) => e.data.id)).toEqual([...users.map((u) => u.id), ...groups.map((g) => g.id)]);
    expect(events.every((e) => e.directoryId === s.dirId && e.data.deleted)).toBe(true);
    // The deleted directory's events can still be picked out by its id.
    const byDirectory = await scimctlJson<Listed[]>(s.db, ['events', 'list', '--directory', s.dirId, '--limit', '0']);
    expect(byDirectory).toHaveLength(28);
    const unknown = await scimctl(s.db, ['events', 'list', '--directory', 'scim_directory_01nothere']);
    expect([unknown.exitCode, unknown.stderr]).toEqual([1, expect.stringContaining('no SCIM directory "scim_directory_01nothere"')]);
  });

  test('org delete does the same for every directory in it; env delete writes none', async () => {
    const s = await seeded();
    const [org] = await scimctlJson<{ id: string }[]>(s.db, ['org', 'list']);
    const [first] = await scimctlJson<{ id: string }[]>(s.db, ['user', 'list']);
    withStore(s.db, (store) => store.users.delete(s.dirId, first!.id));
    expect((await scimctl(s.db, ['org', 'delete', org!.id, '--yes'])).exitCode).toBe(0);
    // One user.deleted from the SCIM-side delete, then the 5 users left and 4 groups from the org delete.
    expect((await after18(s.db)).map((e) => e.type)).toEqual([...Array(6).fill('user.deleted'), ...Array(4).fill('group.deleted')]);

    // An environment takes its API keys and signing secret with it: nothing could read or receive such events.
    const t = await seeded();
    expect((await scimctl(t.db, ['env', 'delete', t.envId, '--yes'])).exitCode).toBe(0);
    expect(await after18(t.db)).toEqual([]);
  });
});

describe('serve --event-max-rows', () => {
  test('keeps at most that many events once serve has written enough to trim; a bad value is a usage error', async () => {
    const s = await seeded();
    const ids = withStore(s.db, (store) =>
      store.transaction(() => Array.from({ length: 1000 }, (_, i) => store.users.create(s.dirId, { schemas: [], userName: `m${i}@acme.test` }, new Date().toISOString()).id)),
    );
    const run = memoryIo();
    const serving = runCli(['--db', s.db, 'serve', '--port', '0', '--json', '--event-max-rows', '100'], run.io);
    await until(() => run.stdout().includes('\n'));
    try {
      const base = (JSON.parse(run.stdout()) as { directories: { baseUrl: string }[] }).directories[0]!.baseUrl;
      const token = JSON.parse(readFileSync(ACME, 'utf8')).environments[0].organizations[0].directories[0].token as string;
      const group = await fetch(`${base}/Groups`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'All', members: ids.map((value) => ({ value })) }),
      });
      expect(group.status).toBe(201);
    } finally {
      run.stop();
      expect(await serving).toBe(0);
    }
    // 18 + 1,000 events before, 1,001 from the POST: the trim at serve's 1,000th keeps the newest 100, then one more lands.
    const events = await scimctlJson<{ type: string }[]>(s.db, ['events', 'list', '--limit', '0']);
    expect(events).toHaveLength(101);
    expect(events.every((e) => e.type === 'group.user_added')).toBe(true);
    // The number is kept in the database: another process writing events trims to it too.
    withStore(s.db, (store) => store.transaction(() => Array.from({ length: 1000 }, (_, i) => store.users.create(s.dirId, { schemas: [], userName: `late${i}@acme.test` }, new Date().toISOString()))));
    const after = await scimctlJson<{ type: string }[]>(s.db, ['events', 'list', '--limit', '0']);
    expect(after).toHaveLength(100);
    expect(after.every((e) => e.type === 'user.created')).toBe(true);
    const bad = await scimctl(s.db, ['serve', '--event-max-rows', '5']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining('invalid --event-max-rows "5"')]);
  });
});
