import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/core/json-depth.js';
import { ERROR_SCHEMA, entraUser, scim, startTestServer, type TestDirectory, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: TestDirectory;
let userId: string;
let groupId: string;
beforeAll(async () => {
  server = await startTestServer(1, { onInternalError: (error) => internalErrors.push(error) });
  dir = server.directories[0]!;
  userId = (await scim(dir, 'POST', '/Users', entraUser('robin'))).body.id;
  groupId = (await scim(dir, 'POST', '/Groups', { displayName: 'Robins' })).body.id;
});
afterAll(() => server.close());

const internalErrors: unknown[] = [];

const bodies: unknown[] = [null, 42, 'text', [], [1, 2], {}, { Operations: null }, { Operations: {} }, { Operations: [null] }, { Operations: [42] },
  { Operations: [{ op: 'add' }] }, { Operations: [{ op: 'add', path: 42, value: 1 }] }, { Operations: [{ op: 'replace', path: 'emails[', value: 1 }] },
  { Operations: [{ op: 'replace', path: 'name', value: [1, 2, 3] }] }, { Operations: [{ op: 'remove', path: 'members[type gt 3]' }] },
  { Operations: [{ op: 'add', path: 'members', value: 'x' }] }, { Operations: [{ op: 'add', path: 'members', value: [{ nope: 1 }] }] },
  { Operations: [{ op: 'replace', value: 'not an object' }] }, { Operations: [{ op: 'replace', path: 'userName', value: null }] },
  { Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }, { Operations: [{ op: 'replace', path: 'meta.created', value: 'x' }] },
  { userName: { nested: true } }, { userName: '' }, { userName: 'x'.repeat(10_000) }, { displayName: 7 }, { schemas: 'nope', userName: 'a' },
  { members: 'nope', displayName: 'G' }, { members: [{ value: 42 }], displayName: 'G2' }, JSON.parse('{"__proto__": {"polluted": true}, "userName": "proto"}'),
  { emails: 'a@b.c', userName: 'single-email' }, { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'flat', userName: 'ext' }];

const filters = ['', ' ', '(', ')', 'userName', 'userName eq', 'eq "x"', 'userName eq "x" and', 'not', 'emails[type eq "work"', 'emails[]', 'a.b.c.d eq 1',
  'userName eq "unterminated', 'meta.created gt "not a date"', 'active gt true', 'name pr and', '"quoted" eq 1', 'userName eq "x" or (', 'x'.repeat(5000),
  '((((((((((((((((((((((((((((((((((((((((((((((((((((((((userName eq "a"))))))))))))))))))))))))))))))))))))))))))))))))))))))))', 'userName eq "a\\u0000b"',
  "userName eq 'single'", 'userName eq "x" garbage', 'members[value eq "x"].display eq "y"'];

describe('never a 500, always a SCIM Error body', () => {
  const check = (res: { status: number; headers: Headers; body: { schemas?: string[] } | undefined }, label: string) => {
    expect(res.status, label).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers.get('content-type'), label).toBe('application/scim+json; charset=utf-8');
      expect(res.body?.schemas, label).toEqual([ERROR_SCHEMA]);
    }
  };

  it('for bad bodies on every write route', async () => {
    for (const body of bodies) {
      const text = JSON.stringify(body);
      for (const [method, path] of [['POST', '/Users'], ['POST', '/Groups'], ['PUT', `/Users/${userId}`], ['PUT', `/Groups/${groupId}`], ['PATCH', `/Users/${userId}`], ['PATCH', `/Groups/${groupId}`], ['POST', '/Users/.search'], ['POST', '/.search']] as const) {
        check(await scim(dir, method, path, text), `${method} ${path} ${text.slice(0, 80)}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('for bodies nested deeper than the limit (400 invalidSyntax, not a stack overflow)', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const depth of [MAX_JSON_DEPTH, 200_000]) {
      const bodies = [`{"userName":"deep","x":${deep(depth)}}`, `{"displayName":"deep","x":${deep(depth)}}`, `{"Operations":[{"op":"add","path":"x","value":${deep(depth)}}]}`];
      for (const [method, path, body] of [['POST', '/Users', bodies[0]], ['POST', '/Groups', bodies[1]], ['PUT', `/Users/${userId}`, bodies[0]], ['PATCH', `/Users/${userId}`, bodies[2]], ['PATCH', `/Groups/${groupId}`, bodies[2]], ['POST', '/Users/.search', bodies[0]]] as const) {
        const res = await scim(dir, method, path, body);
        expect(res.status, `${method} ${path} depth ${depth}`).toBe(400);
        expect(res.body).toEqual({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax', detail: `the request body nests deeper than ${MAX_JSON_DEPTH} levels` });
      }
    }
    // At the limit an unmodelled attribute is kept and returned exactly as sent.
    const atLimit = JSON.parse(deep(MAX_JSON_DEPTH - 1)) as unknown;
    const created = await scim(dir, 'POST', '/Users', { userName: 'deep-but-fine', x: atLimit });
    expect(created.status).toBe(201);
    expect(created.body.x).toEqual(atLimit);
    expect(internalErrors).toEqual([]);
  });

  it('for bad filters, paging and projections', async () => {
    for (const filter of filters) {
      check(await scim(dir, 'GET', `/Users?filter=${encodeURIComponent(filter)}`), `filter ${filter.slice(0, 60)}`);
      check(await scim(dir, 'GET', `/Groups?filter=${encodeURIComponent(filter)}`), `group filter ${filter.slice(0, 60)}`);
    }
    for (const query of ['startIndex=-5', 'count=-1', 'count=99999999999999999999', 'startIndex=abc', 'sortBy=', 'sortBy=emails[', 'sortOrder=sideways',
      'attributes=[', 'excludedAttributes=emails[type eq', 'attributes=urn:nope:x', 'sortBy=meta.location', '%zz=1', 'filter=%E0%A4%A']) {
      check(await scim(dir, 'GET', `/Users?${query}`), query);
    }
  });

  it('for odd paths, methods, headers and encodings', async () => {
    const raw = (path: string, init: RequestInit = {}) =>
      fetch(dir.baseUrl + path, { ...init, headers: { Authorization: `Bearer ${dir.token}`, ...(init.headers as Record<string, string>) } }).then(async (r) => {
        const text = await r.text();
        let body: { schemas?: string[] } | undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = { schemas: ['not json: ' + text.slice(0, 40)] };
        }
        return { status: r.status, headers: r.headers, body };
      });
    for (const path of ['/Users/%zz', '/Users/' + 'a'.repeat(3000), '/Users/..%2f..%2fetc', '/Groups/x/y', '/Schemas/%00', '/ResourceTypes/nope', '/.search', '/Users/.search/x']) {
      check(await raw(path), `GET ${path}`);
    }
    check(await raw('/Users', { method: 'POST', body: '\u00ff\u00fe{', headers: { 'Content-Type': 'application/scim+json; charset=utf-16' } }), 'utf-16 charset');
    check(await raw('/Users', { method: 'POST', body: '{"userName":"gz"}', headers: { 'Content-Encoding': 'br-unknown' } }), 'unknown content-encoding');
    check(await raw('/Users', { method: 'OPTIONS' }), 'OPTIONS');
    check(await raw('/Users', { method: 'POST', body: '', headers: { 'Content-Type': 'application/scim+json' } }), 'empty POST body');
    check(await raw('/Users', { method: 'POST', body: '{"userName": "a"}', headers: { 'Content-Type': 'text/plain' } }), 'text/plain');
    expect(internalErrors).toEqual([]);
  });
});
