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
  let random = '';
  for (const byte of randomBytes16()) random += ALPHABET[byte & 31];
  return `${prefix}_${time}${random}`;
}

// Randomness drawn 4 KiB at a time: one call into OpenSSL per id cost more than the rest of newId().
let pool = Buffer.alloc(0);
let offset = 0;

function randomBytes16(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

export function hasPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(prefix + '_');
}
