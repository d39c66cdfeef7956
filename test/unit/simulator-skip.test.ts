import { describe, expect, it } from 'vitest';
import { SimClient } from '../../src/simulator/http.js';
import { Session } from '../../src/simulator/session.js';

const client = new SimClient({
  baseUrl: 'http://127.0.0.1:1/scim/v2',
  token: 't',
  timeoutMs: 1000,
  userAgent: 'test',
  fetch: async () => new Response('{"sort":{"supported":false}}', { status: 200, headers: { 'Content-Type': 'application/scim+json' } }),
});

describe('a step that skips itself (t.skip)', () => {
  it('is recorded as skipped with its reason and the exchange it read, and the run goes on', async () => {
    const session = new Session('rfc', client, 'p', { answered: 0 });
    const value = await session.step('Sorting', { consequence: 'c' }, async (t) => {
      await t.send({ method: 'GET', path: '/ServiceProviderConfig' });
      t.skip('the ServiceProviderConfig does not declare sort.supported');
    });
    await session.step('Next', { consequence: 'c' }, async (t) => {
      await t.send({ method: 'GET', path: '/Users' });
    });
    expect(value).toBeUndefined();
    expect(session.results.map((r) => [r.name, r.status, r.verdict])).toEqual([
      ['Sorting', 'skip', 'skipped: the ServiceProviderConfig does not declare sort.supported'],
      ['Next', 'pass', '200 as expected'],
    ]);
    expect(session.results[0]!.request?.url).toBe('http://127.0.0.1:1/scim/v2/ServiceProviderConfig');
  });
});
