import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { CliError, exitCodeFor, type CliErrorKind } from '../../src/core/errors.js';
import { bytesNestDeeperThan, nestsDeeperThan } from '../../src/core/json-depth.js';
import { encodeWrittenQuery } from '../../src/core/urls.js';
import { IdGenerator, hasPrefix, looksLikeId, type IdPrefix } from '../../src/core/ids.js';
import { generateToken, hashToken, Secret, TOKEN_PATTERN, tokenMatches } from '../../src/core/tokens.js';
import { baseUrlFor, normalizeDomain, normalizePublicUrl } from '../../src/core/urls.js';

describe('ids', () => {
  const prefixes: IdPrefix[] = ['env', 'org', 'scim_directory', 'scim_user', 'scim_group'];

  const newId = (prefix: IdPrefix, now?: number) => new IdGenerator().next(prefix, now);

  test.each(prefixes)('%s ids: prefix, 10 time + 16 random Crockford base32 characters', (prefix) => {
    const id = newId(prefix);
    expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`));
    expect(hasPrefix(id, prefix)).toBe(true);
    expect(looksLikeId(id)).toBe(true);
  });

  test('are unique', () => {
    const ids = new IdGenerator();
    const made = Array.from({ length: 10_000 }, () => ids.next('scim_user', 0));
    expect(new Set(made).size).toBe(made.length);
  });

  test('sort by creation time', () => {
    const ids = new IdGenerator();
    const times = [0, 1, 31, 32, 1_700_000_000_000, 1_700_000_000_001, 2 ** 50 - 1];
    const made = times.map((t) => ids.next('org', t));
    expect([...made].sort()).toEqual(made);
    expect(newId('org', 0).slice(4, 14)).toBe('0000000000');
    expect(newId('org', 33).slice(4, 14)).toBe('0000000011');
  });

  test('count up within a millisecond, so ids sort in the order they were made', () => {
    const ids = new IdGenerator();
    const made = Array.from({ length: 10_000 }, (_, i) => ids.next('scim_group', 1_000_000 + Math.floor(i / 3000)));
    expect(new Set(made).size).toBe(10_000);
    expect([...made].sort()).toEqual(made);
  });

  test('stay in order when the clock steps back', () => {
    const ids = new IdGenerator();
    const a = ids.next('org', 2_000_000);
    const b = ids.next('org', 1_999_000);
    expect(b > a).toBe(true);
  });

  test.each(['org_fake', 'scim_user_01KB', 'user_01kb8x0000000000000000000000', 'org_01kb8x00000000000000000000x'])('%s does not look like an id', (value) => {
    expect(looksLikeId(value)).toBe(false);
  });

  test.each([
    ['env_abc', 'env', true],
    ['environment', 'env', false],
    ['env', 'env', false],
    ['scim_directory_x', 'scim_user', false],
    ['scim_user_x', 'scim_user', true],
  ] as const)('hasPrefix(%s, %s) is %s', (value, prefix, expected) => {
    expect(hasPrefix(value, prefix)).toBe(expected);
  });
});

describe('tokens', () => {
  test('shape: scimctl_sk_ and 43 base64url characters (256 bits)', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) expect(token).toMatch(TOKEN_PATTERN);
    expect(TOKEN_PATTERN.source).toBe('^scimctl_sk_[A-Za-z0-9_-]{43}$');
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  test('hashToken is the SHA-256 hex of the whole token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  const token = generateToken();
  const hash = hashToken(token);
  test.each([
    ['the right token', token, hash, true],
    ['the right token, hash in upper case', token, hash.toUpperCase(), true],
    ['another token', generateToken(), hash, false],
    ['the token with a changed last character', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), hash, false],
    ['an empty token', '', hash, false],
    ['no stored hash (null)', token, null, false],
    ['no stored hash (undefined)', token, undefined, false],
    ['a malformed stored hash', token, 'not-hex', false],
    ['a truncated stored hash', token, hash.slice(0, 32), false],
  ] as const)('tokenMatches: %s → %s', (_, presented, stored, expected) => {
    expect(tokenMatches(presented, stored)).toBe(expected);
  });

  test('tokenMatches: the empty string against the hash of the empty string', () => {
    // The null-hash case compares against zeros; make sure a real hash of "" is not confused with it.
    expect(tokenMatches('', hashToken(''))).toBe(true);
    expect(tokenMatches('', null)).toBe(false);
  });

  test('Secret: 43 base64url characters, matched only by itself', () => {
    const secret = new Secret();
    expect(secret.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Secret().value).not.toBe(secret.value);
    expect(secret.matches(secret.value)).toBe(true);
    for (const other of [undefined, '', new Secret().value, secret.value.slice(0, -1)]) expect(secret.matches(other)).toBe(false);
  });
});

describe('public URLs', () => {
  test.each([
    ['https://x.example.test/', 'https://x.example.test'],
    ['https://x.example.test', 'https://x.example.test'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://localhost:8080///', 'http://localhost:8080'],
    ['HTTPS://X.Example.TEST:443/', 'https://x.example.test'],
    ['http://127.0.0.1:80/', 'http://127.0.0.1'],
    ['https://x.example.test/prefix/', 'https://x.example.test/prefix'],
    ['https://abc.ngrok-free.app', 'https://abc.ngrok-free.app'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
  ])('normalizePublicUrl(%s) = %s', (input, expected) => {
    expect(normalizePublicUrl(input)).toBe(expected);
  });

  test.each([
    ['notaurl', 'invalid URL "notaurl"'],
    ['', 'invalid URL ""'],
    ['/relative', 'invalid URL "/relative"'],
    ['ftp://x', 'invalid URL "ftp://x": only http and https are supported'],
    ['file:///tmp/x', 'only http and https'],
    ['https://x.test/?a=1', 'a public URL has no query, fragment or credentials'],
    ['https://x.test/#top', 'a public URL has no query, fragment or credentials'],
    ['https://user:pw@x.test', 'a public URL has no query, fragment or credentials'],
    ['https://user@x.test', 'a public URL has no query, fragment or credentials'],
  ])('normalizePublicUrl(%j) is refused', (input, message) => {
    let thrown: unknown;
    try {
      normalizePublicUrl(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).kind).toBe('invalid');
    expect((thrown as CliError).message).toContain(message);
  });

  test('base URLs', () => {
    expect(baseUrlFor('https://x.example.test', 'scim_directory_1')).toBe('https://x.example.test/scim/v2/scim_directory_1');
    expect(baseUrlFor(normalizePublicUrl('https://x.example.test/app/'), 'd')).toBe('https://x.example.test/app/scim/v2/d');
  });
});

describe('domains', () => {
  test.each([
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['  acme.io ', 'acme.io'],
    ['example.com.', 'example.com'],
    ['sub.example.co.uk', 'sub.example.co.uk'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a-b.c-d.com', 'a-b.c-d.com'],
    ['1password.com', '1password.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('normalizeDomain(%j) = %s', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  test.each([
    'not a domain',
    'localhost',
    '',
    '.',
    '-a.com',
    'a-.com',
    'a..com',
    '.a.com',
    'a_b.com',
    '1.2.3.4',
    'http://a.com',
    'a.com/path',
    'user@a.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}com`,
  ])('normalizeDomain(%j) is refused', (input) => {
    expect(() => normalizeDomain(input)).toThrow(`invalid domain "${input}"`);
  });
});

describe('errors', () => {
  test.each([
    ['usage', 2],
    ['not-found', 1],
    ['conflict', 1],
    ['invalid', 1],
    ['database', 1],
    ['runtime', 1],
    ['cancelled', 130],
  ] as [CliErrorKind, number][])('%s exits %d', (kind, code) => {
    expect(exitCodeFor(kind)).toBe(code);
  });

  test('a CliError keeps its hint and the error it explains', () => {
    const cause = new Error('SQLITE_CORRUPT');
    const error = new CliError('database', 'database x is corrupt', 'a hint', cause);
    expect(error).toMatchObject({ name: 'CliError', kind: 'database', message: 'database x is corrupt', hint: 'a hint', cause });
    expect('cause' in new CliError('usage', 'm')).toBe(false);
  });
});

describe('bytesNestDeeperThan', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  test('agrees with nestsDeeperThan on parsed values', () => {
    for (const text of [deep(64), deep(65), `{"a":${deep(63)}}`, `{"a":${deep(64)}}`, `[{"a":[{"b":{}}]}]`, '"x"', '{}']) {
      expect(bytesNestDeeperThan(bytes(text)), text.slice(0, 40)).toBe(nestsDeeperThan(JSON.parse(text)));
    }
  });
  test('ignores brackets inside strings, honouring escaped quotes and backslashes', () => {
    const brackets = '['.repeat(100);
    expect(bytesNestDeeperThan(bytes(JSON.stringify({ a: brackets, b: `\\"${brackets}`, c: `\\\\${brackets}"` })))).toBe(false);
    expect(bytesNestDeeperThan(bytes(`{"a":"\\\\",${'['.repeat(100)}`))).toBe(true);
    expect(bytesNestDeeperThan(bytes(`{"a":"\\"${'['.repeat(100)}`))).toBe(false);
  });
  test('sees nesting in multi-byte UTF-8 text and unterminated input', () => {
    expect(bytesNestDeeperThan(bytes(`{"ä€😀":${deep(64)}}`))).toBe(true);
    expect(bytesNestDeeperThan(bytes('['.repeat(2_000_000)))).toBe(true);
  });
});

describe('encodeWrittenQuery', () => {
  test('encodes each name and value, and keeps "&" and "=" inside a quoted filter value', () => {
    expect(encodeWrittenQuery('filter=displayName eq "R&D=Labs"&count=5')).toBe('filter=displayName%20eq%20%22R%26D%3DLabs%22&count=5');
    expect(encodeWrittenQuery('filter=displayName eq "say \\"a&b\\""&aadOptscim062020')).toBe('filter=displayName%20eq%20%22say%20%5C%22a%26b%5C%22%22&aadOptscim062020');
    expect(encodeWrittenQuery('attributes=userName,emails&startIndex=1')).toBe('attributes=userName%2Cemails&startIndex=1');
  });
});
