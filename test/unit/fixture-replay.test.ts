import { describe, expect, it } from 'vitest';
import { ANY, Replay, getPointer, subsetMismatch, type Recording } from '../../src/simulator/recording.js';

describe('subsetMismatch', () => {
  it.each<[string, unknown, unknown, string | undefined]>([
    ['a subset of keys', { a: 1 }, { a: 1, b: 2 }, undefined],
    ['any value', { id: ANY }, { id: 'x' }, undefined],
    ['any value, missing', { id: ANY }, {}, '/id: expected a value, got nothing'],
    ['a different value', { a: { b: 'x' } }, { a: { b: 'y' } }, '/a/b: expected "x", got "y"'],
    ['arrays element by element', [{ v: 1 }, { v: 2 }], [{ v: 1, w: 0 }, { v: 2 }], undefined],
    ['arrays of another length', [1], [1, 2], '(body): expected 1 elements, got 2: [1,2]'],
    ['an object for an array', [], {}, '(body): expected an array, got {}'],
    ['keys with a slash', { 'a/b': 1 }, { 'a/b': 2 }, '/a~1b: expected 1, got 2'],
  ])('%s', (_name, expected, actual, result) => {
    expect(subsetMismatch(expected, actual, '')).toBe(result);
  });
});

describe('getPointer', () => {
  it('follows RFC 6901 pointers, URN keys included', () => {
    const doc = { Resources: [{ 'urn:x:User': { manager: { value: 'm' } } }], 'a/b': 1 };
    expect(getPointer(doc, '/Resources/0/urn:x:User/manager/value')).toBe('m');
    expect(getPointer(doc, '/a~1b')).toBe(1);
    expect(getPointer(doc, '/Resources/1')).toBeUndefined();
  });
});

describe('Replay', () => {
  const recording: Recording = { name: 'r', description: '', source: '', tenantUrl: '{{baseUrl}}?aadOptscim062020', steps: [] };

  it('appends paths to the tenant URL and encodes query values', () => {
    const replay = new Replay(recording, { baseUrl: 'http://h/scim/v2/d', token: 't' });
    expect(replay.url({ name: 's', method: 'GET', path: '/Users?filter=userName eq "a@b.c"&count=1', expect: { status: 200 } })).toBe(
      'http://h/scim/v2/d?aadOptscim062020/Users?filter=userName%20eq%20%22a%40b.c%22&count=1',
    );
  });

  it('fills whole-string placeholders with the captured value itself, and names missing ones', () => {
    const replay = new Replay(recording, { baseUrl: 'http://h', token: 't' });
    expect(replay.resolve({ a: '{{baseUrl}}', b: 'x {{baseUrl}} y', c: ANY })).toEqual({ a: 'http://h', b: 'x http://h y', c: ANY });
    expect(() => replay.resolve('{{users.zed.id}}')).toThrow('unknown placeholder {{users.zed.id}} (did an earlier step fail to capture it?)');
  });
});
