import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens: 256 random bits behind a fixed prefix so secret scanners can recognise them
 * (pattern: `scimctl_sk_[A-Za-z0-9_-]{43}`). Only the SHA-256 hash is ever stored.
 */
export const TOKEN_PREFIX = 'scimctl_sk_';
export const TOKEN_PATTERN = /^scimctl_sk_[A-Za-z0-9_-]{43}$/;

/** 256 random bits as 43 base64url characters. */
const randomSecret = () => randomBytes(32).toString('base64url');

export function generateToken(): string {
  return TOKEN_PREFIX + randomSecret();
}

/**
 * API keys for the app API: the same shape under their own prefix, so a leaked one is recognisable
 * as an API key and never mistaken for a SCIM token (pattern: `scimctl_ak_[A-Za-z0-9_-]{43}`).
 */
export const API_KEY_PREFIX = 'scimctl_ak_';
export const API_KEY_PATTERN = /^scimctl_ak_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomSecret();
}

export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Constant-time comparison of a presented token against a stored hash. */
export function tokenMatches(presented: string, storedHash: string | null | undefined): boolean {
  const expected = Buffer.from(storedHash ?? '0'.repeat(64), 'hex');
  // One-shot hash (Node ≥ 20.12): a createHash object per request cost more than the lookup it guards.
  const actual = hash('sha256', presented, 'buffer');
  // Compare even when there is no stored hash, so timing says nothing about which case happened.
  return timingSafeEqual(actual, expected.length === 32 ? expected : Buffer.alloc(32)) && storedHash != null;
}

/** A per-process random secret (the inspector page's, a replay or internal credential), compared in constant time. */
export class Secret {
  readonly value = randomSecret();
  private readonly digest = hashToken(this.value);

  matches(presented: string | undefined): boolean {
    return tokenMatches(presented ?? '', presented === undefined ? null : this.digest);
  }
}
