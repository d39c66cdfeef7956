import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 over `<id>.<timestamp>.<body>`
 * with the secret's bytes (the base64 after `whsec_`), sent as `webhook-signature: v1,<base64>`
 * beside `webhook-id` and `webhook-timestamp` (Unix seconds). Any Standard Webhooks library verifies it.
 */
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{20,}={0,2}$/;

/** A secret scimctl can sign with: the pattern, and at least 16 bytes once decoded. */
export function isSigningSecret(value: string): boolean {
  return SECRET_PATTERN.test(value) && Buffer.from(value.slice('whsec_'.length), 'base64').length >= 16;
}

export function signatureHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
