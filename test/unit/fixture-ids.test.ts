import { describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { IdSource } from '../../src/fixtures/ids.js';

describe('IdSource', () => {
  it('makes ids in exactly newId() format, with the same time part', () => {
    const ids = new IdSource();
    const now = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const id = ids.next('scim_user', now);
    expect(id).toMatch(/^scim_user_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id.slice(0, 20)).toBe(newId('scim_user', now).slice(0, 20));
  });

  it('counts up within a millisecond, so ids sort in the order they were made', () => {
    const ids = new IdSource();
    const made = Array.from({ length: 10_000 }, (_, i) => ids.next('scim_group', 1_000_000 + Math.floor(i / 3000)));
    expect(new Set(made).size).toBe(10_000);
    expect([...made].sort()).toEqual(made);
  });

  it('stays in order when the clock steps back', () => {
    const ids = new IdSource();
    const a = ids.next('org', 2_000_000);
    const b = ids.next('org', 1_999_000);
    expect(b > a).toBe(true);
  });
});
