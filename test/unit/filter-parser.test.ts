import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../../src/scim/filter/ast.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseAttrPath, parseFilter, parsePatchPath, simpleEquality } from '../../src/scim/filter/parser.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const path = (attr: string, sub?: string, uri?: string): AttrPath => ({ kind: 'attrPath', uri, attr, sub });
const cmp = (p: AttrPath | string, op: CompareOp, value: FilterValue): Filter => ({
  kind: 'compare',
  op,
  path: typeof p === 'string' ? path(p) : p,
  value,
});
const pr = (p: AttrPath | string): Filter => ({ kind: 'present', path: typeof p === 'string' ? path(p) : p });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (p: AttrPath | string, filter: Filter): Filter => ({ kind: 'valuePath', path: typeof p === 'string' ? path(p) : p, filter });

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

function deepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

describe('parseFilter', () => {
  const cases: [string, Filter][] = [
    // every operator
    ['userName eq "alice"', cmp('userName', 'eq', 'alice')],
    ['userName ne "alice"', cmp('userName', 'ne', 'alice')],
    ['userName co "lic"', cmp('userName', 'co', 'lic')],
    ['userName sw "al"', cmp('userName', 'sw', 'al')],
    ['userName ew "ce"', cmp('userName', 'ew', 'ce')],
    ['meta.created gt "2024-01-01T00:00:00Z"', cmp(path('meta', 'created'), 'gt', '2024-01-01T00:00:00Z')],
    ['meta.created ge "2024-01-01"', cmp(path('meta', 'created'), 'ge', '2024-01-01')],
    ['meta.lastModified lt "2024-01-01"', cmp(path('meta', 'lastModified'), 'lt', '2024-01-01')],
    ['meta.lastModified le "2024-01-01"', cmp(path('meta', 'lastModified'), 'le', '2024-01-01')],
    ['title pr', pr('title')],
    // case-insensitive operators and keywords
    ['userName EQ "a"', cmp('userName', 'eq', 'a')],
    ['title Pr', pr('title')],
    ['a eq 1 And b eq 2', and(cmp('a', 'eq', 1), cmp('b', 'eq', 2))],
    ['a eq 1 OR b eq 2', or(cmp('a', 'eq', 1), cmp('b', 'eq', 2))],
    ['NOT (a pr)', not(pr('a'))],
    // precedence: and binds tighter than or; chains associate left
    ['a eq 1 or b eq 2 and c eq 3', or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3)))],
    ['a eq 1 and b eq 2 or c eq 3', or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3))],
    ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
    ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
    ['(a eq 1 or b eq 2) and c eq 3', and(or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3))],
    ['((a pr))', pr('a')],
    ['not (a pr) and b pr', and(not(pr('a')), pr('b'))],
    ['not(a pr or b pr)', not(or(pr('a'), pr('b')))],
    ['not a pr', not(pr('a'))],
    ['not not (a pr)', not(not(pr('a')))],
    // `not` followed by an operator is an attribute called "not"
    ['not eq "x"', cmp('not', 'eq', 'x')],
    // value types
    ['a eq 42', cmp('a', 'eq', 42)],
    ['a eq -1.5e3', cmp('a', 'eq', -1500)],
    ['a eq true', cmp('a', 'eq', true)],
    ['a eq false', cmp('a', 'eq', false)],
    ['active eq False', cmp('active', 'eq', false)],
    ['a eq null', cmp('a', 'eq', null)],
    ['active eq "False"', cmp('active', 'eq', 'False')],
    // JSON escapes
    ['displayName eq "say \\"hi\\""', cmp('displayName', 'eq', 'say "hi"')],
    ['displayName eq "back\\\\slash \\/ \\u00e9\\t"', cmp('displayName', 'eq', 'back\\slash / é\t')],
    ['displayName eq "a) or (b"', cmp('displayName', 'eq', 'a) or (b')],
    ['displayName eq ""', cmp('displayName', 'eq', '')],
    // unquoted values from older clients
    ['userName eq alice@contoso.com', cmp('userName', 'eq', 'alice@contoso.com')],
    ['externalId eq 8e7d-00aa and active eq true', and(cmp('externalId', 'eq', '8e7d-00aa'), cmp('active', 'eq', true))],
    ['employeeNumber eq 00123', cmp('employeeNumber', 'eq', '00123')],
    ['(userName eq bob)', cmp('userName', 'eq', 'bob')],
    // tolerant spacing
    ['  userName   eq\t"a"  ', cmp('userName', 'eq', 'a')],
    ['userName eq"a"', cmp('userName', 'eq', 'a')],
    // sub-attributes and URN paths
    ['name.familyName sw "O\'"', cmp(path('name', 'familyName'), 'sw', "O'")],
    ['emails.value co "@x.com"', cmp(path('emails', 'value'), 'co', '@x.com')],
    [`${ENT}:employeeNumber eq "701984"`, cmp(path('employeeNumber', undefined, ENT), 'eq', '701984')],
    [`${ENT}:manager.value eq "u1"`, cmp(path('manager', 'value', ENT), 'eq', 'u1')],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', cmp(path('userName', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), 'eq', 'a')],
    ['urn:example:custom:1.0:badge.number pr', pr(path('badge', 'number', 'urn:example:custom:1.0'))],
    ['members.$ref pr', pr(path('members', '$ref'))],
    // value paths
    ['emails[type eq "work"]', vp('emails', cmp('type', 'eq', 'work'))],
    ['emails[type eq "work" and value co "@x.com"]', vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@x.com')))],
    ['emails[(type eq "work" or type eq "home") and not (primary eq false)]', vp('emails', and(or(cmp('type', 'eq', 'work'), cmp('type', 'eq', 'home')), not(cmp('primary', 'eq', false))))],
    ['userName sw "a" and emails[value ew ".com"] or title pr', or(and(cmp('userName', 'sw', 'a'), vp('emails', cmp('value', 'ew', '.com'))), pr('title'))],
    ['not emails[type eq "work"]', not(vp('emails', cmp('type', 'eq', 'work')))],
    ['members[value eq abc]', vp('members', cmp('value', 'eq', 'abc'))],
  ];

  it.each(cases)('%s', (text, expected) => {
    const parsed = parseFilter(text);
    expect(parsed).toEqual(expected);
    expect(deepFrozen(parsed)).toBe(true);
  });

  // `name eq "string"` skips the lexer; wrapped in parentheses the same text takes the full parser.
  const simpleEqualities = [
    'userName eq "alice@contoso.example"',
    'userName EQ "a"',
    'externalId eq "8c1e3b1a-1f0e-4b8a-9f5e-000000000001"',
    'displayName eq ""',
    'displayName eq "Zoë O\'Brien (Sales) [EU] {x} ünïcödé ☃"',
    '$ref eq "x"',
    'pr eq "y"',
  ];
  it.each(simpleEqualities)('%s: the fast path builds the full parser\'s tree', (text) => {
    const fast = simpleEquality(text);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(parseFilter(`(${text})`));
    expect(parseFilter(text)).toStrictEqual(fast);
    expect(deepFrozen(fast)).toBe(true);
  });

  it('leaves escapes, keywords and oversized filters to the full parser', () => {
    for (const text of ['userName eq "a\\"b"', 'and eq "x"', 'not eq "x"', 'userName  eq "x"', 'name.givenName eq "x"', 'userName eq 1', 'userName co "x"', `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`]) {
      expect(simpleEquality(text)).toBeUndefined();
    }
    expect(parseFilter('userName eq "a\\"b"')).toEqual(cmp('userName', 'eq', 'a"b'));
    expect(parseFilter('not eq "x"')).toEqual(cmp('not', 'eq', 'x'));
    expect(parseFilter('userName eq "a\\u0041"')).toEqual(cmp('userName', 'eq', 'aA'));
    expect(scimError(() => parseFilter('and eq "x"')).detail).toMatch(/expected an attribute path/);
    expect(scimError(() => parseFilter('userName eq "\u0001"')).detail).toMatch(/control character/);
    expect(scimError(() => parseFilter(`userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`)).detail).toMatch(/maximum is 4096/);
  });

  const malformed: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['userName', /position 8: expected a comparison operator after "userName", found end of input/],
    ['userName equals "x"', /position 9: expected a comparison operator after "userName", found "equals"/],
    ['userName eq', /position 11: expected a value after "eq", found end of input/],
    ['userName eq "x" and', /position 19: expected an attribute path/],
    ['userName eq "x" or', /expected an attribute path/],
    ['userName eq "x" userName eq "y"', /position 16: expected "and", "or" or the end of the filter, found "userName"/],
    ['userName eq "unterminated', /position 12: unterminated string/],
    ['userName eq "bad \\x escape"', /invalid string/],
    ['(userName eq "x"', /expected "\)" to close the "\(" at position 0, found end of input/],
    ['userName eq "x")', /unbalanced "\)"/],
    ['()', /expected an attribute path/],
    ['emails[type eq "work"', /expected "\]" to close/],
    ['emails[]', /empty "\[\]"/],
    ['emails[type eq "work"].value eq "x"', /only allowed in PATCH paths/],
    ['emails[value eq "x" and addresses[type eq "work"]]', /cannot be nested/],
    ['emails.value[type eq "work"]', /must follow the multi-valued attribute itself/],
    ['userName eq and', /expected a value after "eq", found "and"/],
    ['userName eq (x)', /expected a value after "eq", found "\("/],
    ['and eq "x"', /expected an attribute path, "not" or "\(", found "and"/],
    ['"userName" eq "x"', /expected an attribute path/],
    ['42 eq "x"', /expected an attribute path/],
    ['user-name! eq "x"', /unexpected character "!"/],
    ['name.familyName.x eq "a"', /more than one "\."/],
    ['name. eq "a"', /invalid attribute name ""/],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User eq "a"', /expected an attribute name after the schema URI/],
    ['urn: eq "a"', /invalid schema URI|expected an attribute name/],
    ['title pr "x"', /expected "and", "or" or the end of the filter, found "x"/],
    ['not', /expected an attribute path, "not" or "\(", found end of input/],
    ['userName eq "a" and (title pr', /expected "\)"/],
    ['userName @ "a"', /unexpected character "@"/],
  ];

  it.each(malformed)('rejects %j', (text, message) => {
    const error = scimError(() => parseFilter(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(/^Invalid filter at position \d+: /);
    expect(error.detail).toMatch(message);
  });

  it('caps length and nesting', () => {
    const long = `displayName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    expect(scimError(() => parseFilter(long)).detail).toMatch(/maximum is 4096/);
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(scimError(() => parseFilter(deep)).detail).toMatch(/nesting deeper than 50/);
    const nots = `${'not ('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(scimError(() => parseFilter(nots)).scimType).toBe('invalidFilter');
    const ok = `${'('.repeat(MAX_FILTER_DEPTH)}a pr${')'.repeat(MAX_FILTER_DEPTH)}`;
    expect(parseFilter(ok)).toEqual(pr('a'));
  });

  it('parses a long flat chain without deep recursion', () => {
    const chain = Array.from({ length: 300 }, (_, i) => `a eq ${i}`).join(' or ');
    expect(chain.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    let f = parseFilter(chain);
    let count = 1;
    while (f.kind === 'or') {
      expect(f.right).toEqual(cmp('a', 'eq', 300 - count));
      f = f.left;
      count++;
    }
    expect(count).toBe(300);
  });
});

describe('parsePatchPath', () => {
  const cases: [string, ReturnType<typeof parsePatchPath>][] = [
    ['members', { kind: 'patchPath', path: path('members'), filter: undefined, subAttr: undefined }],
    ['name.givenName', { kind: 'patchPath', path: path('name', 'givenName'), filter: undefined, subAttr: undefined }],
    ['Emails', { kind: 'patchPath', path: path('Emails'), filter: undefined, subAttr: undefined }],
    ['members[value eq "abc"]', { kind: 'patchPath', path: path('members'), filter: cmp('value', 'eq', 'abc'), subAttr: undefined }],
    ['emails[type eq "work"].value', { kind: 'patchPath', path: path('emails'), filter: cmp('type', 'eq', 'work'), subAttr: 'value' }],
    [
      'addresses[type eq "work" and primary eq true].streetAddress',
      { kind: 'patchPath', path: path('addresses'), filter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), subAttr: 'streetAddress' },
    ],
    [`${ENT}:manager`, { kind: 'patchPath', path: path('manager', undefined, ENT), filter: undefined, subAttr: undefined }],
    [`${ENT}:manager.value`, { kind: 'patchPath', path: path('manager', 'value', ENT), filter: undefined, subAttr: undefined }],
    [`${ENT}:employeeNumber`, { kind: 'patchPath', path: path('employeeNumber', undefined, ENT), filter: undefined, subAttr: undefined }],
    ['members[value eq 2819c223-7f76-453a-919d-413861904646]', { kind: 'patchPath', path: path('members'), filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'), subAttr: undefined }],
  ];

  it.each(cases)('%s', (text, expected) => {
    const parsed = parsePatchPath(text);
    expect(parsed).toEqual(expected);
    expect(deepFrozen(parsed)).toBe(true);
  });

  const malformed = [
    '',
    '[type eq "work"]',
    'emails[type eq "work"',
    'emails[type eq]',
    'emails[type eq "work"].',
    'emails[type eq "work"].value.x',
    'emails[type eq "work"]value',
    'emails.value[type eq "work"]',
    'name.givenName.x',
    'members value',
    ENT,
    'emails[type eq "work"] [value pr]',
    'a"b',
  ];

  it.each(malformed)('rejects %j with invalidPath', (text) => {
    const error = scimError(() => parsePatchPath(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toMatch(/^Invalid path at position \d+: /);
  });
});

describe('parseAttrPath', () => {
  it('parses plain, dotted and URN paths', () => {
    expect(parseAttrPath('userName')).toEqual(path('userName'));
    expect(parseAttrPath('name.familyName')).toEqual(path('name', 'familyName'));
    expect(parseAttrPath(`${ENT}:manager.value`)).toEqual(path('manager', 'value', ENT));
  });

  it('reports errors with the requested scimType', () => {
    const error = scimError(() => parseAttrPath('name[x]', 'invalidValue'));
    expect(error.scimType).toBe('invalidValue');
  });
});
