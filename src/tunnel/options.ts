import { isIPv4, isIPv6 } from 'node:net';
import { CliError, usageError } from '../core/errors.js';
import { normalizeDomain } from '../core/urls.js';

/**
 * `--allow-cidr` checked here rather than by ngrok, so a typo is a usage error before anything
 * starts (and before a token is spent on a session). A bare address is refused rather than guessed
 * into a /32: an allow-list is the wrong place for guesses.
 */
export function parseCidr(input: string): string {
  const value = input.trim();
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  const address = match?.[1] ?? '';
  const bits = Number(match?.[2]);
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  if (!match || max < 0 || bits > max) {
    throw usageError(`invalid --allow-cidr "${input}": expected an IP range in CIDR notation`, 'For example --allow-cidr 203.0.113.0/24, --allow-cidr 198.51.100.7/32 or --allow-cidr 2001:db8::/32');
  }
  return `${address.toLowerCase()}/${bits}`;
}

/** `--domain` as ngrok wants it: a bare host name. A pasted https://… URL is accepted too. */
export function parseTunnelDomain(input: string): string {
  const host = input.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  try {
    return normalizeDomain(host);
  } catch (error) {
    if (error instanceof CliError) throw usageError(`invalid --domain "${input}": give a domain reserved in your ngrok account`, 'For example --domain my-scim.ngrok.app');
    throw error;
  }
}
