import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Replay, type Recording, type StepOutcome } from '../../src/simulator/recording.js';
import { createApp } from '../../src/server/app.js';
import { Store } from '../../src/store/store.js';
import { tempDb } from '../helpers/cli.js';

const RECORDINGS = ['entra-legacy', 'entra-aadoptscim062020', 'okta'];

/**
 * Steps that fail today because of a server bug, reported to the lead. `it.fails` keeps the suite
 * green while the bug stands and turns red once it is fixed, so the entry cannot outlive the bug.
 */
const KNOWN_SERVER_BUGS: Record<string, string[]> = {};

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/recordings/${name}.json`, import.meta.url), 'utf8')) as Recording;

/** What a failing step prints: enough to file the server bug without rerunning anything. */
function explain(outcome: StepOutcome): string {
  const body = outcome.request.body === undefined ? '' : `\n  body: ${JSON.stringify(outcome.request.body)}`;
  return `${outcome.request.method} ${outcome.request.url}${body}\n  got ${outcome.status}: ${JSON.stringify(outcome.body)}\n  ${outcome.failures.join('\n  ')}`;
}

describe.each(RECORDINGS)('replaying fixtures/recordings/%s.json against createApp', (name) => {
  const recording = load(name);
  let temp: ReturnType<typeof tempDb>;
  let store: Store;
  let server: Server;
  let replay: Replay;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    temp = tempDb();
    store = new Store(temp.db);
    const env = store.environments.create({ name: 'replay', publicUrl: 'http://127.0.0.1' });
    const org = store.organizations.create({ environmentId: env.id, name: 'Replay', domains: [] });
    const { directory, token } = store.directories.create({ organizationId: org.id, name: name });
    server = createApp({ store, onInternalError: (error) => internalErrors.push(error) }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    replay = new Replay(recording, { baseUrl: `http://127.0.0.1:${port}/scim/v2/${directory.id}`, token });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
    temp.cleanup();
  });

  it('has steps, each with a name and an expected status', () => {
    expect(recording.steps.length).toBeGreaterThan(10);
    for (const step of recording.steps) expect(typeof step.expect.status).toBe('number');
  });

  // Steps run in order and share captured ids; a failed step still lets later ones run and report.
  for (const [index, step] of recording.steps.entries()) {
    const test = KNOWN_SERVER_BUGS[name]?.includes(step.name) ? it.fails : it;
    test(`${index + 1}. ${step.name}`, async () => {
      const outcome = await replay.run(step);
      expect(outcome.failures, explain(outcome)).toEqual([]);
    });
  }

  it('caused no internal server errors', () => {
    expect(internalErrors).toEqual([]);
  });
});
