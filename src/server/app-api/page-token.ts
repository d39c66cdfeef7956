import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from './errors.js';

/**
 * Opaque page tokens: the cursor where the next page starts, signed with the database's own key
 * (HMAC-SHA256, cut to 128 bits) together with the listing it belongs to. A token that was altered,
 * or that comes from another listing, fails the check and is refused with 400, as SSOReady refuses a
 * token it cannot open.
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(keyHex: string) {
    this.key = Buffer.from(keyHex, 'hex');
  }

  /** The token for the page that starts at `cursor` of `listing` (e.g. `users:<directory id>`). */
  sign(listing: string, cursor: string): string {
    const body = Buffer.from(cursor).toString('base64url');
    return `${body}.${this.mac(listing, body).toString('base64url')}`;
  }

  /** The cursor in a token of `listing`; undefined for no token (the first page). */
  open(listing: string, token: string | undefined): string | undefined {
    if (token === undefined || token === '') return undefined;
    const [body, mac, extra] = token.split('.');
    // The MAC is over the body's text and compared as text: only the exact text a token was issued as
    // is that token (base64url decoding alone would accept other spellings of the same bytes).
    const given = Buffer.from(mac ?? '');
    const expected = body === undefined ? undefined : Buffer.from(this.mac(listing, body).toString('base64url'));
    if (extra !== undefined || !expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalidArgument('invalid page token: pass the nextPageToken of the previous page of the same listing, unchanged');
    }
    return Buffer.from(body!, 'base64url').toString();
  }

  private mac(listing: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`${listing}\n${body}`).digest().subarray(0, 16);
  }
}
