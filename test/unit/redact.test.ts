import { describe, expect, it } from 'vitest';
import { REDACTED, mayHoldWriteOnly, namesWriteOnly, redactWriteOnly } from '../../src/scim/redact.js';

const SECRET = 'Hunter2-Secret!';

describe('redactWriteOnly', () => {
  it.each([
    ['top level', { userName: 'a', password: SECRET }],
    ['any case', { userName: 'a', PassWord: SECRET }],
    ['URN-qualified key', { 'urn:ietf:params:scim:schemas:core:2.0:User:password': SECRET }],
    ['inside the core schema object', { 'urn:ietf:params:scim:schemas:core:2.0:User': { password: SECRET } }],
    ['nested deep', { a: [{ b: { c: [{ PASSWORD: SECRET }] } }] }],
    ['non-string value', { password: { value: SECRET } }],
  ])('removes the value of a %s write-only attribute', (_label, body) => {
    const text = JSON.stringify(body);
    expect(mayHoldWriteOnly(text)).toBe(true);
    const redacted = redactWriteOnly(text);
    expect(redacted).not.toContain(SECRET);
    expect(redacted).toContain(REDACTED);
    expect(() => JSON.parse(redacted)).not.toThrow();
  });

  it('removes PATCH values addressed by path, path-less value objects, and URN paths in any case', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'password', value: `${SECRET}1` },
        { op: 'replace', value: { password: `${SECRET}2`, active: true } },
        { OP: 'Add', Path: 'urn:ietf:params:scim:schemas:core:2.0:User:PASSWORD', Value: `${SECRET}3` },
        { op: 'replace', path: 'displayName', value: 'Kept' },
      ],
    };
    const redacted = JSON.parse(redactWriteOnly(JSON.stringify(body)));
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
    expect(redacted.Operations[1].value).toEqual({ password: REDACTED, active: true });
    expect(redacted.Operations[3].value).toBe('Kept');
  });

  it('sees through JSON escapes in the attribute name', () => {
    const text = String.raw`{"userName":"a","p\u0061ssword":"${SECRET}"}`;
    expect(mayHoldWriteOnly(text)).toBe(true);
    expect(redactWriteOnly(text)).not.toContain(SECRET);
  });

  it.each([
    `{"password":"${SECRET}", "x": [1,`,
    `{"userName":"a","password":"${SECRET.slice(0, 8)}`,
    `{"Operations":[{"path":"password","value":"${SECRET}"}`,
    `{"password": 123456789`,
    `{"x":${'['.repeat(100_000)}, "password":"${SECRET}"}`,
  ])('redacts text that does not parse: %#', (text) => {
    const redacted = redactWriteOnly(text);
    expect(redacted).not.toContain(SECRET.slice(0, 8));
    expect(redacted).not.toContain('123456789');
    expect(redacted).toContain(REDACTED);
  });

  it('leaves bodies without a write-only attribute byte-exact', () => {
    const text = '{ "userName" : "a",\n  "emails": [{"value":"a@x.test"}] }';
    expect(mayHoldWriteOnly(text)).toBe(false);
    const mentioned = '{"userName":"password-reset@x.test"}';
    expect(mayHoldWriteOnly(mentioned)).toBe(true);
    expect(redactWriteOnly(mentioned)).toBe(mentioned);
  });

  it('recognises write-only names as keys and paths only', () => {
    expect(namesWriteOnly('password')).toBe(true);
    expect(namesWriteOnly('urn:ietf:params:scim:schemas:core:2.0:User:Password')).toBe(true);
    expect(namesWriteOnly('userName')).toBe(false);
    expect(namesWriteOnly('emails[type eq "password"].value')).toBe(false);
  });
});

describe('redactWriteOnly on text that does not parse', () => {
  it('leaves it alone when only an escape, not a write-only name, made it look', () => {
    const text = String.raw`{"displayName":"Caf\u00e9","Operations":[{"value":"kept"}`;
    expect(mayHoldWriteOnly(text)).toBe(true);
    expect(redactWriteOnly(text)).toBe(text);
  });
});

describe('redaction of text that does not parse, token by token', () => {
  it.each([
    ['a cut-short user', '{"userName":"a@b.c","password":"Hunter2-Secret!","name":{', '{"userName":"a@b.c","password":"[redacted]","name":{'],
    ['an unterminated secret', '{"password":"Hunter2-Sec', '{"password":"[redacted]"'],
    ['a bare (unquoted) secret', '{"PASSWORD": Hunter2 , "x":1', '{"PASSWORD": "[redacted]" , "x":1'],
    ['a PATCH value whose path is a secret', '{"Operations":[{"op":"replace","path":"password","value":"S3cret"}', '{"Operations":[{"op":"replace","path":"password","value":"[redacted]"}'],
    ['an escaped quote inside the secret', String.raw`{"password":"a\"b","x":`, '{"password":"[redacted]","x":'],
    ['a secret object key inside an object value', '{"value":{"password":"S3cret"}', '{"value":{"password":"[redacted]"}'],
  ])('%s', (_case, text, expected) => {
    expect(redactWriteOnly(text)).toBe(expected);
  });

  it('takes linear time on a hostile body (an unterminated string naming the attribute again and again)', () => {
    // The regex this replaced took 0.65 s at 64 KB and grew with the square of the length.
    const hostile = '{"' + 'password'.repeat(512 * 1024 / 8);
    const started = performance.now();
    redactWriteOnly(hostile);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('trims a PATCH path as the PATCH engine does', () => {
    const body = { Operations: [{ op: 'replace', path: ' password\t', value: 'S3cret' }] };
    expect(redactWriteOnly(JSON.stringify(body))).not.toContain('S3cret');
  });
});
