import { describe, expect, it } from 'vitest';
import { FixtureError, at } from '../../src/fixtures/issues.js';
import { validateFixture } from '../../src/fixtures/validate.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TOKEN = 'scimctl_sk_' + 'a'.repeat(43);
const DIR = 'environments[0].organizations[0].directories[0]';

/** A valid fixture: one env, org, directory, two users (one managing the other), a nested group. */
function base(): Json {
  return {
    version: 1,
    environments: [
      {
        name: 'ci',
        publicUrl: 'http://localhost:8080',
        organizations: [
          {
            key: 'acme',
            name: 'Acme',
            domains: ['acme.test'],
            directories: [
              {
                key: 'entra',
                token: TOKEN,
                users: [
                  { key: 'alice', userName: 'alice@acme.test', active: true },
                  { key: 'bob', userName: 'bob@acme.test', [ENT]: { department: 'R&D', manager: { value: 'alice' } } },
                ],
                groups: [
                  { key: 'eng', displayName: 'Engineering', members: ['alice', 'bob'] },
                  { key: 'all', displayName: 'Everyone', members: ['eng'] },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

// Small accessors so each case below reads as "change this one thing".
const env = (f: Json) => (f.environments as Json[])[0]!;
const org = (f: Json) => (env(f).organizations as Json[])[0]!;
const dir = (f: Json) => (org(f).directories as Json[])[0]!;
const users = (f: Json) => dir(f).users as Json[];
const groups = (f: Json) => dir(f).groups as Json[];

function issuesOf(fixture: unknown): string[] {
  try {
    validateFixture(fixture, 'test.json');
  } catch (error) {
    if (!(error instanceof FixtureError)) throw error;
    return error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  }
  return [];
}

describe('validateFixture', () => {
  it('accepts the base fixture and normalizes like the SCIM server', () => {
    const plan = validateFixture(base(), 'test.json');
    const d = plan.environments[0]!.organizations[0]!.directories[0]!;
    expect(plan.records).toBe(4);
    expect(plan.environments[0]!.organizations[0]!.externalId).toBe('acme');
    expect(d.name).toBe('entra');
    expect(d.users[0]!.attributes).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'alice@acme.test', active: true });
    expect(d.users[1]!.managerKey).toBe('alice');
    expect(d.groups[1]!.members).toEqual(['eng']);
  });

  const cases: Array<[string, (f: Json) => unknown, string[]]> = [
    ['a fixture that is not an object', () => [], ['must be an object, got []']],
    ['a missing version', (f) => void delete f.version, ['version: required (this scimctl reads fixture version 1)']],
    ['an unknown version', (f) => void (f.version = 2), ['version: unsupported version 2 (this scimctl reads fixture version 1)']],
    ['an unknown top-level property', (f) => void (f.organizations = []), ['organizations: unknown property (expected one of: version, description, environments)']],
    ['missing environments', (f) => void delete f.environments, ['environments: required']],
    ['environments not an array', (f) => void (f.environments = {}), ['environments: must be an array, got {}']],
    ['a typo in a property name', (f) => void (env(f).organisations = []), ['environments[0].organisations: unknown property (expected one of: name, publicUrl, organizations, apiKeys)']],
    ['a missing environment name', (f) => void delete env(f).name, ['environments[0].name: required']],
    [
      'an invalid environment name',
      (f) => void (env(f).name = 'bad name'),
      ['environments[0].name: invalid environment name "bad name" (Use letters, digits, ".", "_" or "-" (up to 63 characters), not starting with "env_")'],
    ],
    ['a duplicate environment', (f) => void (f.environments as Json[]).push({ name: 'ci' }), ['environments[1].name: duplicate environment name "ci" (also environments[0].name)']],
    ['an invalid public URL', (f) => void (env(f).publicUrl = 'nope'), ['environments[0].publicUrl: invalid URL "nope" (Give an absolute http(s) URL, e.g. https://scim.example.test)']],
    ['a missing organization key', (f) => void delete org(f).key, ['environments[0].organizations[0].key: required']],
    [
      'two organizations with one external id',
      (f) => void (env(f).organizations as Json[]).push({ key: 'acme2', name: 'Acme 2', externalId: 'acme' }),
      ['environments[0].organizations[1].externalId: duplicate external id "acme" (also environments[0].organizations[0].key); organizations are matched by external id within their environment'],
    ],
    ['an invalid domain', (f) => void (org(f).domains = ['not a domain']), ['environments[0].organizations[0].domains[0]: invalid domain "not a domain" (Give a DNS name such as example.com)']],
    [
      'a domain of two organizations',
      (f) => void (env(f).organizations as Json[]).push({ key: 'other', name: 'Other', domains: ['ACME.test'] }),
      ['environments[0].organizations[1].domains[0]: duplicate domain "acme.test" (also environments[0].organizations[0].domains[0]); a domain belongs to one organization per environment'],
    ],
    [
      'an invalid token',
      (f) => void (dir(f).token = 'secret'),
      [`${DIR}.token: invalid token: must be "scimctl_sk_" followed by 43 letters, digits, "_" or "-" (like the tokens scimctl makes)`],
    ],
    [
      'one token for two directories',
      (f) => void (org(f).directories as Json[]).push({ key: 'okta', token: TOKEN }),
      [`environments[0].organizations[0].directories[1].token: duplicate token "${TOKEN}" (also ${DIR}.token); each directory needs its own token`],
    ],
    [
      'two directories with one name',
      (f) => void (org(f).directories as Json[]).push({ key: 'other', name: 'entra' }),
      ['environments[0].organizations[0].directories[1].name: duplicate directory name "entra" (also environments[0].organizations[0].directories[0].key); directories are matched by name within their organization'],
    ],
    ['a user without userName', (f) => void delete users(f)[1]!.userName, [`${DIR}.users[1].userName: required`]],
    ['a user with an empty userName', (f) => void (users(f)[1]!.userName = ' '), [`${DIR}.users[1].userName: required`]],
    ['a userName that is not a string', (f) => void (users(f)[1]!.userName = 7), [`${DIR}.users[1].userName: must be a string, got 7`]],
    ['a user that is not an object', (f) => void users(f).push('carol' as unknown as Json), [`${DIR}.users[2]: must be an object of SCIM User attributes, got "carol"`]],
    ['an invalid SCIM attribute', (f) => void (users(f)[0]!.active = 'yes'), [`${DIR}.users[0]: "active" must be a boolean, got "yes"`]],
    ['an empty key', (f) => void (users(f)[0]!.key = ''), [`${DIR}.users[0].key: must be a non-empty string, got ""`]],
    [
      'a duplicate userName in another case',
      (f) => void users(f).push({ userName: 'Alice@ACME.test' }),
      [`${DIR}.users[2].userName: duplicate userName "Alice@ACME.test" (${DIR}.users[0] has "alice@acme.test"; userNames are compared case-insensitively)`],
    ],
    ['a duplicate key', (f) => void users(f).push({ key: 'alice', userName: 'carol@acme.test' }), [`${DIR}.users[2].key: duplicate key "alice" (also ${DIR}.users[0])`]],
    [
      'an unknown manager key',
      (f) => void (users(f)[1]![ENT] = { manager: { value: 'zed' } }),
      [`${DIR}.users[1]["${ENT}"].manager: unknown manager key "zed": no user in this directory has it`],
    ],
    [
      'a manager given as a URN-qualified key',
      (f) => void (users(f)[1] = { key: 'bob', userName: 'bob@acme.test', [`${ENT}:manager`]: 'eng' }),
      [`${DIR}.users[1]["${ENT}:manager"]: unknown manager key "eng": that is a group, not a user`],
    ],
    ['a manager without a value', (f) => void (users(f)[1]![ENT] = { manager: { displayName: 'Alice' } }), [`${DIR}.users[1]["${ENT}"].manager: needs "value": the key of a user in this directory`]],
    ['a group without displayName', (f) => void delete groups(f)[0]!.displayName, [`${DIR}.groups[0].displayName: required`]],
    [
      'a duplicate displayName in another case',
      (f) => void groups(f).push({ displayName: 'ENGINEERING' }),
      [`${DIR}.groups[2].displayName: duplicate displayName "ENGINEERING" (${DIR}.groups[0] has "Engineering"; group names are compared case-insensitively)`],
    ],
    ['an unknown group member', (f) => void (groups(f)[0]!.members = ['alice', 'zed']), [`${DIR}.groups[0].members[1]: unknown member key "zed": no user or group in this directory has it`]],
    ['a group in itself', (f) => void (groups(f)[1]!.members = ['all']), [`${DIR}.groups[1].members[0]: a group cannot be a member of itself`]],
    ['members that are not an array', (f) => void (groups(f)[0]!.members = 'alice'), [`${DIR}.groups[0].members: must be an array of user or group keys, got "alice"`]],
    ['a member that is not a key', (f) => void (groups(f)[0]!.members = [{ value: 'alice' }]), [`${DIR}.groups[0].members[0]: must be a user or group key (a non-empty string), got {"value":"alice"}`]],
    [
      'a group key that is also a user key',
      (f) => void groups(f).push({ key: 'bob', displayName: 'Bobs' }),
      [`${DIR}.groups[2].key: duplicate key "bob" (also ${DIR}.users[1])`],
    ],
    [
      'a default group key that is also a user key',
      (f) => {
        users(f).push({ userName: 'carol@acme.test' });
        groups(f).push({ displayName: 'carol@acme.test' });
      },
      [`${DIR}.groups[2]: duplicate key "carol@acme.test" (also ${DIR}.users[2]); give one of them a "key"`],
    ],
    ['users not an array', (f) => void (dir(f).users = {}), [`${DIR}.users: must be an array, got {}`]],
  ];

  it.each(cases)('reports %s at its exact place', (_name, mutate, expected) => {
    const fixture = base();
    const replaced = mutate(fixture);
    expect(issuesOf(replaced ?? fixture)).toEqual(expected);
  });

  it('reports every independent problem in one run', () => {
    const f = base();
    delete users(f)[0]!.userName;
    env(f).publicUrl = 'ftp://x';
    dir(f).token = 'short';
    expect(issuesOf(f)).toEqual([
      'environments[0].publicUrl: invalid URL "ftp://x": only http and https are supported',
      `${DIR}.token: invalid token: must be "scimctl_sk_" followed by 43 letters, digits, "_" or "-" (like the tokens scimctl makes)`,
      `${DIR}.users[0].userName: required`,
    ]);
  });

  it('stops after 50 problems and says so', () => {
    const f = base();
    dir(f).users = Array.from({ length: 200 }, () => ({}));
    const error = (() => {
      try {
        validateFixture(f, 'big.json');
      } catch (e) {
        return e as FixtureError;
      }
    })()!;
    expect(error.issues).toHaveLength(50);
    expect(error.message.split('\n')[0]).toBe('invalid fixture big.json (first 50 errors):');
    expect(error.message.split('\n')[1]).toBe(`  ${DIR}.users[0].userName: required`);
  });

  it('names the file in a one-line message for a single problem', () => {
    const f = base();
    f.version = '1';
    expect(() => validateFixture(f, 'acme.json')).toThrow('invalid fixture acme.json: version: unsupported version "1" (this scimctl reads fixture version 1)');
  });
});

describe('at', () => {
  it.each<[string, string | number, string]>([
    ['', 'version', 'version'],
    ['a', 0, 'a[0]'],
    ['a', 'userName', 'a.userName'],
    ['a', ENT, `a["${ENT}"]`],
  ])('at(%j, %j) is %s', (path, key, expected) => expect(at(path, key)).toBe(expected));
});
