import { describe, expect, it } from 'vitest';
import { normalizeResource } from '../../src/scim/normalize.js';
import { PATCH_OP_SCHEMA, USER_SCHEMA } from '../../src/scim/schemas.js';
import { ENT, ent, patch, run, storedUser, withUser, type Json, type Op } from './patch-fixtures.js';

// Each PATCH shape Entra sends (README "Client compatibility"), legacy family vs aadOptscim062020/RFC family.
const entraRows: Array<[string, Op[], Op[], Json]> = [
  [
    'op casing',
    [{ op: 'Replace', path: 'displayName', value: 'A' }],
    [{ op: 'replace', path: 'displayName', value: 'A' }],
    withUser((u) => (u.displayName = 'A')),
  ],
  [
    'booleans',
    [{ op: 'Replace', path: 'active', value: 'False' }],
    [{ op: 'replace', path: 'active', value: false }],
    withUser((u) => (u.active = false)),
  ],
  [
    'several attributes',
    [
      { op: 'Replace', path: 'displayName', value: 'A' },
      { op: 'Replace', path: 'name.givenName', value: 'B' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: '9' },
      { op: 'Add', path: `${ENT}:department`, value: 'D' },
    ],
    [{ op: 'replace', value: { displayName: 'A', 'name.givenName': 'B', [`${ENT}:employeeNumber`]: '9', [ENT]: { department: 'D' } } }],
    withUser((u) => {
      u.displayName = 'A';
      (u.name as Json).givenName = 'B';
      u[ENT] = { employeeNumber: '9', department: 'D' };
    }),
  ],
  [
    'filtered path on an existing element',
    [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'a@b.c' }],
    [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'a@b.c' }],
    withUser((u) => (u.emails = [{ type: 'work', primary: true, value: 'a@b.c' }])),
  ],
  [
    'filtered path creating the element',
    [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' }],
    [{ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' }],
    withUser((u) => (u.phoneNumbers = [{ type: 'work', value: '+1 555 0100' }, { type: 'mobile', value: '+1 555 0101' }])),
  ],
  [
    'single value wrapped',
    [{ op: 'Replace', path: 'title', value: [{ $ref: null, value: 'Boss' }] }],
    [{ op: 'replace', path: 'title', value: 'Boss' }],
    withUser((u) => (u.title = 'Boss')),
  ],
  [
    'manager',
    [{ op: 'Add', path: 'manager', value: [{ $ref: null, value: 'scim_user_m' }] }],
    [{ op: 'add', path: `${ENT}:manager`, value: 'scim_user_m' }],
    withUser((u) => (ent(u).manager = { value: 'scim_user_m' })),
  ],
];

describe('applyPatch: both Entra PATCH families', () => {
  describe.each(entraRows)('%s', (_name, legacy, rfc, expected) => {
    it.each([
      ['legacy', legacy],
      ['aadOptscim062020', rfc],
      ['both mixed in one request', [...legacy, ...rfc]],
    ])('%s', (_family, ops) => {
      const result = run('User', storedUser(), patch(...ops));
      expect(result.attributes).toEqual(expected);
      expect(result.changed).toBe(true);
      expect(result.members).toBeUndefined();
    });
  });

  it.each([
    ['Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }],
    ['operations in lower case, no schemas', { operations: [] }],
  ])('empty %s changes nothing', (_name, body) => {
    const result = run('User', storedUser(), body);
    expect(result).toEqual({ attributes: storedUser(), changed: false, attributesChanged: false });
  });

  it('reports changed:false for a replay that leaves the resource as it was', () => {
    const result = run('User', storedUser(), patch({ op: 'Replace', path: 'active', value: 'True' }, { op: 'replace', path: 'displayName', value: 'Alice Example' }));
    expect(result.changed).toBe(false);
    expect(result.attributes).toEqual(storedUser());
  });
});

describe('applyPatch: attribute semantics', () => {
  const cases: Array<[string, Op[], Json]> = [
    ['op in upper case', [{ op: 'REPLACE', path: 'title', value: 'T' }], withUser((u) => (u.title = 'T'))],
    ['path names in any case', [{ op: 'replace', path: 'name.FamilyName', value: 'F' }], withUser((u) => ((u.name as Json).familyName = 'F'))],
    [
      'filter names in any case',
      [{ op: 'replace', path: 'Emails[Type eq "work"].Value', value: 'x@y' }],
      withUser((u) => (u.emails = [{ type: 'work', primary: true, value: 'x@y' }])),
    ],
    ['URN path in any case', [{ op: 'replace', path: `${ENT.toUpperCase()}:Department`, value: 'D' }], withUser((u) => (ent(u).department = 'D'))],
    ['"true" string in lower case', [{ op: 'replace', path: 'active', value: 'false' }], withUser((u) => (u.active = false))],
    ['externalId may be replaced', [{ op: 'Replace', path: 'externalId', value: 'new' }], withUser((u) => (u.externalId = 'new'))],
    [
      'filtered address sub-attribute',
      [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '2 Side St' }],
      withUser((u) => (u.addresses = [{ type: 'work', streetAddress: '2 Side St', locality: 'Redmond', country: 'US' }])),
    ],
    [
      'filtered address created when missing',
      [{ op: 'add', path: 'addresses[type eq "home"].locality', value: 'Seattle' }],
      withUser((u) => (u.addresses = [...(u.addresses as Json[]), { type: 'home', locality: 'Seattle' }])),
    ],
    [
      'filtered element created with every eq of an "and" filter',
      [{ op: 'add', path: 'emails[type eq "home" and primary eq true].value', value: 'h@x' }],
      withUser((u) => (u.emails = [{ type: 'work', primary: false, value: 'alice@contoso.com' }, { type: 'home', primary: true, value: 'h@x' }])),
    ],
    [
      'filter without sub-attribute merges into matching elements',
      [{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'n@x', display: 'N' } }],
      withUser((u) => (u.emails = [{ type: 'work', primary: true, value: 'n@x', display: 'N' }])),
    ],
    [
      'add on a multi-valued attribute appends and skips exact duplicates',
      [{ op: 'add', path: 'emails', value: [{ type: 'work', primary: true, value: 'alice@contoso.com' }, { type: 'home', value: 'h@x' }] }],
      withUser((u) => (u.emails = [{ type: 'work', primary: true, value: 'alice@contoso.com' }, { type: 'home', value: 'h@x' }])),
    ],
    [
      'add of one object to a multi-valued attribute',
      [{ op: 'Add', path: 'emails', value: { type: 'home', value: 'h@x', primary: 'True' } }],
      withUser((u) => (u.emails = [{ type: 'work', primary: false, value: 'alice@contoso.com' }, { type: 'home', value: 'h@x', primary: true }])),
    ],
    [
      'primary on one element clears it on the others',
      [{ op: 'replace', path: 'emails', value: [{ value: 'a', primary: true }, { value: 'b', primary: true }] }],
      withUser((u) => (u.emails = [{ value: 'a', primary: false }, { value: 'b', primary: true }])),
    ],
    [
      'replace on a multi-valued attribute replaces the array',
      [{ op: 'replace', path: 'phoneNumbers', value: [{ type: 'fax', value: '1' }] }],
      withUser((u) => (u.phoneNumbers = [{ type: 'fax', value: '1' }])),
    ],
    [
      'add of a complex value merges sub-attributes',
      [{ op: 'add', path: 'name', value: { middleName: 'M', FamilyName: 'E2' } }],
      withUser((u) => (u.name = { givenName: 'Alice', familyName: 'E2', formatted: 'Alice Example', middleName: 'M' })),
    ],
    [
      'replace of a complex value leaves unnamed sub-attributes (RFC 7644 §3.5.2.3)',
      [{ op: 'replace', path: 'name', value: { givenName: 'B' } }],
      withUser((u) => ((u.name as Json).givenName = 'B')),
    ],
    [
      'path-less add of whole attributes',
      [{ op: 'add', value: { nickName: 'Al', emails: [{ type: 'other', value: 'o@x' }] } }],
      withUser((u) => {
        u.nickName = 'Al';
        (u.emails as Json[]).push({ type: 'other', value: 'o@x' });
      }),
    ],
    [
      'path-less value with a filtered key',
      [{ op: 'replace', value: { 'emails[type eq "work"].value': 'w@x', 'Active': 'False' } }],
      withUser((u) => {
        u.emails = [{ type: 'work', primary: true, value: 'w@x' }];
        u.active = false;
      }),
    ],
    [
      'remove with a value array removes elements by value',
      [{ op: 'Remove', path: 'phoneNumbers', value: [{ $ref: null, value: '+1 555 0100' }] }],
      withUser((u) => delete u.phoneNumbers),
    ],
    ['remove a filtered element', [{ op: 'remove', path: 'emails[type eq "work"]' }], withUser((u) => delete u.emails)],
    [
      'remove a sub-attribute of filtered elements',
      [{ op: 'remove', path: 'emails[type eq "work"].primary' }],
      withUser((u) => (u.emails = [{ type: 'work', value: 'alice@contoso.com' }])),
    ],
    // Entra replays removals; a remove whose target is already gone must succeed (see apply.ts).
    ['remove matching nothing is a no-op', [{ op: 'remove', path: 'emails[type eq "home"]' }], storedUser()],
    ['remove of an absent attribute is a no-op', [{ op: 'remove', path: 'nickName' }], storedUser()],
    ['remove of a sub-attribute', [{ op: 'remove', path: 'name.formatted' }], withUser((u) => delete (u.name as Json).formatted)],
    ['replace with null unassigns', [{ op: 'replace', path: 'title', value: null }], withUser((u) => delete u.title)],
    [
      'unmodelled attributes are stored as written',
      [{ op: 'add', path: 'favouriteColour', value: { Shade: 'blue' } }, { op: 'add', value: { 'urn:example:ext:1.0:User:level': 3 } }],
      withUser((u) => {
        u.favouriteColour = { Shade: 'blue' };
        u['urn:example:ext:1.0:User'] = { level: 3 };
      }),
    ],
    [
      'whole extension object by path',
      [{ op: 'replace', path: ENT, value: { Department: 'D', costCenter: 'C' } }],
      withUser((u) => (u[ENT] = { employeeNumber: '42', department: 'D', costCenter: 'C' })),
    ],
    ['remove the whole extension', [{ op: 'remove', path: ENT }], withUser((u) => delete u[ENT])],
    [
      'schemas may be replaced; the core URN stays',
      [{ op: 'Replace', path: 'schemas', value: [ENT] }],
      withUser(() => undefined),
    ],
    [
      'core-URN-qualified path',
      [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName', value: 'F' }],
      withUser((u) => ((u.name as Json).familyName = 'F')),
    ],
    [
      'string boolean on a filtered sub-attribute',
      [{ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'False' }],
      withUser((u) => (u.emails = [{ type: 'work', primary: false, value: 'alice@contoso.com' }])),
    ],
    [
      'Entra custom extension attribute by path and as a whole object',
      [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge', value: '7' },
        { op: 'add', value: { 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User': { floor: '3' } } },
      ],
      withUser((u) => (u['urn:ietf:params:scim:schemas:extension:Acme:2.0:User'] = { badge: '7', floor: '3' })),
    ],
    ['password is accepted and not stored', [{ op: 'replace', path: 'password', value: 'hunter2' }], storedUser()],
    [
      'ops apply in order',
      [
        { op: 'add', path: 'nickName', value: 'a' },
        { op: 'remove', path: 'nickName' },
        { op: 'add', path: 'nickName', value: 'b' },
      ],
      withUser((u) => (u.nickName = 'b')),
    ],
  ];
  it.each(cases)('%s', (_name, ops, expected) => {
    expect(run('User', storedUser(), patch(...ops)).attributes).toEqual(expected);
  });

  it('adds the enterprise schema URN when the first enterprise attribute arrives', () => {
    const stored = normalizeResource('User', { userName: 'a' });
    const result = run('User', stored, patch({ op: 'add', path: `${ENT}:department`, value: 'D' }));
    expect(result.attributes).toEqual({ schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { department: 'D' } });
  });
});

describe('applyPatch: manager', () => {
  const withManager = withUser((u) => (ent(u).manager = { value: 'm0' }));
  const forms: Array<[string, Op]> = [
    ['bare id on the URN path (Entra)', { op: 'Replace', path: `${ENT}:manager`, value: 'm1' }],
    ['{value} on the URN path', { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } }],
    ['legacy path "manager" with [{$ref,value}]', { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'm1' }] }],
    ['manager.value sub-attribute', { op: 'replace', path: `${ENT}:manager.value`, value: 'm1' }],
    ['path-less URN key', { op: 'replace', value: { [`${ENT}:manager`]: 'm1' } }],
  ];
  it.each(forms)('%s', (_name, op) => {
    const result = run('User', withManager, patch(op));
    expect(ent(result.attributes).manager).toEqual({ value: 'm1' });
    expect(result.changed).toBe(true);
  });

  it('drops the old manager details when the id changes', () => {
    const stored = withUser((u) => (ent(u).manager = { value: 'm0', displayName: 'Old Boss' }));
    const result = run('User', stored, patch({ op: 'replace', path: `${ENT}:manager`, value: 'm1' }));
    expect(ent(result.attributes).manager).toEqual({ value: 'm1' });
  });

  it.each<[string, Op]>([
    ['Remove without value', { op: 'Remove', path: `${ENT}:manager` }],
    ['legacy remove with a value', { op: 'Remove', path: 'manager', value: [{ $ref: null, value: 'm0' }] }],
    ['replace with null', { op: 'replace', path: `${ENT}:manager`, value: null }],
  ])('removal: %s', (_name, op) => {
    const result = run('User', withManager, patch(op));
    expect(result.attributes).toEqual(storedUser());
    expect(result.changed).toBe(true);
  });

  it('removing an absent manager succeeds without change', () => {
    expect(run('User', storedUser(), patch({ op: 'Remove', path: `${ENT}:manager` })).changed).toBe(false);
  });
});

