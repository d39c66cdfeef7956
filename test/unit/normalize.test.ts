import { describe, expect, it } from 'vitest';
import { normalizeGroup, normalizeResource } from '../../src/scim/normalize.js';
import { ENTERPRISE_USER_SCHEMA, ENTRA_GROUP_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../src/scim/schemas.js';
import { scimError } from './patch-fixtures.js';

const ENT = ENTERPRISE_USER_SCHEMA;

/** Entra's default create body (as Entra sends it). */
const entraPost = () => ({
  schemas: [USER_SCHEMA, ENT],
  externalId: 'alice',
  userName: 'alice@contoso.com',
  active: true,
  displayName: 'Alice Example',
  title: 'Engineer',
  preferredLanguage: 'en-US',
  name: { givenName: 'Alice', familyName: 'Example', formatted: 'Alice Example' },
  emails: [{ type: 'work', primary: true, value: 'alice@contoso.com' }],
  addresses: [
    { type: 'work', formatted: '1 Main St', streetAddress: '1 Main St', locality: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' },
  ],
  phoneNumbers: [
    { type: 'work', value: '+1 555 0100' },
    { type: 'mobile', value: '+1 555 0101' },
    { type: 'fax', value: '+1 555 0102' },
  ],
  [ENT]: { employeeNumber: '42', department: 'R&D' },
  meta: { resourceType: 'User' },
  roles: [],
});

describe('normalizeResource(User)', () => {
  it('stores the default Entra POST body as sent, minus meta', () => {
    const body = entraPost();
    const before = structuredClone(body);
    const { meta: _meta, ...expected } = entraPost();
    expect(normalizeResource('User', body)).toEqual(expected);
    expect(body).toEqual(before);
  });

  it('lists schemas first', () => {
    expect(Object.keys(normalizeResource('User', entraPost()))[0]).toBe('schemas');
  });

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['minimal body gets the core schema', { userName: 'a' }, { schemas: [USER_SCHEMA], userName: 'a' }],
    ['string booleans become booleans', { userName: 'a', active: 'False' }, { schemas: [USER_SCHEMA], userName: 'a', active: false }],
    ['"True" becomes true', { userName: 'a', active: 'True' }, { schemas: [USER_SCHEMA], userName: 'a', active: true }],
    ['lower-case "false"', { userName: 'a', active: 'false' }, { schemas: [USER_SCHEMA], userName: 'a', active: false }],
    [
      'string booleans in sub-attributes',
      { userName: 'a', emails: [{ value: 'a@x', primary: 'True' }, { value: 'b@x', primary: 'false' }] },
      { schemas: [USER_SCHEMA], userName: 'a', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: false }] },
    ],
    [
      'attribute names in any case',
      { UserName: 'a', Emails: [{ Value: 'a@x', Primary: true, TYPE: 'work' }], Name: { FamilyName: 'F', givenname: 'G' }, ACTIVE: true },
      { schemas: [USER_SCHEMA], userName: 'a', emails: [{ value: 'a@x', primary: true, type: 'work' }], name: { familyName: 'F', givenName: 'G' }, active: true },
    ],
    [
      'extension URN key matched case-insensitively',
      { userName: 'a', [ENT.toUpperCase()]: { Department: 'D' } },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { department: 'D' } },
    ],
    [
      'top-level URN-qualified extension keys move into the extension object',
      { userName: 'a', [`${ENT}:department`]: 'D', [`${ENT}:employeeNumber`]: '9', [ENT]: { costCenter: 'C' } },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { department: 'D', employeeNumber: '9', costCenter: 'C' } },
    ],
    [
      'manager as a bare id',
      { userName: 'a', [ENT]: { manager: 'm1' } },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { manager: { value: 'm1' } } },
    ],
    [
      'manager wrapped as [{$ref:null,value}]',
      { userName: 'a', [ENT]: { manager: [{ $ref: null, value: 'm1' }] } },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { manager: { value: 'm1' } } },
    ],
    [
      'manager as {value}',
      { userName: 'a', [ENT]: { manager: { value: 'm1' } } },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', [ENT]: { manager: { value: 'm1' } } },
    ],
    [
      'simple single-valued attribute wrapped as [{value}]',
      { userName: 'a', title: [{ value: 'T' }], displayName: [{ $ref: null, value: 'D' }] },
      { schemas: [USER_SCHEMA], userName: 'a', title: 'T', displayName: 'D' },
    ],
    [
      'a lone object for a multi-valued attribute becomes an array',
      { userName: 'a', emails: { value: 'a@x', type: 'work' } },
      { schemas: [USER_SCHEMA], userName: 'a', emails: [{ value: 'a@x', type: 'work' }] },
    ],
    [
      'nulls mean unassigned',
      { userName: 'a', title: null, name: { givenName: 'G', middleName: null }, emails: null, [ENT]: { department: null }, custom: null },
      { schemas: [USER_SCHEMA], userName: 'a', name: { givenName: 'G' } },
    ],
    [
      'unmodelled attributes are kept exactly as sent',
      { userName: 'a', FavouriteColour: 'blue', 'urn:example:ext:1.0:User': { Foo: [1, null] }, name: { Nick: 'n' } },
      { schemas: [USER_SCHEMA], userName: 'a', FavouriteColour: 'blue', 'urn:example:ext:1.0:User': { Foo: [1, null] }, name: { Nick: 'n' } },
    ],
    [
      'server-owned attributes and password are dropped',
      { id: 'x', meta: { created: 'y' }, groups: [{ value: 'g' }], password: 'hunter2', userName: 'a' },
      { schemas: [USER_SCHEMA], userName: 'a' },
    ],
    [
      'values are not trimmed or lower-cased',
      { userName: ' Alice@Contoso.COM ', externalId: 'MiXeD' },
      { schemas: [USER_SCHEMA], userName: ' Alice@Contoso.COM ', externalId: 'MiXeD' },
    ],
    [
      'schemas canonicalized, deduplicated, core first',
      { schemas: [ENT.toLowerCase(), USER_SCHEMA.toUpperCase(), USER_SCHEMA], userName: 'a' },
      { schemas: [USER_SCHEMA, ENT], userName: 'a' },
    ],
    ['empty schemas is filled in', { schemas: [], userName: 'a' }, { schemas: [USER_SCHEMA], userName: 'a' }],
    [
      'dotted keys are attribute paths',
      { userName: 'a', 'name.givenName': 'G', [`${ENT}:manager.value`]: 'm' },
      { schemas: [USER_SCHEMA, ENT], userName: 'a', name: { givenName: 'G' }, [ENT]: { manager: { value: 'm' } } },
    ],
    [
      'core schema object is flattened',
      { [USER_SCHEMA]: { userName: 'a', title: 'T' } },
      { schemas: [USER_SCHEMA], userName: 'a', title: 'T' },
    ],
  ];
  it.each(cases)('%s', (_name, body, expected) => {
    const before = structuredClone(body);
    expect(normalizeResource('User', body)).toEqual(expected);
    expect(body).toEqual(before);
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['an array body', [{ userName: 'a' }], 'invalidSyntax', /JSON object/],
    ['a string body', 'userName=a', 'invalidSyntax', /JSON object/],
    ['a null body', null, 'invalidSyntax', /JSON object/],
    ['missing userName', { displayName: 'x' }, 'invalidValue', /userName is required/],
    ['empty userName', { userName: '' }, 'invalidValue', /userName is required/],
    ['blank userName', { userName: '   ' }, 'invalidValue', /userName is required/],
    ['null userName', { userName: null }, 'invalidValue', /userName is required/],
    ['numeric userName', { userName: 7 }, 'invalidValue', /"userName" must be a string, got 7/],
    ['non-boolean active', { userName: 'a', active: 'yes' }, 'invalidValue', /"active" must be a boolean, got "yes"/],
    ['numeric active', { userName: 'a', active: 1 }, 'invalidValue', /"active" must be a boolean, got 1/],
    ['bad primary', { userName: 'a', emails: [{ value: 'x', primary: 'maybe' }] }, 'invalidValue', /"emails\[0\]\.primary" must be a boolean/],
    ['object title', { userName: 'a', title: { a: 1 } }, 'invalidValue', /"title" must be a string/],
    ['numeric department', { userName: 'a', [ENT]: { department: 5 } }, 'invalidValue', /"department" must be a string, got 5/],
    ['name as a string', { userName: 'a', name: 'Alice' }, 'invalidValue', /"name" must be an object/],
    ['two titles', { userName: 'a', title: ['x', 'y'] }, 'invalidValue', /"title" must be a single value/],
    ['extension not an object', { userName: 'a', [ENT]: 'D' }, 'invalidValue', /must be an object/],
    ['schemas not an array', { userName: 'a', schemas: USER_SCHEMA }, 'invalidSyntax', /schemas must be an array/],
    ['schemas with a number', { userName: 'a', schemas: [USER_SCHEMA, 1] }, 'invalidSyntax', /schemas must be an array/],
    ['schemas without the core URN', { userName: 'a', schemas: [GROUP_SCHEMA] }, 'invalidValue', /schemas must include urn:ietf:params:scim:schemas:core:2.0:User/],
    ['dotted multi-valued key', { userName: 'a', 'emails.value': 'x' }, 'invalidValue', /emails\.value/],
  ];
  it.each(bad)('rejects %s', (_name, body, scimType, detail) => {
    const error = scimError(() => normalizeResource('User', body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toMatch(detail);
  });
});

describe('normalizeGroup', () => {
  it('accepts Entra group creation and returns no members', () => {
    const body = { schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId: 'obj-1', displayName: 'Engineering', meta: { resourceType: 'Group' } };
    expect(normalizeGroup(body)).toEqual({
      attributes: { schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId: 'obj-1', displayName: 'Engineering' },
      members: undefined,
    });
  });

  it('pulls members out in every shape Okta and Entra send', () => {
    const body = {
      DisplayName: 'G',
      Members: [
        { value: 'u1', display: 'Alice', $ref: 'https://x/Users/u1' },
        { Value: 'g2', Type: 'group' },
        'u3',
        { value: 'u1' },
      ],
    };
    const before = structuredClone(body);
    expect(normalizeGroup(body)).toEqual({
      attributes: { schemas: [GROUP_SCHEMA], displayName: 'G' },
      members: [{ value: 'u1' }, { value: 'g2', type: 'Group' }, { value: 'u3' }],
    });
    expect(body).toEqual(before);
  });

  it('treats one member object and an empty list', () => {
    expect(normalizeGroup({ displayName: 'G', members: { value: 'u1', type: 'User' } }).members).toEqual([{ value: 'u1', type: 'User' }]);
    expect(normalizeGroup({ displayName: 'G', members: [] }).members).toEqual([]);
    expect(normalizeGroup({ displayName: 'G', members: null }).members).toBeUndefined();
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['missing displayName', { externalId: 'x' }, 'invalidValue', /displayName is required/],
    ['empty displayName', { displayName: '' }, 'invalidValue', /displayName is required/],
    ['member without value', { displayName: 'G', members: [{ display: 'x' }] }, 'invalidValue', /members\[0\]\.value must be a member id/],
    ['member with numeric value', { displayName: 'G', members: [{ value: 5 }] }, 'invalidValue', /members\[0\]\.value" must be a string/],
    ['member with a bad type', { displayName: 'G', members: [{ value: 'u', type: 'Device' }] }, 'invalidValue', /members\[0\]\.type must be "User" or "Group"/],
    ['user schema on a group', { displayName: 'G', schemas: [USER_SCHEMA] }, 'invalidValue', /schemas must include urn:ietf:params:scim:schemas:core:2.0:Group/],
  ];
  it.each(bad)('rejects %s', (_name, body, scimType, detail) => {
    const error = scimError(() => normalizeGroup(body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toMatch(detail);
  });
});
