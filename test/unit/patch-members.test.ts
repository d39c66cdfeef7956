import { describe, expect, it } from 'vitest';
import type { PatchResult } from '../../src/scim/patch/engine.js';
import { patch, run, storedGroup, type Op } from './patch-fixtures.js';

describe('applyPatch: group members', () => {
  const cases: Array<[string, Op[], PatchResult['members']]> = [
    [
      'Entra add with $ref null',
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }],
      { replaceAll: false, add: [{ value: 'u1' }, { value: 'u2' }], remove: [] },
    ],
    [
      'Okta add with display and type',
      [{ op: 'add', path: 'members', value: [{ value: 'u1', display: 'Alice', type: 'user' }] }],
      { replaceAll: false, add: [{ value: 'u1', type: 'User' }], remove: [] },
    ],
    [
      'Entra legacy remove with a value array',
      [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }],
      { replaceAll: false, add: [], remove: ['u1'] },
    ],
    ['RFC remove with a value filter', [{ op: 'remove', path: 'members[value eq "u1"]' }], { replaceAll: false, add: [], remove: ['u1'] }],
    [
      'remove with an "or" of value filters',
      [{ op: 'remove', path: 'members[value eq "u1" or Value EQ "u2"]' }],
      { replaceAll: false, add: [], remove: ['u1', 'u2'] },
    ],
    ['remove all members', [{ op: 'remove', path: 'members' }], { replaceAll: true, add: [], remove: [] }],
    [
      'replace members',
      [{ op: 'replace', path: 'members', value: [{ value: 'u3' }] }],
      { replaceAll: true, add: [{ value: 'u3' }], remove: [] },
    ],
    [
      'path-less add',
      [{ op: 'add', value: { members: [{ value: 'u1' }] } }],
      { replaceAll: false, add: [{ value: 'u1' }], remove: [] },
    ],
    [
      'path-less replace',
      [{ op: 'replace', value: { members: [{ value: 'u1' }] } }],
      { replaceAll: true, add: [{ value: 'u1' }], remove: [] },
    ],
    [
      'add then remove the same member nets out to a remove',
      [
        { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
        { op: 'remove', path: 'members[value eq "u1"]' },
      ],
      { replaceAll: false, add: [{ value: 'u2' }], remove: ['u1'] },
    ],
    [
      'remove then add the same member nets out to an add',
      [
        { op: 'remove', path: 'members', value: [{ value: 'u1' }] },
        { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      ],
      { replaceAll: false, add: [{ value: 'u1' }], remove: [] },
    ],
    [
      'replace then remove keeps replaceAll',
      [
        { op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
        { op: 'remove', path: 'members[value eq "u2"]' },
      ],
      { replaceAll: true, add: [{ value: 'u1' }], remove: [] },
    ],
    ['add of an empty list is no change', [{ op: 'add', path: 'members', value: [] }], undefined],
  ];
  it.each(cases)('%s', (_name, ops, members) => {
    const result = run('Group', storedGroup(), patch(...ops));
    expect(result.members).toEqual(members);
    expect(result.attributes).toEqual(storedGroup());
    expect(result.changed).toBe(members !== undefined);
    // Membership-only: the store must not rewrite the group row.
    expect(result.attributesChanged).toBe(false);
  });

  it('Entra "Replace displayName" on a group touches no members', () => {
    const result = run('Group', storedGroup(), patch({ op: 'Replace', path: 'displayName', value: 'Eng 2' }));
    expect(result).toEqual({ attributes: { ...storedGroup(), displayName: 'Eng 2' }, changed: true, attributesChanged: true });
  });

  it('path-less replace of displayName and members together', () => {
    const result = run('Group', storedGroup(), patch({ op: 'replace', value: { displayName: 'X', members: [] } }));
    expect(result).toEqual({ attributes: { ...storedGroup(), displayName: 'X' }, changed: true, attributesChanged: true, members: { replaceAll: true, add: [], remove: [] } });
  });
});

