import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import type { Filter } from '../../src/scim/filter/ast.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import { ENTERPRISE_USER_SCHEMA as ENT, type ResourceKind } from '../../src/scim/schemas.js';
import { compileFilter, compileSort } from '../../src/store/filter-sql.js';
import { migrations } from '../../src/store/migrations.js';

const DIR = 'scim_directory_1';
const OTHER_DIR = 'scim_directory_2';
const U = { alice: 'scim_user_alice', bob: 'scim_user_bob', carol: 'scim_user_carol', dave: 'scim_user_dave', other: 'scim_user_other' };
const G = { sales: 'scim_group_sales', eng: 'scim_group_eng', empty: 'scim_group_empty' };

let db: Database.Database;

interface UserRow {
  id: string;
  dir?: string;
  active?: number;
  created: string;
  updated: string;
  version?: number;
  attributes: Record<string, unknown>;
}

// Shaped like what Entra provisions: core + enterprise extension, emails/phoneNumbers/roles arrays.
const users: UserRow[] = [
  {
    id: U.alice,
    created: '2024-01-10T10:00:00.000Z',
    updated: '2024-03-01T12:00:00.000Z',
    version: 3,
    attributes: {
      userName: 'Alice@Contoso.com',
      externalId: 'alice',
      displayName: 'Alice Smith',
      active: true,
      title: 'Engineer',
      name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
      emails: [
        { value: 'alice@x.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home' },
      ],
      phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
      roles: [],
      [ENT]: { employeeNumber: '701984', department: 'Sales', manager: { value: U.bob } },
    },
  },
  {
    id: U.bob,
    active: 0,
    created: '2024-02-01T08:30:00.000Z',
    updated: '2024-02-01T08:30:00.000Z',
    attributes: {
      userName: 'bob@contoso.com',
      externalId: 'bob',
      displayName: 'Bob Smithers',
      active: false,
      title: '',
      name: { familyName: 'Smithers' },
      emails: [{ value: 'bob@y.com', type: 'work' }],
      [ENT]: { employeeNumber: '701985' },
    },
  },
  {
    id: U.carol,
    created: '2024-03-15T00:00:00.000Z',
    updated: '2024-03-15T00:00:00.000Z',
    attributes: {
      userName: 'carol@contoso.com',
      roles: [{ value: 'admin', primary: true }],
      customAttr: 'Blue',
      tags: ['x', 'y'],
    },
  },
  {
    id: U.dave,
    created: '2024-04-01T00:00:00.000Z',
    updated: '2024-04-01T00:00:00.000Z',
    attributes: { userName: 'dave_o%k@contoso.com', externalId: 'DAVE', displayName: 'dave', emails: [] },
  },
  {
    id: U.other,
    dir: OTHER_DIR,
    created: '2024-01-10T10:00:00.000Z',
    updated: '2024-01-10T10:00:00.000Z',
    attributes: { userName: 'alice@contoso.com', externalId: 'alice' },
  },
];

beforeAll(() => {
  db = new Database(':memory:');
  db.exec(migrations[0]!.sql);
  const now = '2024-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO environments VALUES (?, ?, ?, ?)').run('env', 'dev', 'http://localhost', now);
  db.prepare('INSERT INTO organizations (id, environment_id, display_name, created_at) VALUES (?, ?, ?, ?)').run('org', 'env', 'Contoso', now);
  const dir = db.prepare('INSERT INTO scim_directories (id, organization_id, created_at) VALUES (?, ?, ?)');
  dir.run(DIR, 'org', now);
  dir.run(OTHER_DIR, 'org', now);
  const insertUser = db.prepare(
    `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const u of users) {
    const a = u.attributes;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    insertUser.run(u.id, u.dir ?? DIR, a.userName, str(a.externalId), str(a.displayName), u.active ?? 1, JSON.stringify(a), u.created, u.updated, u.version ?? 1);
  }
  const insertGroup = db.prepare(
    `INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  insertGroup.run(G.sales, DIR, 'Sales', 'obj-sales', JSON.stringify({ displayName: 'Sales' }), '2024-01-01T00:00:00.000Z', now);
  insertGroup.run(G.eng, DIR, 'Engineering', 'obj-eng', JSON.stringify({ displayName: 'Engineering' }), '2024-02-01T00:00:00.000Z', now);
  insertGroup.run(G.empty, DIR, 'Empty', null, JSON.stringify({ displayName: 'Empty' }), '2024-03-01T00:00:00.000Z', now);
  const member = db.prepare('INSERT INTO scim_group_members VALUES (?, ?, ?)');
  member.run(G.sales, U.alice, 'User');
  member.run(G.sales, U.bob, 'User');
  member.run(G.eng, U.carol, 'User');
  member.run(G.eng, G.sales, 'Group');
});

afterAll(() => db.close());

const TABLE: Record<ResourceKind, string> = { User: 'scim_users', Group: 'scim_groups' };

function query(filter: Filter | string, kind: ResourceKind = 'User'): string[] {
  const { sql, params } = compileFilter(typeof filter === 'string' ? parseFilter(filter) : filter, kind);
  const rows = db.prepare(`SELECT r.id FROM ${TABLE[kind]} r WHERE r.directory_id = ? AND (${sql})`).all(DIR, ...params) as { id: string }[];
  return rows.map((r) => r.id).sort();
}

const all = [U.alice, U.bob, U.carol, U.dave];
const except = (...ids: string[]) => all.filter((id) => !ids.includes(id));
const sorted = (...ids: string[]) => [...ids].sort();

describe('compileFilter against SQLite: users', () => {
  const cases: [string, string[]][] = [
    // userName is case-insensitive, and scoped to the directory
    ['userName eq "alice@contoso.com"', [U.alice]],
    ['userName eq "ALICE@CONTOSO.COM"', [U.alice]],
    ['UserName EQ alice@contoso.com', [U.alice]],
    ['userName ne "alice@contoso.com"', except(U.alice)],
    ['userName sw "AL"', [U.alice]],
    ['userName ew "@CONTOSO.COM"', all],
    ['userName co "o%k"', [U.dave]],
    ['userName co "_"', [U.dave]],
    ['userName co "%"', [U.dave]],
    ['userName gt "c"', [U.carol, U.dave]],
    ['userName le "BOB@contoso.com"', [U.alice, U.bob]],
    // externalId is caseExact
    ['externalId eq "alice"', [U.alice]],
    ['externalId eq "ALICE"', []],
    ['externalId sw "al"', [U.alice]],
    ['externalId ew "ice"', [U.alice]],
    ['externalId ew "ICE"', []],
    ['externalId co "li"', [U.alice]],
    ['externalId ew ""', [U.alice, U.bob, U.dave]],
    ['externalId pr', [U.alice, U.bob, U.dave]],
    ['id eq "scim_user_bob"', [U.bob]],
    ['displayName eq "alice smith"', [U.alice]],
    // multi-valued attributes
    ['emails[type eq "work" and value co "@x.com"]', [U.alice]],
    ['emails[type eq "home" and value co "@x.com"]', []],
    ['emails[type eq "work"]', [U.alice, U.bob]],
    ['emails[not (type eq "work")]', [U.alice]],
    ['emails[primary eq true]', [U.alice]],
    ['emails.value eq "BOB@y.com"', [U.bob]],
    ['emails eq "bob@y.com"', [U.bob]],
    ['emails.type eq "home"', [U.alice]],
    ['emails.value ne "bob@y.com"', except(U.bob)],
    ['emails pr', [U.alice, U.bob]],
    ['not (emails pr)', [U.carol, U.dave]],
    ['emails.value pr', [U.alice, U.bob]],
    ['phoneNumbers.type eq "WORK"', [U.alice]],
    ['roles pr', [U.carol]],
    ['roles.value eq "Admin"', [U.carol]],
    // sub-attributes and the enterprise extension
    ['name.familyName sw "smith"', [U.alice, U.bob]],
    ['name.familyName eq "smith"', [U.alice]],
    ['name.givenName pr', [U.alice]],
    ['name pr', [U.alice, U.bob]],
    ['name[givenName eq "alice"]', [U.alice]],
    [`${ENT}:employeeNumber eq "701984"`, [U.alice]],
    [`${ENT.toUpperCase()}:EmployeeNumber eq "701985"`, [U.bob]],
    [`${ENT}:department eq "sales"`, [U.alice]],
    [`${ENT}:manager.value eq "${U.bob}"`, [U.alice]],
    [`${ENT}:manager eq "${U.bob}"`, [U.alice]],
    [`${ENT}:manager pr`, [U.alice]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@contoso.com"', [U.bob]],
    // dates, normalised to the stored toISOString() form
    ['meta.created gt "2024-01-31T00:00:00Z"', [U.bob, U.carol, U.dave]],
    ['meta.created lt "2024-02-01"', [U.alice]],
    ['meta.lastModified eq "2024-03-01T12:00:00Z"', [U.alice]],
    ['meta.lastModified eq "2024-03-01T13:00:00+01:00"', [U.alice]],
    ['meta.lastModified eq "2024-03-01T12:00:00.000Z"', [U.alice]],
    ['meta.lastModified eq "2024-03-01T12:00:00"', [U.alice]],
    ['meta.lastModified ge "2024-03-01T07:00:00-05:00"', [U.alice, U.carol, U.dave]],
    ['meta.created sw "2024-03"', [U.carol]],
    ['meta.resourceType eq "User"', all],
    ['meta.resourceType eq "Group"', []],
    ['meta.version eq "W/\\"3\\""', [U.alice]],
    ['meta.version gt 1', [U.alice]],
    ['meta pr', all],
    // booleans, including Entra's string forms
    ['active eq false', [U.bob]],
    ['active eq "False"', [U.bob]],
    ['active eq False', [U.bob]],
    ['active eq true', except(U.bob)],
    ['active eq "true"', except(U.bob)],
    ['active ne true', [U.bob]],
    ['active pr', all],
    // pr: present and non-empty
    ['title pr', [U.alice]],
    ['not (title pr)', except(U.alice)],
    ['title eq null', except(U.alice)],
    ['title ne null', [U.alice]],
    ['displayName pr', [U.alice, U.bob, U.dave]],
    // ne / not treat a missing attribute as "not equal"
    ['title ne "Engineer"', except(U.alice)],
    ['not (title eq "Engineer")', except(U.alice)],
    ['not (title co "x")', all],
    ['title gt "A"', [U.alice]],
    ['not (title gt "A")', except(U.alice)],
    // logic
    ['title eq "engineer" or userName sw "bob"', [U.alice, U.bob]],
    ['emails[type eq "work"] and not (active eq false)', [U.alice]],
    ['userName eq "nobody" or userName eq "carol@contoso.com" and customAttr pr', [U.carol]],
    ['(userName eq "nobody" or userName eq "carol@contoso.com") and not (customAttr pr)', []],
    // groups of a user (membership table)
    [`groups.value eq "${G.sales}"`, [U.alice, U.bob]],
    [`groups[value eq "${G.eng}"]`, [U.carol]],
    [`groups eq "${G.eng}"`, [U.carol]],
    ['groups pr', [U.alice, U.bob, U.carol]],
    ['groups.display eq "sales"', [U.alice, U.bob]],
    ['groups.type eq "direct"', [U.alice, U.bob, U.carol]],
    // attributes scimctl does not model: stored as sent, compared case-insensitively
    ['customAttr eq "blue"', [U.carol]],
    ['customAttr pr', [U.carol]],
    ['tags eq "Y"', [U.carol]],
    ['tags pr', [U.carol]],
    ['tags[value eq "x"]', [U.carol]],
    ['roles[value eq "admin" and primary eq true]', [U.carol]],
    ['urn:example:ext:1.0:badge eq "x"', []],
    // injection attempts only ever travel as parameters
    ['userName eq "\\" or 1=1 --"', []],
    ["displayName eq \"' or '1'='1\"", []],
    ['emails[value eq "x\') OR 1=1 --"]', []],
    ['title co "%"', []],
  ];

  it.each(cases)('%s', (filter, expected) => {
    expect(query(filter)).toEqual(sorted(...expected));
  });
});

describe('compileFilter against SQLite: groups', () => {
  const cases: [string, string[]][] = [
    ['displayName eq "sales"', [G.sales]],
    ['displayName sw "e"', [G.eng, G.empty]],
    ['externalId eq "obj-eng"', [G.eng]],
    [`members.value eq "${U.alice}"`, [G.sales]],
    [`members[value eq "${U.carol}"]`, [G.eng]],
    [`members eq "${G.sales}"`, [G.eng]],
    [`members[value eq "${U.alice}" or value eq "${U.carol}"]`, [G.eng, G.sales]],
    ['members[type eq "Group"]', [G.eng]],
    ['members.display eq "alice smith"', [G.sales]],
    ['members.display eq "SALES"', [G.eng]],
    ['members pr', [G.eng, G.sales]],
    ['not (members pr)', [G.empty]],
    [`members.value ne "${U.alice}"`, [G.eng, G.empty]],
    ['meta.resourceType eq "Group"', [G.eng, G.empty, G.sales]],
    ['meta.created ge "2024-02-01T00:00:00Z"', [G.eng, G.empty]],
    ['emails pr', []],
  ];

  it.each(cases)('%s', (filter, expected) => {
    expect(query(filter, 'Group')).toEqual(sorted(...expected));
  });
});

describe('compileFilter SQL text', () => {
  it('compiles userName eq to the exact indexed form', () => {
    expect(compileFilter(parseFilter('userName eq "Alice@Contoso.com"'), 'User')).toEqual({
      sql: 'r.user_name = ? COLLATE NOCASE',
      params: ['Alice@Contoso.com'],
    });
  });

  it('uses the user_name index for userName eq', () => {
    const { sql, params } = compileFilter(parseFilter('userName eq "alice@contoso.com"'), 'User');
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT r.id FROM scim_users r WHERE r.directory_id = ? AND (${sql})`).all(DIR, ...params) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX scim_users_user_name/);
  });

  it.each([
    ['User', 'externalId eq "alice"', 'scim_users_external_id'],
    ['Group', 'displayName eq "SALES"', 'scim_groups_display_name'],
    ['Group', 'externalId eq "obj-eng"', 'scim_groups_external_id'],
  ] as const)('uses an index for %s %s', (kind, filter, index) => {
    const { sql, params } = compileFilter(parseFilter(filter), kind);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT r.id FROM ${TABLE[kind]} r WHERE r.directory_id = ? AND (${sql})`).all(DIR, ...params) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain(`USING INDEX ${index}`);
  });

  it('uses indexed columns and constants where they exist', () => {
    expect(compileFilter(parseFilter('externalId eq "a"'), 'User').sql).toBe('r.external_id = ?');
    expect(compileFilter(parseFilter('displayName eq "a"'), 'Group').sql).toBe('r.display_name = ? COLLATE NOCASE');
    expect(compileFilter(parseFilter('active eq "False"'), 'User')).toEqual({ sql: 'r.active = ?', params: [0] });
    expect(compileFilter(parseFilter('meta.lastModified gt "2024-03-01T13:00:00+01:00"'), 'User')).toEqual({
      sql: 'r.updated_at > ?',
      params: ['2024-03-01T12:00:00.000Z'],
    });
    expect(compileFilter(parseFilter('meta.version eq "W/\\"7\\""'), 'User')).toEqual({ sql: 'r.version = ?', params: [7] });
    expect(compileFilter(parseFilter('members.value eq "u1"'), 'Group')).toEqual({
      sql: 'EXISTS (SELECT 1 FROM scim_group_members AS m WHERE m.group_id = r.id AND m.member_id = ?)',
      params: ['u1'],
    });
  });

  it('quotes every JSON path segment, URNs included', () => {
    const { sql } = compileFilter(parseFilter(`${ENT}:manager.value eq "x"`), 'User');
    expect(sql).toBe(`json_extract(r.attributes, '$."${ENT}"."manager"."value"') = ? COLLATE NOCASE`);
    const emails = compileFilter(parseFilter('emails[type eq "work"]'), 'User').sql;
    expect(emails).toContain(`json_each(r.attributes, '$."emails"') AS e`);
    expect(emails).toContain(`json_extract((CASE WHEN e.type = 'object' THEN e.value END), '$."type"') = ? COLLATE NOCASE`);
  });

  it('escapes LIKE wildcards and uses instr/substr when caseExact', () => {
    expect(compileFilter(parseFilter('title co "50%_\\\\"'), 'User')).toEqual({
      sql: `json_extract(r.attributes, '$."title"') LIKE ? ESCAPE '\\'`,
      params: ['%50\\%\\_\\\\%'],
    });
    expect(compileFilter(parseFilter('externalId sw "a"'), 'User').sql).toBe('instr(r.external_id, ?) = 1');
  });

  it('gives identical SQL for identical shapes, whatever the values', () => {
    const shapes = [
      ['userName eq "a" and emails[type eq "work"]', 'USERNAME EQ "zzz" AND emails[type eq "home"]'],
      ['active eq true', 'active eq "False"'],
      ['meta.created gt "2024-01-01"', 'meta.created gt "2030-12-31T23:59:59+05:00"'],
      ['customAttr eq "a" or not (title co "b")', 'customAttr eq "\' OR 1=1" or not (title co "%")'],
    ];
    for (const [a, b] of shapes) {
      const x = compileFilter(parseFilter(a!), 'User');
      const y = compileFilter(parseFilter(b!), 'User');
      expect(x.sql).toBe(y.sql);
      expect(x.params).not.toEqual(y.params);
    }
  });

  it('keeps injection attempts out of the SQL text', () => {
    const value = `" or 1=1 --`;
    const { sql, params } = compileFilter(parseFilter(`displayName eq ${JSON.stringify(value)} or ${ENT}:department co ${JSON.stringify(value)}`), 'User');
    expect(sql).not.toContain('1=1');
    expect(params).toEqual([value, `%${value}%`]);
  });

  it('refuses attribute names that could escape a JSON path, even in hand-built ASTs', () => {
    const evil: Filter = { kind: 'compare', op: 'eq', value: 'x', path: { kind: 'attrPath', uri: undefined, attr: `x"') OR 1=1 --`, sub: undefined } };
    expect(() => compileFilter(evil, 'User')).toThrow(ScimError);
    const evilUri: Filter = { kind: 'present', path: { kind: 'attrPath', uri: `urn:x'y`, attr: 'a', sub: undefined } };
    expect(() => compileFilter(evilUri, 'User')).toThrow(/invalid schema URI/);
  });

  it('runs a maximum-length filter', () => {
    const parts: string[] = [];
    for (let i = 0; parts.join(' and ').length < 4000; i++) parts.push(i % 2 ? `emails.value ne "v${i}"` : `not (title eq "t${i}")`);
    const text = parts.slice(0, -1).join(' and ');
    expect(query(text)).toEqual(sorted(...all));
  });
});

describe('compileFilter errors', () => {
  const invalid: [string, ResourceKind][] = [
    ['active gt true', 'User'],
    ['active co "t"', 'User'],
    ['active eq "maybe"', 'User'],
    ['active eq 1', 'User'],
    ['name eq "x"', 'User'],
    ['name gt "x"', 'User'],
    ['meta eq "x"', 'User'],
    ['meta.created gt "not a date"', 'User'],
    ['meta.created eq 5', 'User'],
    ['meta.location eq "https://x/Users/1"', 'User'],
    ['meta.foo eq "x"', 'User'],
    ['meta.version eq "abc"', 'User'],
    ['meta.version co "1"', 'User'],
    ['userName.x eq "a"', 'User'],
    ['userName gt null', 'User'],
    ['emails[value.x eq "a"]', 'User'],
    ['emails[urn:x:y eq "a"]', 'User'],
    ['title[value eq "a"]', 'User'],
    ['emails.primary gt true', 'User'],
    ['members.$ref eq "x"', 'Group'],
    ['members.nope eq "x"', 'Group'],
    ['customAttr gt true', 'User'],
  ];

  it.each(invalid)('%s (%s) is invalidFilter', (text, kind) => {
    let error: unknown;
    try {
      compileFilter(parseFilter(text), kind);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe('invalidFilter');
  });
});

describe('compileSort', () => {
  const order = (sortBy: string, kind: ResourceKind = 'User', dir = 'ASC') =>
    (db.prepare(`SELECT r.id FROM ${TABLE[kind]} r WHERE r.directory_id = ? ORDER BY ${compileSort(sortBy, kind)} ${dir}, r.seq`).all(DIR) as { id: string }[]).map(
      (r) => r.id,
    );

  it('uses indexed columns', () => {
    expect(compileSort('userName', 'User')).toBe('r.user_name COLLATE NOCASE');
    expect(compileSort('meta.created', 'User')).toBe('r.created_at');
    expect(compileSort('externalId', 'Group')).toBe('r.external_id');
  });

  it('sorts rows', () => {
    expect(order('USERNAME')).toEqual([U.alice, U.bob, U.carol, U.dave]);
    expect(order('userName', 'User', 'DESC')).toEqual([U.dave, U.carol, U.bob, U.alice]);
    expect(order('meta.lastModified', 'User', 'DESC')).toEqual([U.dave, U.carol, U.alice, U.bob]);
    expect(order('name.familyName')).toEqual([U.carol, U.dave, U.alice, U.bob]);
    expect(order(`${ENT}:employeeNumber`, 'User', 'DESC')).toEqual([U.bob, U.alice, U.carol, U.dave]);
    expect(order('displayName', 'Group')).toEqual([G.empty, G.eng, G.sales]);
    expect(order('customAttr', 'User', 'DESC')[0]).toBe(U.carol);
    expect(order('meta.resourceType')).toEqual([U.alice, U.bob, U.carol, U.dave]);
  });

  it('sorts multi-valued attributes by the primary, else the first, element', () => {
    // alice's primary email is alice@x.com (not the alphabetically first alice@home.org)
    expect(compileSort('emails', 'User')).toContain('IS 1 DESC, e.key LIMIT 1');
    expect(order('emails.value', 'User', 'DESC')).toEqual([U.bob, U.alice, U.carol, U.dave]);
    expect(order('roles')).toEqual([U.alice, U.bob, U.dave, U.carol]);
    expect(order('members', 'Group')).toEqual([G.empty, G.eng, G.sales]);
  });

  it.each(['name', 'emails[type eq "work"]', 'meta.location', 'userName desc', '', 'a.b.c', 'members.$ref'])('rejects %j with invalidValue', (sortBy) => {
    let error: unknown;
    try {
      compileSort(sortBy, sortBy === 'members.$ref' ? 'Group' : 'User');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe('invalidValue');
  });
});
