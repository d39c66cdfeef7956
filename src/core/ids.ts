import { randomBytes } from 'node:crypto';

/** Prefixed, readable, time-sortable ids: `scim_user_01kb8x…` (10 chars of time, 16 random, Crockford base32). */
export type IdPrefix = 'env' | 'org' | 'scim_directory' | 'scim_user' | 'scim_group';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte & 31];
  return `${prefix}_${time}${random}`;
}

export function hasPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(prefix + '_');
}
