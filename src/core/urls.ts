import { invalidError } from './errors.js';

export const DEFAULT_PUBLIC_URL = 'http://localhost:8080';

/** Validate and canonicalise a public URL: http(s), no query or fragment, no trailing slash. */
export function normalizePublicUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidError(`invalid URL "${input}"`, 'Give an absolute http(s) URL, e.g. https://scim.example.test');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidError(`invalid URL "${input}": only http and https are supported`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw invalidError(`invalid URL "${input}": a public URL has no query, fragment or credentials`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * A URL to call, parsed once for every check that takes one (a webhook target, a server to test):
 * whether it is http(s) and whether it holds a user name or password, left to the caller to word
 * in its own order. undefined: not an absolute URL at all.
 */
export function parseHttpUrl(value: string): { url: URL; http: boolean; credentials: boolean } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return { url, http: url.protocol === 'http:' || url.protocol === 'https:', credentials: url.username !== '' || url.password !== '' };
}

/** Where SCIM lives on a scimctl server: a directory's base URL is `<public url>/scim/v2/<directory id>`. */
export const SCIM_PATH = '/scim/v2';

/** The one place a base URL is built. */
export function baseUrlFor(publicUrl: string, directoryId: string): string {
  return `${publicUrl}${SCIM_PATH}/${directoryId}`;
}

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

export function normalizeDomain(input: string): string {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(domain) || /^[0-9.]+$/.test(domain)) {
    throw invalidError(`invalid domain "${input}"`, 'Give a DNS name such as example.com');
  }
  return domain;
}

/**
 * A query written unencoded (as the request log keeps it, as the simulator's steps are written) back
 * into its encoded form: each name and value percent-encoded. SCIM puts `&` and `=` only inside
 * quoted filter strings (`filter=displayName eq "R&D=Labs"`), so a `&` inside double quotes
 * belongs to the value; outside them it separates parameters.
 */
export function encodeWrittenQuery(query: string): string {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '&' && !quoted) {
      parts.push(query.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(query.slice(start));
  return parts
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? encodeURIComponent(part) : `${encodeURIComponent(part.slice(0, eq))}=${encodeURIComponent(part.slice(eq + 1))}`;
    })
    .join('&');
}
