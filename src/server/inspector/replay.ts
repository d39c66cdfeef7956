import { encodeWrittenQuery } from '../../core/urls.js';
import type { LogRecord } from '../../store/index.js';
import type { Secret } from '../../core/tokens.js';

/**
 * Where a replay goes and what it carries. The server stores only token hashes, so it cannot send a
 * directory's real token. Instead the local app holds a per-serve internal credential (256 random
 * bits, made at start, never printed, logged or sent to the page), which its SCIM auth accepts as
 * "any directory this serve serves". A replay is an ordinary HTTP request to the very listener the
 * inspector was reached on, so it goes through the same parsing, auth, handlers and request log as
 * the IdP's request did. The tunnel's app has no such credential, so it cannot be used from outside,
 * and nothing outside this process ever sees it.
 */
export interface ReplayTarget {
  /** http://<the local listener's address>:<port> */
  origin: string;
  credential: Secret;
}

const REPLAY_USER_AGENT = 'scimctl-inspector-replay';

/** The logged query is stored decoded; encode it again (see encodeWrittenQuery for `&` inside filters). */
function encodeQuery(query: string | null): string {
  return query ? `?${encodeWrittenQuery(query)}` : '';
}

export async function replay(target: ReplayTarget, r: LogRecord) {
  const started = performance.now();
  const hasBody = r.requestBody !== null && r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'DELETE';
  const response = await fetch(`${target.origin}${r.path}${encodeQuery(r.query)}`, {
    method: r.method,
    headers: {
      Authorization: `Bearer ${target.credential.value}`,
      'User-Agent': `${REPLAY_USER_AGENT} (of ${r.id})`,
      ...(hasBody ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    body: hasBody ? r.requestBody : undefined,
    redirect: 'manual',
  });
  const body = await response.text();
  return {
    original: { id: r.id, status: r.status, body: r.responseBody },
    replay: { status: response.status, durationMs: Math.round((performance.now() - started) * 10) / 10, body: body === '' ? null : body },
  };
}
