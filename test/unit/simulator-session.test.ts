import { describe, expect, it } from 'vitest';
import { SimClient } from '../../src/simulator/http.js';
import { Session } from '../../src/simulator/session.js';

/** A client whose server is a function: each request gets the Response it returns. */
function clientOf(answer: (url: string, init: RequestInit) => Response, baseUrl = 'http://127.0.0.1:1/scim/v2', token = 'secret-token') {
  return new SimClient({ baseUrl, token, timeoutMs: 1000, userAgent: 'test', fetch: async (url, init) => answer(String(url), init ?? {}) });
}

const json = (body: unknown, status = 200, type = 'application/scim+json') => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': type } });

describe('what a session remembers for the clean-up', () => {
  it('remembers what a POST created before any check runs, even when the step then fails (numeric id, plain JSON)', async () => {
    const session = new Session('p', clientOf(() => json({ id: 7, userName: 'u' }, 201, 'application/json')), 'x', { answered: 0 });
    await session.step('Create', { consequence: 'c' }, async (t) => {
      const x = await t.send({ method: 'POST', path: '/Users', body: { userName: 'u' } });
      t.scimContentType(x);
    });
    expect(session.results[0]!.status).toBe('fail');
    expect(session.leftovers()).toEqual([{ profile: 'p', resourceType: 'Users', id: '7', name: 'u' }]);
  });

  it('remembers a group created at a lower-case endpoint, once, and nothing a failed POST answered', async () => {
    let n = 0;
    const session = new Session('p', clientOf(() => (++n === 1 ? json({ id: 'g1' }, 201) : json({ detail: 'no' }, 409))), 'x', { answered: 0 });
    await session.step('Create', { consequence: 'c' }, async (t) => {
      await t.send({ method: 'POST', path: '/groups', body: { displayName: 'G' } });
      await t.send({ method: 'POST', path: '/Groups', body: { displayName: 'G' } });
    });
    expect(session.leftovers()).toEqual([{ profile: 'p', resourceType: 'Groups', id: 'g1', name: 'G' }]);
  });
});

describe('answers a client cannot use', () => {
  it('fails a step whose answer nests deeper than any SCIM resource, without parsing it', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const session = new Session('p', clientOf(() => json(deep)), 'x', { answered: 0 });
    await session.step('Read', { consequence: 'c' }, async (t) => {
      t.body(await t.send({ method: 'GET', path: '/Users' }));
    });
    expect(session.results[0]!.verdict).toBe('the answer nests deeper than 64 levels; no SCIM resource does. c');
    expect(String(session.results[0]!.response!.body)).toMatch(/^\[{1000}.*… \(\d+ more characters\)$/s);
  });

  it('stops reading an answer past 5 MB and fails the step', async () => {
    const big = JSON.stringify({ Resources: [{ data: 'x'.repeat(6 * 1024 * 1024) }] });
    const session = new Session('p', clientOf(() => json(big)), 'x', { answered: 0 });
    await session.step('List', { consequence: 'c' }, async (t) => {
      t.list(await t.send({ method: 'GET', path: '/Users' }));
    });
    expect(session.results[0]!.verdict).toBe('the answer is larger than 5 MB; scimctl stops reading there, and an IdP gives up on such an answer too. c');
  });
});

describe('what a report shows of the request', () => {
  it('hides the token and the base URL\'s own query values (a gateway key), and keeps "R&D" inside its filter', async () => {
    let sent = '';
    const client = clientOf((url) => {
      sent = url;
      return json({ totalResults: 0, Resources: [] });
    }, 'https://api.example.com/scim?code=gateway-key&aadOptscim062020');
    const x = await client.send({ method: 'GET', path: '/Groups?filter=displayName eq "R&D"&count=5' });
    expect(sent).toBe('https://api.example.com/scim/Groups?code=gateway-key&aadOptscim062020&filter=displayName%20eq%20%22R%26D%22&count=5');
    expect(x.request.url).toBe('https://api.example.com/scim/Groups?code=<hidden>&aadOptscim062020&filter=displayName%20eq%20%22R%26D%22&count=5');
    expect(x.request.headers.Authorization).toBe('Bearer <token>');
  });

  it('never repeats the token in a transport error', async () => {
    const client = clientOf(() => {
      throw new TypeError('Headers.append: "Bearer secret-token" is an invalid header value.');
    });
    await expect(client.send({ method: 'GET', path: '/Users' })).rejects.toThrow('no HTTP answer from http://127.0.0.1:1: Headers.append: "Bearer <token>" is an invalid header value.');
  });
});

describe('the Entra flag in a pasted base URL', () => {
  it('goes to the entra-2020 profile only: the default families never run in the server\'s 2020 mode', async () => {
    const { runProfiles } = await import('../../src/simulator/run.js');
    const seen: Record<string, string[]> = {};
    const probe = (name: string, baseQuery?: string) => ({
      name,
      title: name,
      userAgent: 'test',
      ...(baseQuery ? { baseQuery } : {}),
      run: async (s: Session) => {
        await s.step('GET', { consequence: 'c' }, async (t) => {
          seen[name] = [(await t.send({ method: 'GET', path: '/Users?count=1' })).request.url];
        });
      },
    });
    const fetch = async () => json({ totalResults: 0, Resources: [] });
    await runProfiles({ baseUrl: 'http://h.test/scim?aadOptscim062020&tenant=t1', token: 'tok', profiles: [probe('entra'), probe('entra-2020', 'aadOptscim062020')], keep: false, timeoutMs: 1000, fetch });
    expect(seen).toEqual({
      entra: ['http://h.test/scim/Users?tenant=<hidden>&count=1'],
      'entra-2020': ['http://h.test/scim/Users?aadOptscim062020&tenant=<hidden>&count=1'],
    });
  });
});

describe('what a profile reads as JSON', () => {
  const answer = () => json({ id: 'u1' }, 200, 'text/json;charset=UTF-8');
  const read = async (session: Session) => {
    await session.step('Read', { consequence: 'c' }, async (t) => {
      t.body(await t.send({ method: 'GET', path: '/Users/u1' }));
    });
    return session.results[0]!;
  };

  it('text/json is JSON to Okta (its reference shows servers answering it), not to Entra', async () => {
    const { okta } = await import('../../src/simulator/profiles/okta.js');
    expect((await read(new Session('okta', clientOf(answer), 'x', { answered: 0 }, okta.jsonTypes))).status).toBe('pass');
    const entra = await read(new Session('entra', clientOf(answer), 'x', { answered: 0 }));
    expect([entra.status, entra.verdict]).toEqual(['fail', 'expected a JSON content type, got text/json;charset=UTF-8. c']);
  });
});

describe('Check.equal', () => {
  it('compares JSON values as JSON: key order is not a difference, a different value is', async () => {
    const session = new Session('p', clientOf(() => json({})), 'x', { answered: 0 });
    await session.step('Same', { consequence: 'c' }, async (t) => t.equal({ value: 'u1', $ref: 'r' }, { $ref: 'r', value: 'u1' }, 'manager'));
    await session.step('Different', { consequence: 'c' }, async (t) => t.equal({ value: 'u1' }, { value: 'u2' }, 'manager'));
    expect(session.results.map((r) => [r.status, r.verdict])).toEqual([
      ['pass', 'as expected'],
      ['fail', 'manager: expected {"value":"u2"}, got {"value":"u1"}. c'],
    ]);
  });
});
