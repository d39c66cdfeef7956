import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context } from '../../src/cli/context.js';
import type { CliIo, CliOutput } from '../../src/cli/io.js';
import { runServe } from '../../src/cli/serve-run.js';
import type { ServeOptions } from '../../src/cli/serve-flags.js';
import type { ForwardTiming } from '../../src/webhooks/forwarder.js';
import { openStore } from '../../src/store/store.js';
import { scimctl, tempDb } from '../helpers/cli.js';
import { Receiver } from '../helpers/receiver.js';

/** serve --forward-to in-process, with a real webhook receiver on loopback verifying every signature. */

const SCIM_JSON = 'application/scim+json';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Retries after 20, 40, 80 … ms (capped at 100 ms) instead of seconds. */
const FAST: Partial<ForwardTiming> = { retryBaseMs: 20, retryCapMs: 100, pollMs: 25 };

class Capture {
  text = '';
  isTTY = false;
  write(chunk: string | Uint8Array): boolean {
    this.text += String(chunk);
    return true;
  }
}

interface ReadyLine {
  url: string;
  directories: { id: string; baseUrl: string }[];
  forwardTo: { url: string; signingSecret: string; signingSecrets?: Record<string, string> } | null;
}

interface Running {
  ctx: Context;
  stderr: Capture;
  ready: Promise<ReadyLine>;
  stop: () => Promise<void>;
}

let tmp: ReturnType<typeof tempDb>;
let directory: { id: string; token: string; environmentId: string };

beforeEach(() => {
  tmp = tempDb();
  const store = openStore(tmp.db);
  const env = store.environments.create({ name: 'development', publicUrl: 'http://localhost:8080' });
  const org = store.organizations.create({ environmentId: env.id, name: 'Contoso', domains: [] });
  const { directory: d, token } = store.directories.create({ organizationId: org.id, name: 'Entra' });
  directory = { id: d.id, token, environmentId: env.id };
  store.close();
});
afterEach(() => tmp.cleanup());

function serve(options: Partial<ServeOptions>, { json = true, env = {}, timing = FAST }: { json?: boolean; env?: Record<string, string>; timing?: Partial<ForwardTiming> } = {}): Running {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = { stdin: process.stdin, stdout: stdout as unknown as CliOutput, stderr: stderr as unknown as CliOutput, env: { ...process.env, NO_COLOR: '1', ...env }, onStop: () => () => {} };
  const ctx = new Context({ db: tmp.db, json }, io, { createsDatabase: true });
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const done = runServe(ctx, { port: '0', host: '127.0.0.1', ...options }, { stop: stopped, forwardTiming: timing }).finally(() => ctx.close());
  done.catch(() => undefined);
  const ready = (async () => {
    while (!stdout.text.includes('\n') && !stderr.text.includes('Ctrl-C')) {
      await Promise.race([new Promise((r) => setTimeout(r, 10)), done.then(() => Promise.reject(new Error(stderr.text)))]);
    }
    return (json ? JSON.parse(stdout.text) : { url: /on (http\S+)/.exec(stderr.text)![1], directories: [], forwardTo: null }) as ReadyLine;
  })();
  return { ctx, stderr, ready, stop: async () => (stop(), await done) };
}

function scim(base: string, token = directory.token) {
  return async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': SCIM_JSON } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
}

const userBody = (name: string) => ({
  schemas: [USER],
  userName: `${name}@contoso.com`,
  externalId: name,
  active: true,
  displayName: name,
  name: { givenName: name, familyName: 'Example' },
  emails: [{ type: 'work', value: `${name}@contoso.com`, primary: true }],
});
const replace = (path: string, value: unknown) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path, value }] });

/** A second directory (B) beside `directory`, in the same organization; its id. */
function secondDirectory(): string {
  const store = openStore(tmp.db);
  try {
    const org = store.directories.list().find((d) => d.id === directory.id)!.organizationId;
    return store.directories.create({ organizationId: org, name: 'B' }).directory.id;
  } finally {
    store.close();
  }
}

/** A user made by another connection (as seed or the CLI would); the id of its event. */
function userElsewhere(directoryId: string, name: string): string {
  const store = openStore(tmp.db);
  try {
    store.users.create(directoryId, { schemas: [USER], userName: `${name}@contoso.com`, active: true }, new Date().toISOString());
    return store.events.list({ afterSeq: store.events.latestSeq() - 1, limit: 1 })[0]!.id;
  } finally {
    store.close();
  }
}

/** Until the forwarder has acknowledged every event in the database (of each of `directoryIds`, for a limited serve). */
async function allAcknowledged(run: Running, url: string, directoryIds: (string | undefined)[] = [undefined], timeoutMs = 10_000): Promise<void> {
  const events = run.ctx.store.events;
  const webhooks = run.ctx.store.webhooks;
  const deadline = Date.now() + timeoutMs;
  const least = () => Math.min(...directoryIds.map((id) => webhooks.acknowledged(url, id)));
  while (least() < events.latestSeq()) {
    if (Date.now() > deadline) throw new Error(`not acknowledged: ${least()} < ${events.latestSeq()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('serve --forward-to', () => {
  it('delivers an Entra provisioning round as signed events, in order, each once, with its requestId', async () => {
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const run = serve({ forwardTo: receiver.url });
    const ready = await run.ready;
    secret = ready.forwardTo!.signingSecret;
    expect(ready.forwardTo).toEqual({ url: receiver.url, signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
    // The secret is the environment's, kept in the database.
    expect(run.ctx.store.webhooks.signingSecret(directory.environmentId)).toBe(secret);
    const call = scim(ready.directories[0]!.baseUrl);

    const alice = (await call('/Users', 'POST', userBody('alice'))).body!.id as string;
    const bob = (await call('/Users', 'POST', userBody('bob'))).body!.id as string;
    expect((await call(`/Users/${alice}`, 'PATCH', replace('displayName', 'Alice Example'))).status).toBe(200);
    expect((await call(`/Users/${alice}`, 'PATCH', replace('displayName', 'Alice Example'))).status).toBe(200); // no change: no event
    expect((await call(`/Users/${bob}`, 'PATCH', replace('active', 'False'))).status).toBe(200);
    const group = (await call('/Groups', 'POST', { schemas: [GROUP], displayName: 'Engineering', externalId: 'g1', members: [{ value: alice }] })).body!.id as string;
    expect((await call(`/Groups/${group}`, 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: bob }] }] })).status).toBe(204);
    expect((await call(`/Groups/${group}`, 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${alice}"]` }] })).status).toBe(204);
    expect((await call(`/Groups/${group}`, 'PATCH', replace('displayName', 'Platform'))).status).toBe(204);
    expect((await call(`/Users/${bob}`, 'DELETE')).status).toBe(204);
    expect((await call(`/Groups/${group}`, 'DELETE')).status).toBe(204);

    await allAcknowledged(run, receiver.url);
    await run.stop();
    await receiver.close();

    expect(receiver.bad).toEqual([]);
    const got = receiver.received.map((r) => r.event);
    expect(got.map((e) => e.type)).toEqual([
      'user.created',
      'user.created',
      'user.updated',
      'user.deactivated',
      'group.created',
      'group.user_added',
      'group.user_added',
      'group.user_removed',
      'group.updated',
      // Deleting a user takes it out of its groups without an event per group: user.deleted says it.
      'user.deleted',
      'group.deleted',
    ]);
    // Each once, in event order, the webhook-id being the event id.
    expect(receiver.received.map((r) => r.id)).toEqual(got.map((e) => e.id));
    expect([...got.map((e) => e.id)].sort()).toEqual(got.map((e) => e.id));
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    for (const e of got) {
      expect(Object.keys(e)).toEqual(['id', 'type', 'createdAt', 'environmentId', 'organizationId', 'directoryId', 'requestId', 'data']);
      expect(e).toMatchObject({ environmentId: directory.environmentId, directoryId: directory.id, requestId: expect.stringMatching(/^req_\d+$/) });
    }
    // Events of one request share its id; the two POSTs are two requests.
    expect(got[0]!.requestId).not.toBe(got[1]!.requestId);
    expect(got[4]!.requestId).toBe(got[5]!.requestId);
    expect(got[2]!.data).toMatchObject({ attributes: { displayName: 'Alice Example' }, previous: { displayName: 'alice' } });
    expect(got[8]!.data).toMatchObject({ previous: { displayName: 'Engineering' } });
    expect(got[5]!.data).toMatchObject({ group: { id: group }, user: { id: alice } });
  });

  it('retries a failing receiver with backoff: 4 attempts recorded, delivered once, later events wait', async () => {
    let secret = '';
    // The first event fails three times (500), then everything succeeds.
    const receiver = await new Receiver(() => secret, (attempt) => (attempt <= 3 ? 500 : 200)).listen();
    const run = serve({ forwardTo: receiver.url }, { json: false });
    await run.ready;
    secret = run.ctx.store.webhooks.signingSecret(directory.environmentId);
    const base = `${(await run.ready).url}/scim/v2/${directory.id}`;
    const call = scim(base);
    for (const name of ['u1', 'u2', 'u3']) expect((await call('/Users', 'POST', userBody(name))).status).toBe(201);
    await allAcknowledged(run, receiver.url);
    const events = run.ctx.store.events;
    const webhooks = run.ctx.store.webhooks;
    const seqs = events.list({ afterSeq: 0, limit: 10 }).map((e) => e.seq);
    const attempts = seqs.map((seq) => webhooks.deliveries(seq).map((d) => d.status));
    const stderr = run.stderr.text;
    await run.stop();
    await receiver.close();

    expect(receiver.bad).toEqual([]);
    expect(attempts).toEqual([[500, 500, 500, 200], [200], [200]]);
    expect(receiver.received.map((r) => [r.event.data.email, r.headers['x-answered']])).toEqual([
      ['u1@contoso.com', '500'],
      ['u1@contoso.com', '500'],
      ['u1@contoso.com', '500'],
      ['u1@contoso.com', '2xx'],
      ['u2@contoso.com', '2xx'],
      ['u3@contoso.com', '2xx'],
    ]);
    // One line per attempt: time, event, type, outcome, duration, and the retry.
    const lines = stderr.split('\n').filter((l) => l.includes(' EVENT '));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z EVENT  evt_\d{12} user\.created → 500 \d+\.\dms retrying in 0\.02 s \(attempt 1 failed\)$/);
    expect(lines[1]).toMatch(/→ 500 \d+\.\dms retrying in 0\.04 s \(attempt 2 failed\)$/);
    expect(lines[2]).toMatch(/→ 500 \d+\.\dms retrying in 0\.08 s \(attempt 3 failed\)$/);
    expect(lines[3]).toMatch(/^\S+ EVENT  evt_\d{12} user\.created → 200 \d+\.\dms$/);
  });

  it('prints failed attempts on stderr under --json too (stdout stays the ready line), successful ones not', async () => {
    let secret = '';
    const receiver = await new Receiver(() => secret, (attempt) => (attempt <= 2 ? 500 : 200)).listen();
    const run = serve({ forwardTo: receiver.url }, { json: true });
    const ready = await run.ready;
    secret = run.ctx.store.webhooks.signingSecret(directory.environmentId);
    expect((await scim(`${ready.url}/scim/v2/${directory.id}`)('/Users', 'POST', userBody('j1'))).status).toBe(201);
    await allAcknowledged(run, receiver.url);
    const stderr = run.stderr.text;
    await run.stop();
    await receiver.close();
    const lines = stderr.split('\n').filter((l) => l.includes(' EVENT '));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/ EVENT  evt_\d{12} user\.created → 500 \d+\.\dms retrying in 0\.04 s \(attempt 2 failed\)$/);
  });

  it('holds events while the receiver is down (connection refused) and delivers them all, in order, when it is back', async () => {
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const port = receiver.port;
    await receiver.close(); // down: the port refuses connections
    const run = serve({ forwardTo: receiver.url });
    const ready = await run.ready;
    secret = ready.forwardTo!.signingSecret;
    const call = scim(ready.directories[0]!.baseUrl);
    const names = Array.from({ length: 10 }, (_, i) => `down${i}`);
    for (const name of names) expect((await call('/Users', 'POST', userBody(name))).status).toBe(201);
    const events = run.ctx.store.events;
    const webhooks = run.ctx.store.webhooks;
    const first = events.list({ afterSeq: 0, limit: 1 })[0]!;
    // Wait for the first event's second failed attempt (the backoff is a few tens of ms).
    for (const deadline = Date.now() + 5000; webhooks.deliveries(first.seq).length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    const failed = webhooks.deliveries(first.seq);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.every((d) => d.status === null && d.error === 'connection refused')).toBe(true);
    expect(webhooks.deliveries(first.seq + 1)).toEqual([]); // later events wait behind it

    await receiver.listen(port);
    await allAcknowledged(run, receiver.url);
    await run.stop();
    await receiver.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => r.event.data.email)).toEqual(names.map((n) => `${n}@contoso.com`));
  });

  it('never slows SCIM down: a receiver that hangs times out and is retried while 50 POSTs stay fast', async () => {
    const receiver = await new Receiver(() => 'whsec_' + Buffer.alloc(32).toString('base64'), () => 'hang').listen();
    const run = serve({ forwardTo: receiver.url }, { timing: { ...FAST, timeoutMs: 200 } });
    const ready = await run.ready;
    const call = scim(ready.directories[0]!.baseUrl);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      expect((await call('/Users', 'POST', userBody(`fast${i}`))).status).toBe(201);
      latencies.push(performance.now() - started);
    }
    await receiver.until((r) => r.attempts >= 3);
    const events = run.ctx.store.events;
    const webhooks = run.ctx.store.webhooks;
    const first = events.list({ afterSeq: 0, limit: 1 })[0]!;
    const deliveries = webhooks.deliveries(first.seq);
    const acknowledged = webhooks.acknowledged(receiver.url);
    const shutdownStarted = performance.now();
    await run.stop();
    const shutdownMs = performance.now() - shutdownStarted;
    await receiver.close();
    // Were SCIM to wait for the hanging receiver, every POST would take the 200 ms delivery timeout.
    // A loaded machine may stall one or two of them; the median and the count stay far from that.
    const sorted = [...latencies].sort((x, y) => x - y);
    expect(sorted[25]).toBeLessThan(100);
    expect(latencies.filter((ms) => ms >= 200).length).toBeLessThanOrEqual(5);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries[0]).toMatchObject({ status: null, error: 'timed out after 0.2 s' });
    expect(acknowledged).toBe(0);
    expect(shutdownMs).toBeLessThan(2000);
  });

  it('signs with --signing-secret or SCIMCTL_WEBHOOK_SECRET, stored for the served environment; a bad one is a usage error', async () => {
    const fixed = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const receiver = await new Receiver(() => fixed).listen();
    const run = serve({ forwardTo: receiver.url }, { env: { SCIMCTL_WEBHOOK_SECRET: fixed } });
    const ready = await run.ready;
    expect(ready.forwardTo).toEqual({ url: receiver.url, signingSecret: fixed });
    expect((await scim(ready.directories[0]!.baseUrl)('/Users', 'POST', userBody('signed'))).status).toBe(201);
    await allAcknowledged(run, receiver.url);
    expect(run.ctx.store.webhooks.signingSecret(directory.environmentId)).toBe(fixed);
    await run.stop();
    await receiver.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => r.event.type)).toEqual(['user.created']);

    const short = 'whsec_' + Buffer.from('too short').toString('base64');
    for (const [args, env, message] of [
      [['--signing-secret', 'not-a-secret'], {}, 'invalid --signing-secret'],
      [['--signing-secret', short], {}, 'invalid --signing-secret'],
      [[], { SCIMCTL_WEBHOOK_SECRET: 'whsec_!!' }, 'invalid SCIMCTL_WEBHOOK_SECRET'],
    ] as const) {
      const result = await scimctl(tmp.db, ['serve', '--port', '0', '--forward-to', 'http://127.0.0.1:9/hooks', ...args], { env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`${message}: give whsec_ followed by the base64 of at least 16 random bytes`);
    }
    const noForward = await scimctl(tmp.db, ['serve', '--port', '0', '--signing-secret', fixed]);
    expect([noForward.exitCode, noForward.stderr]).toEqual([2, expect.stringContaining('--signing-secret needs --forward-to')]);
    for (const url of ['ftp://example.test/hooks', 'localhost:3000']) {
      const bad = await scimctl(tmp.db, ['serve', '--port', '0', '--forward-to', url]);
      expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining(`invalid --forward-to "${url}": give an http or https URL`)]);
    }
  });

  it('starts a URL used for the first time at new events, finds changes made elsewhere by polling, and prints the banner line', async () => {
    const store = openStore(tmp.db);
    store.users.create(directory.id, { schemas: [USER], userName: 'before@contoso.com', active: true }, new Date().toISOString());
    store.close();
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const run = serve({ forwardTo: receiver.url }, { json: false });
    await run.ready;
    secret = run.ctx.store.webhooks.signingSecret(directory.environmentId);
    expect(run.stderr.text).toContain(`Forwarding events to ${receiver.url} (signing secret ${secret})\n`);
    // A change made elsewhere (another connection, as seed or the CLI) is found by polling; it carries no requestId.
    const other = openStore(tmp.db);
    other.users.create(directory.id, { schemas: [USER], userName: 'cli@contoso.com', active: true }, new Date().toISOString());
    other.close();
    await receiver.until((r) => r.received.length >= 1);
    await allAcknowledged(run, receiver.url);
    await run.stop();
    await receiver.close();
    expect(receiver.received.map((r) => [r.event.type, r.event.data.email, r.event.requestId])).toEqual([['user.created', 'cli@contoso.com', null]]);
  });

  it('forwards only the served directories, each environment signing with its own secret', async () => {
    const store = openStore(tmp.db);
    const env2 = store.environments.create({ name: 'staging', publicUrl: 'http://localhost:8081' });
    const org2 = store.organizations.create({ environmentId: env2.id, name: 'Fabrikam', domains: [] });
    const other = store.directories.create({ organizationId: org2.id, name: 'Okta' });
    const org1 = store.directories.list().find((d) => d.id === directory.id)!.organizationId;
    const unserved = store.directories.create({ organizationId: org1, name: 'Unserved' }).directory.id;
    store.close();
    const receiver = await new Receiver((event) => secrets[event.environmentId as string]!).listen();
    let secrets: Record<string, string> = {};
    const run = serve({ forwardTo: receiver.url, directory: [directory.id, other.directory.id] });
    const ready = await run.ready;
    secrets = ready.forwardTo!.signingSecrets!;
    expect(Object.keys(secrets)).toEqual([directory.environmentId, env2.id]);
    expect(secrets[directory.environmentId]).not.toBe(secrets[env2.id]);
    expect(ready.forwardTo!.signingSecret).toBe(secrets[directory.environmentId]);

    const base = (id: string) => ready.directories.find((d) => d.id === id)!.baseUrl;
    expect((await scim(base(directory.id))('/Users', 'POST', userBody('one'))).status).toBe(201);
    const writer = openStore(tmp.db);
    writer.users.create(unserved, { schemas: [USER], userName: 'skipped@contoso.com', active: true }, new Date().toISOString());
    writer.close();
    expect((await scim(base(other.directory.id), other.token)('/Users', 'POST', userBody('two'))).status).toBe(201);
    await allAcknowledged(run, receiver.url, [directory.id, other.directory.id]);
    // Only the served directories moved on: the unserved one's event is still due to a serve of it.
    expect(run.ctx.store.webhooks.acknowledged(receiver.url, unserved)).toBe(0);
    await run.stop();
    await receiver.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => [r.event.environmentId, r.event.data.email])).toEqual([
      [directory.environmentId, 'one@contoso.com'],
      [env2.id, 'two@contoso.com'],
    ]);
  });

  it('a serve of every directory after one limited to A delivers what B did meanwhile, and none of A\'s acknowledged events again', async () => {
    const b = secondDirectory();
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const limited = serve({ forwardTo: receiver.url, directory: [directory.id] });
    secret = (await limited.ready).forwardTo!.signingSecret;
    const a1 = userElsewhere(directory.id, 'a1');
    const b1 = userElsewhere(b, 'b1');
    await allAcknowledged(limited, receiver.url, [directory.id]);
    await limited.stop();
    expect(receiver.received.map((r) => r.event.data.email)).toEqual(['a1@contoso.com']);

    const all = serve({ forwardTo: receiver.url });
    await all.ready;
    const a2 = userElsewhere(directory.id, 'a2');
    await allAcknowledged(all, receiver.url);
    await all.stop();
    await receiver.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => [r.id, r.event.directoryId, r.event.data.email])).toEqual([
      [a1, directory.id, 'a1@contoso.com'],
      [b1, b, 'b1@contoso.com'],
      [a2, directory.id, 'a2@contoso.com'],
    ]);
  });

  it('two serves limited to A, then to B, then to A again, forwarding to the same URL: each delivers its own events, none lost, none twice', async () => {
    const b = secondDirectory();
    let secret = '';
    const receiver = await new Receiver(() => secret).listen();
    const emails = () => receiver.received.map((r) => r.event.data.email as string);
    const run = async (served: string, change: () => string) => {
      const limited = serve({ forwardTo: receiver.url, directory: [served] });
      secret = (await limited.ready).forwardTo!.signingSecret;
      const id = change();
      await allAcknowledged(limited, receiver.url, [served]);
      await limited.stop();
      return id;
    };
    let b1 = '';
    const a1 = await run(directory.id, () => [userElsewhere(directory.id, 'a1'), (b1 = userElsewhere(b, 'b1'))][0]!);
    expect(emails()).toEqual(['a1@contoso.com']);
    const a2 = await run(b, () => userElsewhere(directory.id, 'a2'));
    expect(emails()).toEqual(['a1@contoso.com', 'b1@contoso.com']);
    await run(directory.id, () => '');
    await receiver.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => [r.id, r.event.data.email])).toEqual([
      [a1, 'a1@contoso.com'],
      [b1, 'b1@contoso.com'],
      [a2, 'a2@contoso.com'],
    ]);
    const webhooks = openStore(tmp.db);
    try {
      expect([webhooks.webhooks.acknowledged(receiver.url, directory.id), webhooks.webhooks.acknowledged(receiver.url, b), webhooks.webhooks.acknowledged(receiver.url)]).toEqual([3, 3, 0]);
      expect(webhooks.webhooks.lastUrl()).toBe(receiver.url);
    } finally {
      webhooks.close();
    }
  });

  it('keeps its bookkeeping while another process holds the write lock, and writes it once the lock is free', async () => {
    let secret = '';
    const locker = new Database(tmp.db);
    // The first delivery arrives while another connection holds the write lock for 300 ms.
    const receiver = await new Receiver(() => secret, (attempt) => {
      if (attempt === 1) {
        locker.prepare('BEGIN IMMEDIATE').run();
        setTimeout(() => locker.prepare('COMMIT').run(), 300);
      }
      return 200;
    }).listen();
    const run = serve({ forwardTo: receiver.url });
    const ready = await run.ready;
    secret = ready.forwardTo!.signingSecret;
    const call = scim(ready.directories[0]!.baseUrl);
    expect((await call('/Users', 'POST', userBody('locked'))).status).toBe(201);
    await receiver.until((r) => r.received.length === 1);
    await new Promise((r) => setTimeout(r, 150));
    const webhooks = run.ctx.store.webhooks;
    // Answered 150 ms ago, but neither the attempt nor the acknowledgement could be written yet.
    expect([webhooks.acknowledged(receiver.url), webhooks.deliveries(1)]).toEqual([0, []]);
    await allAcknowledged(run, receiver.url);
    expect(webhooks.deliveries(1).map((d) => d.status)).toEqual([200]);
    expect((await call('/Users', 'POST', userBody('after'))).status).toBe(201);
    await allAcknowledged(run, receiver.url);
    await run.stop();
    await receiver.close();
    locker.close();
    expect(receiver.bad).toEqual([]);
    expect(receiver.received.map((r) => r.event.data.email)).toEqual(['locked@contoso.com', 'after@contoso.com']);
    expect(run.stderr.text).toBe('');
  });
});
