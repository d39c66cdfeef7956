import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimctl, scimctlJson, tempDb } from '../helpers/cli.js';
import { spawnServe, type RunningServe } from '../helpers/serve.js';
import { entraUser } from '../helpers/server.js';
import { LOG_FLUSH_MS } from '../../src/store/request-log-buffer.js';

const temp = tempDb();
let serve: RunningServe;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  serve = await spawnServe(temp.db);
  const [directory] = serve.ready.directories;
  baseUrl = directory!.baseUrl;
  token = directory!.token!;
});
afterAll(async () => {
  if (serve.process.exitCode === null) await serve.stop();
  temp.cleanup();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

describe('scimctl serve, as users run it', () => {
  it('zero-config: creates a default directory and prints its base URL and token once', () => {
    expect(serve.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.ready.directories).toHaveLength(1);
    expect(baseUrl).toBe(`${serve.ready.url}/scim/v2/${serve.ready.directories[0]!.id}`);
    expect(token).toMatch(/^scimctl_sk_[A-Za-z0-9_-]{43}$/);
  });

  it('provisions a user and a group through the real binary, readable from the CLI', async () => {
    const alice = await call('POST', '/Users', entraUser('alice'));
    expect(alice.status).toBe(201);
    expect((await call('GET', '/Users?filter=userName eq "alice@contoso.com"')).body.totalResults).toBe(1);
    expect((await call('PATCH', `/Users/${alice.body.id}`, { Operations: [{ op: 'Replace', path: 'title', value: 'Director' }] })).status).toBe(200);
    const group = await call('POST', '/Groups', { displayName: 'Admins', externalId: 'g-1' });
    expect((await call('PATCH', `/Groups/${group.body.id}`, { Operations: [{ op: 'Add', path: 'members', value: [{ value: alice.body.id }] }] })).status).toBe(204);

    const dir = serve.ready.directories[0]!.id;
    const users = await scimctlJson<{ id: string; title: string }[]>(temp.db, ['user', 'list', '--directory', dir]);
    expect(users.map((u) => [u.id, u.title])).toEqual([[alice.body.id, 'Director']]);
    const filtered = await scimctlJson<unknown[]>(temp.db, ['user', 'list', '--directory', dir, '--filter', 'title eq "nobody"']);
    expect(filtered).toEqual([]);
    const shown = await scimctlJson<{ members: { value: string; display: string }[] }>(temp.db, ['group', 'show', group.body.id]);
    expect(shown.members).toEqual([{ value: alice.body.id, $ref: expect.stringMatching(new RegExp(`/scim/v2/${dir}/Users/${alice.body.id}$`)), display: 'Alice Example', type: 'User' }]);
    const shownUser = await scimctlJson<{ groups: unknown[] }>(temp.db, ['user', 'show', alice.body.id]);
    expect(shownUser.groups).toEqual([{ value: group.body.id, $ref: expect.stringMatching(new RegExp(`/scim/v2/${dir}/Groups/${group.body.id}$`)), display: 'Admins', type: 'direct' }]);
    const details = await scimctlJson<{ userCount: number; groupCount: number }>(temp.db, ['directory', 'show', dir]);
    expect(details).toMatchObject({ userCount: 1, groupCount: 1 });
  });

  it('logs the requests, readable with log list and log show, without the token', async () => {
    await call('GET', '/Users/scim_user_missing');
    // serve writes its log a moment (LOG_FLUSH_MS) after the response, in another process: on a loaded
    // machine that moment can be long, so ask again until the entry is there (or the deadline passes).
    const dir = serve.ready.directories[0]!.id;
    const listErrors = () => scimctlJson<Record<string, unknown>[]>(temp.db, ['log', 'list', '--directory', dir, '--status', '4xx']);
    let errors = await listErrors();
    for (const deadline = Date.now() + 5000; errors.length === 0 && Date.now() < deadline; errors = await listErrors()) {
      await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 30));
    }
    expect(errors).toEqual([
      {
        id: expect.stringMatching(/^req_\d+$/),
        time: expect.any(String),
        directoryId: dir,
        method: 'GET',
        path: `/scim/v2/${dir}/Users/scim_user_missing`,
        query: null,
        status: 404,
        durationMs: expect.any(Number),
        errorKind: 'notFound',
        userAgent: 'node',
        remoteAddress: '127.0.0.1',
      },
    ]);
    // Bodies are JSON values, not JSON text inside a string.
    const entry = await scimctlJson<{ requestBody: unknown; responseBody: unknown }>(temp.db, ['log', 'show', String(errors[0]!.id)]);
    expect(entry.requestBody).toBeNull();
    expect(entry).not.toHaveProperty('requestKey');
    expect(entry.responseBody).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User scim_user_missing not found',
    });
    const all = await scimctl(temp.db, ['log', 'list', '--limit', '100', '--json']);
    const listed = JSON.parse(all.stdout) as { id: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(6);
    // The newest last, as `log list --help` says (and as --follow goes on printing).
    const seqs = listed.map((e) => Number(e.id.slice(4)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const newest = JSON.parse((await scimctl(temp.db, ['log', 'list', '--limit', '1', '--json'])).stdout) as { id: string }[];
    expect(newest.map((e) => e.id)).toEqual([listed.at(-1)!.id]);
    expect(all.stdout).not.toContain(token);
    // A write's row holds the key its events carry; log list shows neither.
    expect(all.stdout).not.toContain('requestKey');
    const bad = await scimctl(temp.db, ['user', 'list', '--directory', dir, '--filter', 'title eq']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: Invalid filter at position \d+/);
    const badLimit = await scimctl(temp.db, ['user', 'list', '--directory', dir, '--limit', '1.5']);
    expect(badLimit.exitCode).toBe(2);
    expect(badLimit.stderr).toBe('error: invalid --limit "1.5": give a whole number (0 for no limit)\n');
  });

  it('does not show the token again on the next start, and stops cleanly on SIGTERM', async () => {
    const stopped = await serve.stop();
    expect(stopped.exitCode).toBe(0);
    const again = await spawnServe(temp.db);
    try {
      expect(again.ready.directories).toHaveLength(1);
      expect(again.ready.directories[0]).not.toHaveProperty('token');
    } finally {
      expect((await again.stop()).exitCode).toBe(0);
    }
  });

  it('refuses a port that is in use with a clear error', async () => {
    const first = await spawnServe(temp.db);
    try {
      const port = new URL(first.ready.url).port;
      const clash = await scimctl(temp.db, ['serve', '--port', port]);
      expect(clash.exitCode).toBe(1);
      expect(clash.stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
      expect(clash.stdout).toBe('');
    } finally {
      await first.stop();
    }
  });
});
