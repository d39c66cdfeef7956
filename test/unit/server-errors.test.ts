import { describe, expect, it } from 'vitest';
import { toScimError } from '../../src/server/errors.js';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('toScimError on the database\'s own problems', () => {
  it.each([
    ['SQLITE_FULL', 'database or disk is full', "the server's database cannot grow: the disk is full; retry once it is fixed (see the scimctl serve output)"],
    ['SQLITE_READONLY', 'attempt to write a readonly database', "the server's database cannot be written; retry once it is fixed (see the scimctl serve output)"],
    ['SQLITE_CORRUPT', 'database disk image is malformed', "the server's database is damaged; retry once it is fixed (see the scimctl serve output)"],
  ])('%s is a 503 that names no file, not a 500', (code, message, detail) => {
    const scim = toScimError(sqliteError(code, message));
    expect(scim.toJSON()).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail });
  });

  it('a held lock is still the busy 503, and an unknown error a 500', () => {
    expect(toScimError(sqliteError('SQLITE_BUSY', 'database is locked')).detail).toBe('the database is busy: another scimctl command holds its write lock; retry shortly');
    expect(toScimError(new TypeError('x is undefined')).status).toBe(500);
  });
});
