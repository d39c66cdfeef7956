import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimctl, scimctlRaw, spawnScimctlRaw, useTempDbs } from '../helpers/cli.js';
import { spawnServe, type RunningServe } from '../helpers/serve.js';
import { PROFILE_CHOICES } from '../../src/cli/test-flags.js';
import { PROFILES } from '../../src/simulator/profiles/index.js';

interface Step {
  profile: string;
  name: string;
  status: 'pass' | 'fail' | 'skip';
  durationMs: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown } | null;
  response: { status: number; contentType: string; body: unknown } | null;
  verdict: string;
}
interface Report {
  ok: boolean;
  summary: { passed: number; failed: number; skipped: number };
  profiles: { name: string; passed: number; failed: number; skipped: number }[];
  prefix: string;
  kept: { profile: string; resourceType: string; id: string; name: string }[];
  steps: Step[];
}

const newTemp = useTempDbs();
const NO_DB = '/nonexistent/scimctl-test-needs-no-database.db';

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeAll: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closeAll) await close();
});

function track(server: Server): Server {
  closeAll.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return server;
}

describe('scimctl test against scimctl serve', () => {
  let serve: RunningServe;
  let db: string;
  let dir: { id: string; baseUrl: string; token: string };

  beforeAll(async () => {
    db = newTemp().db;
    serve = await spawnServe(db);
    const first = serve.ready.directories[0]!;
    dir = { id: first.id, baseUrl: first.baseUrl, token: first.token! };
  });
  afterAll(async () => {
    await serve.stop();
  });

  it('passes every profile (the real binary), writes JUnit, and leaves the directory as it found it', async () => {
    const junit = join(newTemp().dir, 'report.xml');
    const run = await spawnScimctlRaw(['test', dir.baseUrl, '--token', dir.token, '--json', '--junit', junit]);
    const report = JSON.parse(run.stdout) as Report;
    const failures = report.steps.filter((s) => s.status !== 'pass').map((s) => `${s.profile} / ${s.name}: ${s.verdict}`);
    expect(failures).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.profiles.map((p) => p.name)).toEqual(['entra', 'entra-2020', 'okta', 'rfc']);
    expect(report.summary).toEqual({ passed: report.steps.length, failed: 0, skipped: 0 });
    expect(report.steps.length).toBeGreaterThan(40);
    for (const step of report.steps) {
      expect(Object.keys(step).sort()).toEqual(['durationMs', 'name', 'profile', 'request', 'response', 'status', 'verdict']);
      expect(step.request?.url.startsWith(dir.baseUrl)).toBe(true);
    }
    expect(report.prefix).toMatch(/^scimctl-test-[0-9a-f]{8}$/);
    expect(report.kept).toEqual([]);
    // The token appears nowhere: not in the report, not in the JUnit file, not on stderr.
    const xml = readFileSync(junit, 'utf8');
    for (const text of [run.stdout, run.stderr, xml]) expect(text).not.toContain(dir.token);
    expect(report.steps[0]!.request!.headers.Authorization).toBe('Bearer <token>');
    expect(run.stderr).toBe(`Wrote the JUnit report to ${junit}\n`);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="scimctl test [^"]+" tests="\d+" failures="0" errors="0" skipped="0" time="[\d.]+">/);
    expect([...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="0"/g)].map((m) => [m[1], Number(m[2])])).toEqual(
      report.profiles.map((p) => [p.name, p.passed]),
    );
    expect(xml.match(/<testcase /g)).toHaveLength(report.steps.length);
    // Everything it made is deleted: the directory holds no live user or group.
    expect(JSON.parse((await scimctl(db, ['user', 'list', '--directory', dir.id, '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await scimctl(db, ['group', 'list', '--directory', dir.id, '--json'])).stdout)).toEqual([]);
    // ...and what it sent is in serve's request log like any IdP's traffic, with Entra's User-Agent.
    const log = JSON.parse((await scimctl(db, ['log', 'list', '--directory', dir.id, '--limit', '1000', '--json'])).stdout) as { userAgent: string }[];
    expect(log.length).toBeGreaterThan(40);
    // Who is really calling, in every request's User-Agent (Okta's own comes first in the okta profile).
    expect(new Set(log.map((e) => e.userAgent.replace(/scimctl\/[^ ]+/, 'scimctl/V')))).toEqual(
      new Set(['scimctl/V (test; plays Microsoft Entra ID)', 'Okta SCIM Client 1.0.0 (scimctl/V test)', 'scimctl/V (test; plays a SCIM client)']),
    );
  });

  it('prints a readable report, a summary per profile, and exits 0', async () => {
    const run = await scimctlRaw(['test', dir.baseUrl, '--token', dir.token, '--profile', 'entra'], { env: { NO_COLOR: '1' } });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[1]).toBe('entra  Microsoft Entra ID, default PATCH family (string booleans, one op per path)');
    expect(lines[2]).toMatch(/^ {2}✓ Test connection: a filter on a random userName finds nobody {2}\d+ ms$/);
    expect(run.stdout).toMatch(/\nSummary\n {2}✓ entra {2}\d+ passed, 0 failed, 0 skipped\n\nAll \d+ steps passed in [\d.]+ s against http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/scim_directory_\w+\n$/);
  });

  it('--keep leaves what it created, lists it, and every name starts with the run prefix', async () => {
    const run = await scimctlRaw(['test', dir.baseUrl, '--token', dir.token, '--profile', 'entra-2020', '--keep', '--json']);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    // Entra's cycle deletes the user and the group it made; the manager it never deletes stays.
    expect(report.kept).toEqual([{ profile: 'entra-2020', resourceType: 'Users', id: expect.any(String), name: `${report.prefix}-entra-2020-bob@example.com` }]);
    const users = JSON.parse((await scimctl(db, ['user', 'list', '--directory', dir.id, '--json'])).stdout) as { id: string; userName: string }[];
    expect(users.map((u) => [u.id, u.userName])).toEqual([[report.kept[0]!.id, report.kept[0]!.name]]);
    await scimctl(db, ['user', 'delete', report.kept[0]!.id, '--yes']);
  });

  it('a wrong token is one line (the first answer refused it: nothing can be judged), never repeating the token', async () => {
    const run = await scimctlRaw(['test', dir.baseUrl, '--token', 'not-the-token', '--json']);
    expect(run).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: JSON.stringify({ error: { kind: 'runtime', message: 'the server refused the token: 401 "bearer token is not valid for this directory"', hint: 'Check --token (or SCIMCTL_TEST_TOKEN); nothing was tested' } }) + '\n',
    });
  });
});

describe('scimctl test against servers that are not SCIM servers', () => {
  it('never passes a server that answers 200 {} to everything', async () => {
    const server = track(createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim/v2`, '--token', 't', '--json']);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.summary.passed).toBe(0);
    const creates = report.steps.filter((s) => s.name.startsWith('Create'));
    expect(creates.length).toBeGreaterThanOrEqual(4);
    expect(creates.every((s) => s.status === 'fail')).toBe(true);
    expect(creates[0]!.verdict).toMatch(/^expected the created resource's "id" \(a non-empty string\), got nothing\. /);
  });

  it('an HTML error page fails the step with its content type and the start of the page', async () => {
    const server = track(createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Login</body></html>'))));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.steps[0]!.verdict).toMatch(/^expected a JSON content type, got text\/html \(body: <html><body>Login<\/body><\/html>\)\. /);
  });

  it('a server that cannot be reached is one line on stderr, exit 1, nothing on stdout', async () => {
    const server = track(createServer());
    const host = await listen(server);
    server.close();
    const run = await spawnScimctlRaw(['test', `http://${host}/scim`, '--token', 't']);
    expect(run).toEqual({ exitCode: 1, stdout: '', stderr: `error: cannot reach http://${host}: connection refused (is the server running on that port?)\nCheck the base URL; nothing was tested\n` });
  });

  it('a server that never answers is a timeout after --timeout seconds', async () => {
    const server = track(createServer(() => undefined));
    const host = await listen(server);
    const started = Date.now();
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--timeout', '0.3']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run).toEqual({ exitCode: 1, stdout: '', stderr: `error: no answer from http://${host} within 0.3 s (raise --timeout if the server is just slow)\nCheck the base URL; nothing was tested\n` });
  });

  it('a TLS certificate the machine does not trust is one line naming the problem', async () => {
    const tls = (name: string) => readFileSync(new URL(`../helpers/tls/${name}`, import.meta.url));
    const server = track(createTlsServer({ key: tls('self-signed-key.pem'), cert: tls('self-signed-cert.pem') }, (req, res) => res.end('{}')));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `https://${host}/scim`, '--token', 't']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: TLS error from https://${host}: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) (to trust a private CA, set NODE_EXTRA_CA_CERTS=<ca.pem>)\nCheck the base URL; nothing was tested\n`);
  });

  it('plain http on an https URL says so', async () => {
    const server = track(createServer((req, res) => res.end('{}')));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `https://${host}/scim`, '--token', 't']);
    expect(run.stderr).toBe(`error: TLS error from https://${host}: the server does not speak TLS there (is it plain http rather than https?)\nCheck the base URL; nothing was tested\n`);
  });

  it('a server that stops answering mid-run fails that step and skips the rest', async () => {
    let answered = 0;
    const server = track(
      createServer((req, res) => {
        if (++answered > 1) return req.socket.destroy();
        req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] })));
      }),
    );
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra', '--json']);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.steps.slice(0, 3).map((s) => [s.status, s.verdict.split(/\. (?=[A-Z])/)[0]])).toEqual([
      ['pass', '200 with totalResults 0'],
      ['fail', `http://${host} closed the connection without an HTTP answer`],
      ['fail', `http://${host} closed the connection without an HTTP answer`],
    ]);
    expect(report.steps.slice(3).every((s) => s.status === 'skip' && s.verdict.startsWith('skipped: the server stopped answering'))).toBe(true);
  });
});

describe('scimctl test reports what a dying or redirecting server leaves', () => {
  it('a server that dies after creating a user: the clean-up fails naming it, and kept lists it', async () => {
    let answered = 0;
    const list = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] };
    const server = track(
      createServer((req, res) => {
        if (++answered > 3) return req.socket.destroy();
        const body = answered === 3 ? { id: 'u-1', userName: 'x' } : list;
        req.resume().on('end', () => res.writeHead(answered === 3 ? 201 : 200, { 'content-type': 'application/scim+json' }).end(JSON.stringify(body)));
      }),
    );
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.kept).toEqual([{ profile: 'entra', resourceType: 'Users', id: 'u-1', name: `${report.prefix}-entra-alice@example.com` }]);
    const cleanup = report.steps.at(-1)!;
    expect([cleanup.status, cleanup.verdict]).toEqual(['fail', expect.stringMatching(/^could not delete Users\/u-1: the server stopped answering \(.*\)\. Delete them by hand/)]);
    answered = 0;
    const human = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra'], { env: { NO_COLOR: '1' } });
    expect(human.stdout).toMatch(/\nLeft 1 resource on the server \(the clean-up could not delete them\); their names start with scimctl-test-[0-9a-f]{8}:\n {2}Users\/u-1 {2}scimctl-test-[0-9a-f]{8}-entra-alice@example\.com\n$/);
  });

  it('a redirect is not followed (the token stays here), and the failure says where it points', async () => {
    const server = track(createServer((req, res) => req.resume().on('end', () => res.writeHead(301, { location: 'https://scim.example.com/v2/Users' }).end())));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.steps[0]!.verdict).toMatch(/^expected 200, got 301 \(it redirects to "https:\/\/scim\.example\.com\/v2\/Users"; give that as the base URL\)\. /);
  });

  it('a "nobody" match that lists somebody fails, whatever totalResults says', async () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [{ id: 'someone-else' }] };
    const server = track(createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify(body)))));
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`, '--token', 't', '--profile', 'entra,okta', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    const nobody = report.steps.filter((s) => /nobody|no match/i.test(s.name));
    expect(nobody.length).toBeGreaterThanOrEqual(4);
    expect(nobody.filter((s) => s.status === 'pass')).toEqual([]);
    expect(report.steps[0]!.verdict).toMatch(/^expected at most totalResults \(0\) resources, got 1\. /);
  });
});

describe('scimctl test usage errors (exit 2, one line, before any request)', () => {
  it('offers exactly the registered profiles, and all', () => {
    expect(PROFILE_CHOICES).toEqual([...PROFILES.map((p) => p.name), 'all']);
  });

  it.each([
    [['test', 'http://127.0.0.1:9/scim'], 'error: missing --token: give the bearer token the server expects (or set SCIMCTL_TEST_TOKEN)'],
    [['test', 'localhost:8080/scim', '--token', 't'], 'error: invalid base URL "localhost:8080/scim": give an http:// or https:// URL'],
    [['test', 'not a url', '--token', 't'], 'error: invalid base URL "not a url": give an absolute http:// or https:// URL, e.g. http://localhost:8080/scim/v2/<directory id>'],
    [['test', 'http://user:secret@127.0.0.1:9/scim', '--token', 't'], 'error: invalid base URL: it holds credentials; give the token with --token instead'],
    [['test', 'http://127.0.0.1:9/scim', '--token', 't', '--profile', 'azure'], 'error: invalid --profile "azure": give one of entra, entra-2020, okta, rfc, all'],
    [['test', 'http://127.0.0.1:9/scim', '--token', 't', '--timeout', '0'], 'error: invalid --timeout "0": give seconds, more than 0 and at most 600'],
    [['test', 'http://127.0.0.1:9/scim', '--token', 'secret\nX'], 'error: invalid --token: it holds a space, a line break or another character an Authorization header cannot carry'],
  ])('%j', async (args, message) => {
    const run = await scimctlRaw(args, { env: { SCIMCTL_TEST_TOKEN: undefined } });
    expect(run).toEqual({ exitCode: 2, stdout: '', stderr: `${message}\nRun with --help for usage\n` });
  });

  it('takes the token from SCIMCTL_TEST_TOKEN', async () => {
    const seen: (string | undefined)[] = [];
    const server = track(
      createServer((req, res) => {
        seen.push(req.headers.authorization);
        req.resume().on('end', () => res.writeHead(401, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ detail: 'no' })));
      }),
    );
    const host = await listen(server);
    const run = await scimctlRaw(['test', `http://${host}/scim`], { env: { SCIMCTL_TEST_TOKEN: 'from-env' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error: the server refused the token: 401/);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['Bearer from-env']));
  });
});
