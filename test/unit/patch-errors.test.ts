import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/scim/patch/engine.js';
import { PATCH_OP_SCHEMA } from '../../src/scim/schemas.js';
import { ENT, patch, run, scimError, storedGroup, storedUser, type Op } from './patch-fixtures.js';

describe('applyPatch: rejected bodies', () => {
  it.each<[string, unknown]>([
    ['a non-object body', [{ op: 'add' }]],
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }],
    ['Operations not an array', { Operations: { op: 'add' } }],
  ])('%s is invalidSyntax', (_name, body) => {
    const error = scimError(() => applyPatch('User', storedUser(), body));
    expect([error.status, error.scimType]).toEqual([400, 'invalidSyntax']);
    expect(error.detail).toMatch(/Operations/);
  });

  const ok: Op = { op: 'replace', path: 'displayName', value: 'fine' };
  const bad: Array<[string, 'User' | 'Group', Op, string, string[]]> = [
    ['an operation that is not an object', 'User', 'add' as unknown as Op, 'invalidSyntax', ['"add"']],
    ['an unknown op', 'User', { op: 'merge', path: 'title', value: 'x' }, 'invalidValue', ['Operations[1].op "merge" is not add, replace or remove']],
    ['a missing op', 'User', { path: 'title', value: 'x' }, 'invalidValue', ['has no "op"']],
    ['a malformed path', 'User', { op: 'replace', path: 'emails[type eq', value: 'x' }, 'invalidPath', ['Operations[1]: path "emails[type eq" is not a valid path']],
    ['a non-string path', 'User', { op: 'replace', path: 5, value: 'x' }, 'invalidPath', ['path must be a string']],
    ['a malformed path-less key', 'User', { op: 'replace', value: { 'name..x': 'y' } }, 'invalidPath', ['"name..x"']],
    ['remove without a path', 'User', { op: 'remove' }, 'noTarget', ['remove needs a "path"']],
    ['replace without a value', 'User', { op: 'replace', path: 'title' }, 'invalidValue', ['replace needs a "value"']],
    ['add without a value', 'User', { op: 'Add', path: 'title' }, 'invalidValue', ['add needs a "value"']],
    ['path-less replace with a non-object value', 'User', { op: 'replace', value: 'x' }, 'invalidValue', ['"x"']],
    ['replacing id', 'User', { op: 'replace', path: 'id', value: 'x' }, 'mutability', ['"id" is read-only']],
    ['removing id', 'User', { op: 'remove', path: 'id' }, 'mutability', ['"id"']],
    ['replacing meta.lastModified', 'User', { op: 'replace', path: 'meta.lastModified', value: 'x' }, 'mutability', ['"meta"']],
    ['id in a path-less value', 'User', { op: 'replace', value: { ID: 'x' } }, 'mutability', ['"id"']],
    ['adding groups to a user', 'User', { op: 'add', path: 'groups', value: [{ value: 'g' }] }, 'mutability', ['"groups"']],
    ['an empty userName', 'User', { op: 'replace', path: 'userName', value: '' }, 'invalidValue', ['userName is required']],
    ['removing userName', 'User', { op: 'remove', path: 'userName' }, 'invalidValue', ['userName is required']],
    ['a non-boolean active', 'User', { op: 'replace', path: 'active', value: 'yes' }, 'invalidValue', ['"active" must be a boolean, got "yes"']],
    ['a number for a string', 'User', { op: 'add', path: 'title', value: 12 }, 'invalidValue', ['"title" must be a string, got 12']],
    ['a bad primary inside a value', 'User', { op: 'add', path: 'emails', value: [{ value: 'x', primary: 'sure' }] }, 'invalidValue', ['"sure"']],
    ['two values for a single-valued attribute', 'User', { op: 'replace', path: 'title', value: ['a', 'b'] }, 'invalidValue', ['"title" must be a single value']],
    ['a filter on a single-valued attribute', 'User', { op: 'replace', path: 'title[value eq "x"]', value: 'y' }, 'invalidPath', ['single-valued']],
    ['a filter that cannot describe a new element', 'User', { op: 'replace', path: 'emails[type eq "home" or type eq "other"].value', value: 'x' }, 'noTarget', ['matches no element']],
    ['two elements for a filtered path', 'User', { op: 'replace', path: 'emails[type eq "work"]', value: [{ value: 'a' }, { value: 'b' }] }, 'invalidValue', ['one object']],
    ['schemas that are not strings', 'User', { op: 'replace', path: 'schemas', value: [1] }, 'invalidSyntax', ['schemas must be an array']],
    ['a schema URN with a string value', 'User', { op: 'replace', path: ENT, value: 'x' }, 'invalidValue', ['names a schema']],
    ['an empty group displayName', 'Group', { op: 'replace', path: 'displayName', value: '   ' }, 'invalidValue', ['displayName is required']],
    ['a members filter that is not value eq', 'Group', { op: 'remove', path: 'members[display eq "Alice"]' }, 'invalidFilter', ['members filter']],
    ['a member without an id', 'Group', { op: 'add', path: 'members', value: [{ display: 'Alice' }] }, 'invalidValue', ['value[0].value must be a member id']],
    ['a filtered members add', 'Group', { op: 'add', path: 'members[value eq "u1"]', value: [{ value: 'u1' }] }, 'invalidPath', ['members']],
  ];
  it.each(bad)('%s', (_name, kind, op, scimType, fragments) => {
    const stored = kind === 'User' ? storedUser() : storedGroup();
    const okForKind = kind === 'User' ? ok : { op: 'replace', path: 'externalId', value: 'fine' };
    const body = patch(okForKind, op);
    const error = scimError(() => run(kind, stored, body));
    expect(error.status).toBe(400);
    expect(error.toJSON()).toMatchObject({ status: '400', scimType });
    expect(error.detail).toMatch(/^Operations\[1\]/);
    for (const fragment of fragments) expect(error.detail).toContain(fragment);
  });
});

describe('read-only id sent back unchanged (Okta group rename)', () => {
  const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Old' };
  const rename = (id: string) => ({ Operations: [{ op: 'replace', value: { id, displayName: 'New' } }] });

  it('accepts the resource\'s own id and applies the rest', () => {
    expect(applyPatch('Group', group, rename('scim_group_1'), 'scim_group_1').attributes.displayName).toBe('New');
  });

  it('still refuses a different id', () => {
    expect(() => applyPatch('Group', group, rename('scim_group_2'), 'scim_group_1')).toThrow(/"id" is read-only/);
  });
});
