import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { matchesFilter } from '../../src/scim/filter/evaluate.js';
import { parseFilter, parsePatchPath } from '../../src/scim/filter/parser.js';
import type { ResourceKind } from '../../src/scim/schemas.js';

const work = { value: 'Alice@X.com', type: 'work', primary: true, display: 'Alice' };
const home = { value: 'alice@home.org', type: 'home' };
const noType = { value: 'alice@other.net' };
const stringPrimary = { value: 'b@x.com', Type: 'WORK', primary: 'False' };
const member = { value: 'scim_user_ABC', $ref: 'https://x/Users/scim_user_ABC', display: 'Alice', type: 'User' };
const address = { type: 'work', streetAddress: '1 Main St', postalCode: '98052', country: 'US' };

type Case = [filter: string, element: unknown, parent: string, expected: boolean, kind?: ResourceKind];

describe('matchesFilter', () => {
  const cases: Case[] = [
    // eq honours caseExact from the schema: emails.type/value are case-insensitive
    ['type eq "work"', work, 'emails', true],
    ['type eq "WORK"', work, 'emails', true],
    ['type eq "home"', work, 'emails', false],
    ['value eq "alice@x.com"', work, 'emails', true],
    ['TYPE eq "work"', stringPrimary, 'emails', true],
    // operators
    ['type ne "work"', work, 'emails', false],
    ['type ne "work"', home, 'emails', true],
    ['value co "@X.COM"', work, 'emails', true],
    ['value sw "alice"', work, 'emails', true],
    ['value ew ".org"', home, 'emails', true],
    ['value ew ".org"', work, 'emails', false],
    ['value gt "alice@h"', home, 'emails', true],
    ['value ge "alice@home.org"', home, 'emails', true],
    ['value lt "alice@home.org"', home, 'emails', false],
    ['value le "ALICE@HOME.ORG"', home, 'emails', true],
    ['display pr', work, 'emails', true],
    ['display pr', home, 'emails', false],
    // missing attributes: eq/gt/co false, ne and not true
    ['type eq "work"', noType, 'emails', false],
    ['type ne "work"', noType, 'emails', true],
    ['not (type eq "work")', noType, 'emails', true],
    ['type co "w"', noType, 'emails', false],
    ['not (type co "w")', noType, 'emails', true],
    ['type pr', noType, 'emails', false],
    ['type eq null', noType, 'emails', true],
    ['type ne null', work, 'emails', true],
    // booleans, including Entra's string forms on either side
    ['primary eq true', work, 'emails', true],
    ['primary eq "True"', work, 'emails', true],
    ['primary eq false', work, 'emails', false],
    ['primary eq false', stringPrimary, 'emails', true],
    ['primary eq true', home, 'emails', false],
    ['not (primary eq true)', home, 'emails', true],
    // logic
    ['type eq "work" and value co "@x.com"', work, 'emails', true],
    ['type eq "home" and value co "@x.com"', work, 'emails', false],
    ['type eq "home" or value co "@x.com"', work, 'emails', true],
    ['(type eq "home" or type eq "work") and not (primary eq false)', work, 'emails', true],
    ['type eq "home" or type eq "work" and primary eq false', work, 'emails', false],
    // group members: attribute names match keys case-insensitively
    ['value eq "scim_user_ABC"', member, 'members', true, 'Group'],
    ['Value eq "scim_user_abc"', member, 'members', false, 'Group'],
    ['Value eq "scim_user_ABC"', member, 'members', true, 'Group'],
    ['value eq "scim_user_XYZ"', member, 'members', false, 'Group'],
    ['type eq "User" and display sw "al"', member, 'members', true, 'Group'],
    ['$ref ew "/Users/scim_user_ABC"', member, 'members', true, 'Group'],
    // other complex attributes
    ['type eq "work" and postalCode eq "98052"', address, 'addresses', true],
    ['country eq "us"', address, 'addresses', true],
    // scalar elements stand for their own value
    ['value eq "admin"', 'admin', 'roles', true],
    ['value eq "admin"', 'user', 'roles', false],
    ['type eq "admin"', 'admin', 'roles', false],
    // attributes the schema does not model: case-insensitive strings, typed numbers
    ['badge eq "GOLD"', { badge: 'gold' }, 'x-custom', true],
    ['level gt 2', { level: 3 }, 'x-custom', true],
    ['level eq 3', { level: '3' }, 'x-custom', false],
    ['tags eq "b"', { tags: ['a', 'b'] }, 'x-custom', true],
    ['tags pr', { tags: [] }, 'x-custom', false],
    ['obj pr', { obj: {} }, 'x-custom', false],
    ['obj.sub eq "v"', { obj: { Sub: 'V' } }, 'x-custom', true],
    ['flag eq true', { flag: true }, 'x-custom', true],
  ];

  it.each(cases)('%s on %j (%s)', (filter, element, parent, expected, kind = 'User') => {
    expect(matchesFilter(parseFilter(filter), element, kind, parent)).toBe(expected);
  });

  it('evaluates the filter of a parsed PATCH path', () => {
    const { filter } = parsePatchPath('emails[type eq "work" and value co "@x.com"].value');
    const emails = [work, home, noType];
    expect(emails.filter((e) => matchesFilter(filter!, e, 'User', 'emails'))).toEqual([work]);
    const removal = parsePatchPath('members[value eq "scim_user_ABC"]');
    expect([member, { value: 'other' }].filter((m) => matchesFilter(removal.filter!, m, 'Group', 'members'))).toEqual([member]);
  });

  it('compares dates as instants when the schema says dateTime', () => {
    // meta is not multi-valued, but its sub-attributes are the schema's dateTime example
    const element = { created: '2024-03-01T12:00:00.000Z' };
    expect(matchesFilter(parseFilter('created eq "2024-03-01T13:00:00+01:00"'), element, 'User', 'meta')).toBe(true);
    expect(matchesFilter(parseFilter('created gt "2024-03-01"'), element, 'User', 'meta')).toBe(true);
    expect(matchesFilter(parseFilter('created lt "2024-03-01"'), element, 'User', 'meta')).toBe(false);
  });

  const invalid: [string, unknown, string][] = [
    ['primary gt true', work, 'emails'],
    ['primary co "t"', work, 'emails'],
    ['primary eq "maybe"', work, 'emails'],
    ['created gt "not a date"', {}, 'meta'],
    ['value gt null', work, 'emails'],
    ['urn:x:y:value eq "a"', work, 'emails'],
  ];

  it.each(invalid)('%s is invalidFilter', (filter, element, parent) => {
    let error: unknown;
    try {
      matchesFilter(parseFilter(filter), element, 'User', parent);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe('invalidFilter');
  });

  it('rejects nested value paths in a hand-built AST', () => {
    const nested = parseFilter('emails[type eq "work"]');
    expect(() => matchesFilter(nested, { emails: [] }, 'User')).toThrow(/cannot be nested/);
  });
});
