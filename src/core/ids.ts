import { randomBytes } from 'node:crypto';

/**
 * Prefixed, readable, time-sortable ids: `scim_user_01kb8x…` (prefix, 10 Crockford base32 chars of
 * time, 16 random), so a person can tell what an id names.
 */
export type IdPrefix = 'env' | 'org' | 'scim_directory' | 'scim_user' | 'scim_group' | 'api_key';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Makes ids. One per store (no process-wide state), with two properties that matter:
 * - Monotonic, like ULID's monotonic mode: within one millisecond the random part counts up instead of
 *   being drawn again. A seed stamps every row with the same time, and lists of environments and API
 *   keys order by (created_at, id), so fixture order is kept (organizations and directories order by
 *   insertion instead, as a seed may keep an older exported id); it also keeps the id index append-only.
 * - Randomness is drawn 64 KiB at a time: one call into OpenSSL per id cost more than the rest of it.
 */
export class IdGenerator {
  private pool = Buffer.alloc(0);
  private offset = 0;
  private lastMs = -1;
  private time = '';
  private readonly digits = new Uint8Array(16);

  next(prefix: IdPrefix, now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.time = timePart(now);
      this.draw();
    } else {
      // Same millisecond (or a clock step back): count up from the last id, base 32 with carry.
      let i = 15;
      while (i >= 0 && this.digits[i] === 31) this.digits[i--] = 0;
      if (i < 0) this.draw();
      else this.digits[i]!++;
    }
    let random = '';
    for (const d of this.digits) random += ALPHABET[d];
    return `${prefix}_${this.time}${random}`;
  }

  private draw(): void {
    if (this.offset + 16 > this.pool.length) {
      this.pool = randomBytes(65536);
      this.offset = 0;
    }
    for (let i = 0; i < 16; i++) this.digits[i] = this.pool[this.offset + i]! & 31;
    this.offset += 16;
  }
}

function timePart(ms: number): string {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32]! + time;
  return time;
}

export function hasPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(prefix + '_');
}

/** Looks like an id scimctl makes (any prefix): such a string never names something by name or external id. */
export function looksLikeId(value: string): boolean {
  return /^(env|org|scim_directory|scim_user|scim_group|api_key)_[0-9a-z]{26}$/.test(value);
}
