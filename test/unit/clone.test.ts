import { describe, expect, test } from 'vitest';
import { cloneJson } from '../../src/scim/clone.js';

describe('cloneJson', () => {
  test('copies every level: changing the copy leaves the original alone', () => {
    const original = { a: [1, { b: 'x', c: [true, null] }], d: { e: { f: 2.5 } }, g: 'text' };
    const copy = cloneJson(original);
    expect(copy).toStrictEqual(original);
    (copy.a[1] as { b: string }).b = 'changed';
    ((copy.a[1] as { c: unknown[] }).c as unknown[]).push(1);
    copy.d.e.f = 0;
    expect(original).toStrictEqual({ a: [1, { b: 'x', c: [true, null] }], d: { e: { f: 2.5 } }, g: 'text' });
    expect(copy.a).not.toBe(original.a);
    expect(copy.d.e).not.toBe(original.d.e);
  });

  test('scalars and null come back as they are', () => {
    for (const v of [null, 0, -1.5, '', 'x', true, false]) expect(cloneJson(v)).toBe(v);
  });

  test('keeps key order', () => {
    expect(Object.keys(cloneJson({ z: 1, a: 2, m: 3 }))).toEqual(['z', 'a', 'm']);
  });

  test('a "__proto__" key from JSON stays a plain own property and never becomes the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const copy = cloneJson(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"x":1}');
  });
});
