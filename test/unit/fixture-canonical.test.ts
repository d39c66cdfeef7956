import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isCanonicalUser, normalizeUser } from '../../src/fixtures/canonical.js';
import { normalizeResource } from '../../src/scim/normalize.js';
import { generateFixture } from '../../fixtures/generate-large.mjs';

type Json = Record<string, unknown>;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const directoryUsers = (fixture: unknown) => {
  const env = (fixture as { environments: Json[] }).environments[0]!;
  const dir = ((env.organizations as Json[])[0]!.directories as Json[])[0]!;
  return (dir.users as Json[]).map(({ key: _key, ...body }) => body);
};
const acmeUsers = () => directoryUsers(JSON.parse(readFileSync(new URL('../../fixtures/acme.json', import.meta.url), 'utf8')));
const generatedUsers = () => directoryUsers(generateFixture({ users: 300, groups: 10, seed: 7 }));

/** The invariant the fast path rests on: whatever it accepts, normalizeResource stores unchanged, byte for byte. */
function expectSafe(body: Json): boolean {
  const canonical = isCanonicalUser(body);
  if (canonical) expect(JSON.stringify(normalizeResource('User', structuredClone(body)))).toBe(JSON.stringify(body));
  return canonical;
}

describe('isCanonicalUser', () => {
  it('accepts the demo and generated users, which normalizeResource leaves unchanged', () => {
    for (const body of [...acmeUsers(), ...generatedUsers()]) expect(expectSafe(body)).toBe(true);
  });

  const minimal = () => ({ schemas: [USER], userName: 'a@b.c' });
  it.each<[string, Json]>([
    ['schemas not first', { userName: 'a@b.c', schemas: [USER] }],
    ['no schemas', { userName: 'a@b.c' }],
    ['the enterprise URN missing from schemas', { ...minimal(), [ENT]: { department: 'x' } }],
    ['an empty enterprise object', { schemas: [USER, ENT], userName: 'a@b.c', [ENT]: {} }],
    ['an attribute in another case', { ...minimal(), DisplayName: 'A' }],
    ['a string boolean', { ...minimal(), active: 'True' }],
    ['a null', { ...minimal(), title: null }],
    ['an unmodelled attribute', { ...minimal(), favouriteColour: 'green' }],
    ['an unmodelled sub-attribute', { ...minimal(), name: { givenName: 'A', nick: 'x' } }],
    ['a lone object for a multi-valued attribute', { ...minimal(), emails: { value: 'a@b.c' } }],
    ['a wrapped single value', { ...minimal(), title: [{ value: 'Boss' }] }],
    ['a bare manager id', { schemas: [USER, ENT], userName: 'a@b.c', [ENT]: { manager: 'bob' } }],
    ['id', { ...minimal(), id: 'x' }],
    ['meta', { ...minimal(), meta: { resourceType: 'User' } }],
    ['groups', { ...minimal(), groups: [] }],
    ['password', { ...minimal(), password: 'hunter2' }],
    ['a dotted key', { ...minimal(), 'name.givenName': 'A' }],
    ['a URN-qualified key', { ...minimal(), [`${ENT}:department`]: 'x' }],
    ['a blank userName', { schemas: [USER], userName: ' ' }],
    ['schemas in another case', { schemas: [USER.toUpperCase()], userName: 'a@b.c' }],
  ])('leaves %s to normalizeResource', (_name, body) => {
    expect(isCanonicalUser(body)).toBe(false);
  });

  it('never accepts a body normalizeResource would change (randomised mutations)', () => {
    const mutations: Array<(b: Json) => void> = [
      (b) => void (b.active = String(b.active)),
      (b) => void (b.title = null),
      (b) => void (b.Title = b.title),
      (b) => void (b.emails = Array.isArray(b.emails) ? b.emails[0] : b.emails),
      (b) => void (b[ENT] = { ...(b[ENT] as Json), manager: 'x' }),
      (b) => void (b[ENT] = {}),
      (b) => void (b.schemas = [USER]),
      (b) => void (b.schemas = [ENT, USER]),
      (b) => void (b.extra = 1),
      (b) => void (b.name = { ...(b.name as Json), givenName: 5 }),
      (b) => void (b.emails = [...(Array.isArray(b.emails) ? b.emails : []), null]),
      (b) => void delete b.schemas,
      (b) => void (b.roles = []),
      (b) => void (b.nickName = 'n'),
    ];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let accepted = 0;
    for (const original of generatedUsers()) {
      const body = structuredClone(original);
      for (let i = 0; i < 1 + Math.floor(random() * 3); i++) mutations[Math.floor(random() * mutations.length)]!(body);
      if (expectSafe(body)) accepted++;
    }
    // Some mutations keep a body canonical (roles: [], a new nickName): those must be accepted and safe.
    expect(accepted).toBeGreaterThan(0);
  });

  it('normalizeUser returns normalizeResource output for non-canonical bodies', () => {
    const body = { userName: 'a@b.c', ACTIVE: 'False', [ENT]: { manager: 'bob' } };
    expect(normalizeUser(structuredClone(body))).toEqual(normalizeResource('User', body));
  });
});
