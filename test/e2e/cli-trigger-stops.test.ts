import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { transportMessage } from '../../src/cli/trigger-run.js';
import { TransportError } from '../../src/simulator/http.js';
import { Store } from '../../src/store/store.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';
import { twoEnvironments as makeTwoEnvironments } from '../helpers/environments.js';
import { memoryIo } from '../helpers/memory-io.js';

// scimctl trigger when a run does not go to the end: Ctrl-C, its directory deleted, no HTTP
// answer; and what it prints of names it does not control.

const temp = useTempDbs();

const twoEnvironments = () => makeTwoEnvironments(temp);

const log = (db: string, dir: string) => scimctlJson<unknown[]>(db, ['log', 'list', '--directory', dir, '--limit', '1000']);

describe('scimctl trigger: stopped or cut off mid-run', () => {
  test('Ctrl-C stops between steps: the partial summary, a request-log row per step sent, exit 130', async () => {
    const s = twoEnvironments();
    const run = memoryIo();
    const exit = runCli(['--db', s.db, 'trigger', 'user-churn', '--count', '300', '--directory', s.dir], run.io);
    while (run.stdout().split('\n').length < 4) await new Promise((r) => setTimeout(r, 5));
    run.stop();
    expect(await exit).toBe(130);
    const lines = run.stdout().trimEnd().split('\n');
    const sent = lines.length - 1;
    expect(sent).toBeLessThan(900);
    expect(lines.at(-1)).toMatch(new RegExp(`^${sent} requests sent to entra-dev \\(${s.dir}\\) \\(stopped after ${sent} of 900 steps\\): \\d+ users and 0 groups created; every status as expected\\.$`));
    expect(run.stderr()).toContain(`error: stopped after ${sent} of 900 steps`);
    expect(await log(s.db, s.dir)).toHaveLength(sent);
  });
});

describe('scimctl trigger: a directory deleted during the run', () => {
  test('stops at the first 401 with one line saying so, not hundreds of 401s', async () => {
    const s = twoEnvironments();
    const run = memoryIo();
    const exit = runCli(['--db', s.db, 'trigger', 'user-churn', '--count', '300', '--directory', s.dir], run.io);
    while (run.stdout().split('\n').length < 4) await new Promise((r) => setTimeout(r, 5));
    const other = new Store(s.db);
    try {
      other.directories.delete(s.dir);
    } finally {
      other.close();
    }
    expect(await exit).toBe(1);
    expect(run.stdout()).not.toContain(' 401 ');
    expect(run.stderr()).toBe(`error: directory ${s.dir} no longer exists (deleted during the run)\n`);
  });
});

describe('scimctl trigger: output', () => {
  test('a directory name with terminal escapes is printed escaped in the summary', async () => {
    const { db } = temp();
    const store = new Store(db);
    const env = store.environments.create({ name: 'dev', publicUrl: 'http://localhost:8080' });
    const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
    const dir = store.directories.create({ organizationId: org.id, name: 'evil\u001b]0;owned\u0007' }).directory.id;
    store.close();
    const result = await scimctl(db, ['trigger', 'user-churn', '--count', '1']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain(`3 requests sent to evil^[]0;owned^G (${dir}):`);
  });
});

describe('scimctl trigger: no HTTP answer', () => {
  test('one line, without the --timeout that trigger does not have', () => {
    const url = 'http://127.0.0.1:1/scim/v2/d/Users';
    expect(transportMessage(new TransportError('timeout', 'no answer from http://127.0.0.1:1 within 30 s (raise --timeout if the server is just slow)', url))).toBe(
      "the run's server did not answer within 30 s; nothing after that step was sent",
    );
    expect(transportMessage(new TransportError('protocol', 'http://127.0.0.1:1 closed the connection without an HTTP answer', url))).toBe(
      "the run's server gave no HTTP answer: http://127.0.0.1:1 closed the connection without an HTTP answer",
    );
  });
});
