/** Shared stored resources and helpers for the PATCH engine tests. */
import { expect } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { normalizeResource } from '../../src/scim/normalize.js';
import { applyPatch, type PatchResult } from '../../src/scim/patch/engine.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../src/scim/schemas.js';

export const ENT = ENTERPRISE_USER_SCHEMA;
export type Json = Record<string, unknown>;
export type Op = Json;

/** What the store holds after Entra's default POST (Entra's create body). */
export const storedUser = (): Json =>
  normalizeResource('User', {
    schemas: [USER_SCHEMA, ENT],
    externalId: 'alice',
    userName: 'alice@contoso.com',
    active: true,
    displayName: 'Alice Example',
    title: 'Engineer',
    name: { givenName: 'Alice', familyName: 'Example', formatted: 'Alice Example' },
    emails: [{ type: 'work', primary: true, value: 'alice@contoso.com' }],
    addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Redmond', country: 'US' }],
    phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
    [ENT]: { employeeNumber: '42', department: 'R&D' },
    roles: [],
  });

export const storedGroup = (): Json => ({ schemas: [GROUP_SCHEMA], externalId: 'obj-1', displayName: 'Engineering' });

export const patch = (...ops: Op[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: ops });

/** applyPatch, also asserting that neither the stored object nor the request body was touched. */
export function run(kind: 'User' | 'Group', stored: Json, body: unknown): PatchResult {
  const storedBefore = structuredClone(stored);
  const bodyBefore = structuredClone(body);
  const result = applyPatch(kind, Object.freeze(stored), body);
  expect(stored).toEqual(storedBefore);
  expect(body).toEqual(bodyBefore);
  return result;
}

export const withUser = (changes: (u: Json) => void): Json => {
  const u = storedUser();
  changes(u);
  return u;
};
export const ent = (u: Json) => u[ENT] as Json;

export function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

