import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProfiles, type Profile, type RunReport } from '../../src/simulator/run.js';
import type { StepResult } from '../../src/simulator/session.js';
import { okta } from '../../src/simulator/profiles/okta.js';
import { rfc } from '../../src/simulator/profiles/rfc.js';
import { scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

const PROFILES: Profile[] = [okta, rfc];

/** What a failed step prints: the request and the answer, enough to tell a wrong step from a wrong server. */
function failures(report: RunReport): string {
  return report.steps
    .filter((s) => s.status !== 'pass')
    .map((s: StepResult) => `[${s.profile}] ${s.status}: ${s.name}\n  ${s.verdict}\n  ${s.request?.method ?? ''} ${s.request?.url ?? ''} ${JSON.stringify(s.request?.body ?? '')}\n  -> ${s.response?.status ?? ''} ${JSON.stringify(s.response?.body ?? '')}`)
    .join('\n');
}

/** The live users and groups whose names start with the run's prefix, as a SCIM client sees them. */
async function madeBy(dir: TestDirectory, prefix: string): Promise<string[]> {
  const users = await scim(dir, 'GET', `/Users?filter=${encodeURIComponent(`userName sw "${prefix}"`)}&count=1000`);
  const groups = await scim(dir, 'GET', `/Groups?filter=${encodeURIComponent(`displayName sw "${prefix}"`)}&count=1000`);
  expect(users.status).toBe(200);
  expect(groups.status).toBe(200);
  const ids = (body: { Resources?: { id: string }[] }) => (body.Resources ?? []).map((r) => r.id);
  return [...ids(users.body), ...ids(groups.body)].sort();
}

describe.each(PROFILES.map((p) => [p.name, p] as const))('the %s profile against scimctl\'s own server', (_name, profile) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(2);
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes every step and leaves nothing behind', async () => {
    const dir = server.directories[0]!;
    const report = await runProfiles({ baseUrl: dir.baseUrl, token: dir.token, profiles: [profile], keep: false, timeoutMs: 10_000 });
    expect(report.steps.length).toBeGreaterThan(10);
    expect(report.summary.failed, failures(report)).toBe(0);
    // A skip is allowed only for what the server declares it does not offer (sorting).
    expect(report.steps.filter((s) => s.status === 'skip' && !/sort/i.test(s.name)), failures(report)).toEqual([]);
    expect(await madeBy(dir, report.prefix)).toEqual([]);
    expect(report.kept).toEqual([]);
  });

  it('with keep, leaves exactly what report.kept lists', async () => {
    const dir = server.directories[1]!;
    const report = await runProfiles({ baseUrl: dir.baseUrl, token: dir.token, profiles: [profile], keep: true, timeoutMs: 10_000 });
    expect(report.summary.failed, failures(report)).toBe(0);
    expect(report.kept.length).toBeGreaterThan(0);
    expect(await madeBy(dir, report.prefix)).toEqual(report.kept.map((r) => r.id).sort());
  });
});

describe('against a server that answers 200 {} to everything', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Type': 'application/scim+json' }).end('{}');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(PROFILES.map((p) => [p.name, p] as const))('the %s profile fails: most steps fail and no create passes', async (_name, profile) => {
    const report = await runProfiles({ baseUrl, token: 't', profiles: [profile], keep: false, timeoutMs: 5_000 });
    const steps = report.steps;
    expect(report.ok).toBe(false);
    expect(steps.filter((s) => s.status === 'pass').length, failures(report)).toBeLessThan(steps.filter((s) => s.status === 'fail').length);
    expect(steps.filter((s) => /create|POST|push a group/i.test(s.name) && s.status === 'pass').map((s) => s.name)).toEqual([]);
  });
});

/**
 * A server that ignores `filter` (a common shortcut) in front of scimctl's own: the profiles must
 * catch it on the steps that rely on the filter, not pass because the data happens to fit.
 */
describe('against a server that ignores filter', () => {
  let upstream: TestServer;
  let proxy: Server;
  let baseUrl: string;

  beforeAll(async () => {
    upstream = await startTestServer(1);
    const dir = upstream.directories[0]!;
    // Data already on the server, as on any real one: an ignored filter then returns it too.
    expect((await scim(dir, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'existing@example.com' })).status).toBe(201);
    expect((await scim(dir, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Existing' })).status).toBe(201);
    proxy = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', upstream.url);
        url.searchParams.delete('filter');
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const headers = Object.fromEntries(Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'content-length'));
        void fetch(url, { method: request.method, headers, body }).then(async (answer) => {
          response.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    }).listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${new URL(dir.baseUrl).pathname}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await upstream.close();
  });

  it('fails Okta\'s matching steps and every rfc filter step, with other data on the server', async () => {
    const token = upstream.directories[0]!.token;
    const report = await runProfiles({ baseUrl, token, profiles: PROFILES, keep: false, timeoutMs: 10_000 });
    const failed = report.steps.filter((s) => s.status === 'fail').map((s) => `${s.profile}: ${s.name}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        'okta: Before creating, filter by userName: no match yet',
        'okta: Filter by userName after the create: exactly the created user',
        'okta: Filter by a userName nobody has: no match (the filter is applied)',
        'okta: Find the group by displayName',
      ]),
    );
    const filters = report.steps.filter((s) => s.profile === 'rfc' && s.name.startsWith('Filter:'));
    expect(filters.length).toBeGreaterThan(10);
    expect(filters.filter((s) => s.status !== 'fail').map((s) => s.name)).toEqual([]);
  });
});

describe('a profile whose step throws something other than a judgement (a bug in scimctl)', () => {
  it('fails that step saying so, goes on, and still deletes what the profile made', async () => {
    const server = await startTestServer(1);
    try {
      const dir = server.directories[0]!;
      const buggy: Profile = {
        name: 'buggy',
        title: 'a profile with a bug',
        userAgent: 'test',
        run: async (s) => {
          const id = await s.step('Create', { consequence: 'c' }, async (t) => {
            const x = await t.send({ method: 'POST', path: '/Users', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: s.name('u') } });
            return t.id(x, t.body(x));
          });
          await s.step('Crash', { consequence: 'c', needs: [id] }, async () => {
            throw new TypeError("Cannot read properties of undefined (reading 'value')");
          });
          await s.step('After', { consequence: 'c' }, async (t) => {
            await t.send({ method: 'GET', path: `/Users/${encodeURIComponent(id!)}` });
          });
        },
      };
      const report = await runProfiles({ baseUrl: dir.baseUrl, token: dir.token, profiles: [buggy], keep: false, timeoutMs: 5_000 });
      expect(report.steps.map((s) => [s.name, s.status])).toEqual([
        ['Create', 'pass'],
        ['Crash', 'fail'],
        ['After', 'pass'],
        ['Clean up: delete the resource this profile created and did not delete itself', 'pass'],
      ]);
      expect(report.steps[1]!.verdict).toBe("scimctl could not judge this answer (a bug in scimctl; please report it with the exchange above): Cannot read properties of undefined (reading 'value')");
      expect(await madeBy(dir, report.prefix)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
