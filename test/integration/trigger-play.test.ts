import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startInternalApp } from '../../src/server/internal-app.js';
import { Store } from '../../src/store/index.js';
import type { Recording, RecordingStep } from '../../src/simulator/recording.js';
import { TransportError } from '../../src/simulator/http.js';
import { ForeignUrlError, parseRecording, playRecording } from '../../src/simulator/trigger.js';
import { tempDb } from '../helpers/cli.js';

// playRecording against the internal app (the real SCIM app), and against listeners that misbehave.

const temp = tempDb();
const store = new Store(temp.db);
const env = store.environments.create({ name: 'test', publicUrl: 'http://localhost:8080' });
const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  store.close();
  temp.cleanup();
});

const newDirectory = () => store.directories.create({ organizationId: org.id, name: `d${Math.random()}` }).directory.id;
const recording = (steps: RecordingStep[], tenantUrl = '{{baseUrl}}'): Recording => ({ name: 'r', description: '', source: '', tenantUrl, steps });

/** A listener that records what reaches it and answers with `answer`, or never answers when it is undefined. */
async function listener(answer?: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string }): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    if (!answer) return;
    const a = answer(req);
    res.writeHead(a.status, a.headers).end(a.body ?? '');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** What the internal app answered, in order: "GET /Users 200". */
const answered: string[] = [];

async function withApp<T>(dir: string, fn: (target: { baseUrl: string; token: string }) => Promise<T>): Promise<T> {
  answered.length = 0;
  const app = await startInternalApp(store, dir, { onRequest: (e) => answered.push(`${e.method} ${e.path} ${e.status}`) });
  try {
    return await fn({ baseUrl: app.baseUrl, token: app.token });
  } finally {
    await app.close();
  }
}

describe('playRecording', () => {
  it('refuses a step whose URL leaves the directory\'s server: the other server receives nothing', async () => {
    const foreign = await listener(() => ({ status: 200 }));
    const dir = newDirectory();
    const play = withApp(dir, (target) => playRecording(recording([{ name: 'list', method: 'GET', path: '/Users', expect: { status: 200 } }], foreign.url), target));
    await expect(play).rejects.toThrow(ForeignUrlError);
    expect(foreign.received).toEqual([]);
  });
});

describe('playRecording: placeholders', () => {
  it('a step whose expect.body names an unknown placeholder is not sent, and says so; a sent step is never reported unsent', async () => {
    const dir = newDirectory();
    const report = await withApp(dir, (target) =>
      playRecording(
        recording([
          { name: 'list', method: 'GET', path: '/Users', expect: { status: 200, body: { totalResults: '{{nothing.here}}' } } },
          { name: 'list again', method: 'GET', path: '/Users', expect: { status: 200, body: { totalResults: 0 } } },
        ]),
        target,
      ),
    );
    expect(report.steps.map((s) => [s.status, s.notes])).toEqual([
      [null, ['not sent: unknown placeholder {{nothing.here}} (did an earlier step fail to capture it?)']],
      [200, []],
    ]);
    expect(report.summary).toEqual({ sent: 1, failed: 1 });
    // Only the second step reached the server.
    expect(answered).toHaveLength(1);
  });
});

describe('playRecording: created', () => {
  it('counts 201 answers by their meta.resourceType, whatever the case of the recording\'s path', async () => {
    const report = await withApp(newDirectory(), (target) =>
      playRecording(
        recording([
          { name: 'lower', method: 'POST', path: '/users', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@b.c' }, expect: { status: 201 } },
          { name: 'group', method: 'POST', path: '/groups', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G' }, expect: { status: 201 } },
        ]),
        target,
      ),
    );
    expect(report.steps.map((s) => s.status)).toEqual([201, 201]);
    expect(report.created).toEqual({ users: 1, groups: 1 });
  });
});

describe('playRecording: 503 and unexpected statuses', () => {
  const busy = { status: 503, headers: { 'content-type': 'application/scim+json', 'retry-after': '0' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: 'the database is busy' }) };
  const step: RecordingStep = { name: 'list', method: 'GET', path: '/Users', expect: { status: 200 } };

  it('sends a step again after a 503 with Retry-After', async () => {
    let calls = 0;
    const server = await listener(() => (++calls < 3 ? busy : { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{}' }));
    const report = await playRecording(recording([step]), { baseUrl: `${server.url}/scim/v2/d`, token: 't' });
    expect(server.received).toHaveLength(3);
    expect(report.steps[0]).toMatchObject({ status: 200, ok: true, notes: [] });
  });

  it("gives up after 3 retries, and the step's notes carry the error's detail", async () => {
    const server = await listener(() => busy);
    const report = await playRecording(recording([step]), { baseUrl: `${server.url}/scim/v2/d`, token: 't' });
    expect(server.received).toHaveLength(4);
    expect(report.steps[0]).toMatchObject({ status: 503, ok: false, notes: ['detail: the database is busy'] });
  });

  it('Ctrl-C during a retry\'s wait stops at once, not after the wait', async () => {
    const server = await listener(() => ({ ...busy, headers: { ...busy.headers, 'retry-after': '5' } }));
    let stop = false;
    setTimeout(() => (stop = true), 150);
    const started = Date.now();
    const report = await playRecording(recording([step, step]), { baseUrl: `${server.url}/scim/v2/d`, token: 't' }, { shouldStop: () => stop });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.received).toHaveLength(1);
    expect(report).toMatchObject({ stopped: true, summary: { sent: 1 } });
  });

  it('an unexpected 409 from the app says its scimType and detail', async () => {
    const create: RecordingStep = { name: 'create', method: 'POST', path: '/Users', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'twice@b.c' }, expect: { status: 201 } };
    const report = await withApp(newDirectory(), (target) => playRecording(recording([create, create]), target));
    expect(report.steps[1]).toMatchObject({ status: 409, ok: false });
    expect(report.steps[1]!.notes[0]).toMatch(/^scimType: uniqueness; detail: .+/);
  });
});

describe('playRecording: through the simulator\'s client', () => {
  const step: RecordingStep = { name: 'list', method: 'GET', path: '/Users', expect: { status: 200 } };

  it('a server that never answers fails the run in one line after the timeout, instead of hanging', async () => {
    const silent = await listener();
    const play = playRecording(recording([step]), { baseUrl: `${silent.url}/scim/v2/d`, token: 't', timeoutMs: 200 });
    await expect(play).rejects.toThrow(TransportError);
    await expect(play).rejects.toThrow(/^no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2 s/);
  });

  it('a redirect is reported, not followed: the run\'s secret stays on its server', async () => {
    const elsewhere = await listener(() => ({ status: 200 }));
    const redirecting = await listener(() => ({ status: 307, headers: { location: `${elsewhere.url}/Users` } }));
    const report = await playRecording(recording([step]), { baseUrl: `${redirecting.url}/scim/v2/d`, token: 't' });
    expect(report.steps[0]).toMatchObject({ status: 307, ok: false });
    expect(elsewhere.received).toEqual([]);
  });
});

describe('parseRecording', () => {
  const file = (step: Record<string, unknown>) => ({ tenantUrl: '{{baseUrl}}', steps: [{ method: 'GET', path: '/Users', expect: { status: 200 }, ...step }] });

  it('refuses header values with line breaks, and captures that are not JSON Pointers', () => {
    expect(() => parseRecording(file({ headers: { 'X-A': 'b\r\nX-Injected: 1' } }))).toThrow('not a recording: steps[0].headers must be an object of strings without line breaks');
    expect(() => parseRecording(file({ headers: { 'X-A': 1 } }))).toThrow('steps[0].headers must be an object of strings');
    expect(() => parseRecording(file({ capture: { 'users.a.id': 'id' } }))).toThrow('not a recording: steps[0].capture must be an object of JSON Pointers (strings starting with "/")');
    expect(() => parseRecording(file({ capture: ['/id'] }))).toThrow('steps[0].capture must be');
  });

  it('leaves its input as it was, and names an unnamed step by its method and path', () => {
    const input = file({});
    const before = JSON.stringify(input);
    expect(parseRecording(input).steps[0]!.name).toBe('GET /Users');
    expect(JSON.stringify(input)).toBe(before);
  });
});
