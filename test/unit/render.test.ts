import { describe, expect, it } from 'vitest';
import { parseProjection } from '../../src/scim/projection.js';
import { locationOf, renderResource, type RelationReader } from '../../src/scim/render.js';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../src/scim/schemas.js';

const BASE = 'https://scim.example.test/scim/v2/d1';
const relations: RelationReader = {
  groupsOf: (userId) => (userId === 'u1' ? [{ value: 'g1', display: 'Sales' }] : []),
  members: () => [
    { value: 'u1', type: 'User', display: 'Ann' },
    { value: 'g2', type: 'Group', display: null },
  ],
};
const stored = (attributes: Record<string, unknown>) => ({ id: 'u1', attributes, createdAt: 't0', updatedAt: 't1', version: 3 });

describe('renderResource', () => {
  it('renders a user with schemas and id first, its groups with $ref, then meta', () => {
    const user = renderResource('User', stored({ schemas: [USER_SCHEMA], userName: 'ann' }), BASE, relations);
    expect(Object.keys(user)).toEqual(['schemas', 'id', 'userName', 'groups', 'meta']);
    expect(user.groups).toEqual([{ value: 'g1', $ref: `${BASE}/Groups/g1`, display: 'Sales', type: 'direct' }]);
    expect(user.meta).toEqual({ resourceType: 'User', created: 't0', lastModified: 't1', location: `${BASE}/Users/u1`, version: 'W/"3"' });
  });

  it('renders group members with $ref by member type, and display only when there is one', () => {
    const group = renderResource('Group', { ...stored({ schemas: [GROUP_SCHEMA], displayName: 'Sales' }), id: 'g1' }, BASE, relations);
    expect(group.members).toEqual([
      { value: 'u1', $ref: `${BASE}/Users/u1`, display: 'Ann', type: 'User' },
      { value: 'g2', $ref: `${BASE}/Groups/g2`, type: 'Group' },
    ]);
  });

  it('leaves relations out without a reader, or when the projection excludes them', () => {
    expect(renderResource('User', stored({ schemas: [USER_SCHEMA], userName: 'ann' }), BASE, undefined)).not.toHaveProperty('groups');
    const group = renderResource('Group', stored({ schemas: [GROUP_SCHEMA], displayName: 'S' }), BASE, relations, parseProjection('Group', undefined, 'members'));
    expect(group).not.toHaveProperty('members');
    expect(group).toHaveProperty('displayName', 'S');
  });

  it('builds locations from the endpoint of the resource type', () => {
    expect(locationOf(BASE, 'Group', 'g1')).toBe(`${BASE}/Groups/g1`);
  });
});
