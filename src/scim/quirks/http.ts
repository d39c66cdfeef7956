/**
 * Client quirks in URLs and query strings: where Entra ID and Okta address scimctl differently
 * from RFC 7644 §3.4.2, and what scimctl does instead of refusing. One named function per quirk;
 * the server calls these rather than carrying the rule inline.
 */

const ENTRA_FLAG_THEN_PATH = /\?aadOptscim062020\//i;
const ENTRA_FLAG_PARTS = /^([^?]*)\?aadOptscim062020(\/[^?&]*)(?:[?&](.*))?$/i;

/**
 * Entra: an admin may paste the Tenant URL with `?aadOptscim062020`, and clients that append paths
 * blindly then send `/scim/v2/<dir>?aadOptscim062020/Users?filter=…`. Returns the URL with the path
 * moved back in front of the flag, or undefined when the URL does not have that shape.
 */
export function entraFlagBeforePath(url: string): string | undefined {
  const match = ENTRA_FLAG_THEN_PATH.test(url) ? ENTRA_FLAG_PARTS.exec(url) : null;
  if (!match) return undefined;
  return `${match[1]!.replace(/\/$/, '')}${match[2]}?aadOptscim062020${match[3] ? '&' + match[3] : ''}`;
}

/**
 * Entra's older clients sometimes URL-encode `filter` twice: decode once more if it still looks
 * encoded and holds nothing (quotes, spaces) a once-decoded filter would.
 */
export function twiceEncodedFilter(raw: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(raw) || /["\s]/.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Entra and Okta: query parameter names arrive in any case (`startindex`, `Filter`, `Attributes`).
 * Repeated parameters are joined with commas.
 */
export function queryParameterInAnyCase(params: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const key = Object.keys(params).find((k) => k.toLowerCase() === lower);
  const value = key === undefined ? undefined : params[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
}

/**
 * Entra: a group PATCH expects 204 No Content (RFC 7644 §3.5.2 allows 200 with the resource too).
 * A client that asks for `attributes`/`excludedAttributes` wants the resource, so it gets 200.
 */
export function groupPatchAnswersNoContent(asksForProjection: boolean): boolean {
  return !asksForProjection;
}

/** Entra and Okta: endpoint names in any case (`/users`, `/groups/{id}`, `/Users/.Search`); the route key is lower case. */
export function endpointInAnyCase(path: string): string {
  return path.toLowerCase();
}

/** Clients that capitalise keyword values (`sortOrder=Descending`): RFC 7644 §3.4.2.3 spells them lower case. */
export function keywordInAnyCase(value: string | undefined): string | undefined {
  return value?.toLowerCase();
}
