/**
 * The simulator's HTTP client: what an IdP's provisioning agent sends, and nothing more. Every
 * exchange is kept (request, response, duration) so a failed step can print it; the bearer token is
 * never kept. A request that gets no HTTP answer throws a TransportError whose message is one line
 * a person can act on (connection refused, certificate, timeout).
 */
import { bytesNestDeeperThan, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { encodeWrittenQuery } from '../core/urls.js';

export interface SimRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the base URL's path; its query (written unencoded, encoded here) joins the base URL's query. */
  path: string;
  body?: unknown;
  /** Send this text as the body instead of JSON.stringify(body) (malformed JSON on purpose). */
  rawBody?: string;
  /** Overrides: e.g. another Authorization, or none (`Authorization: ''`). */
  headers?: Record<string, string>;
}

export interface SimResponse {
  status: number;
  contentType: string;
  /** The body as JSON when it parses; undefined for an empty body, text that is not JSON, or a problem below. */
  json: unknown;
  text: string;
  headers: Record<string, string>;
  /** Why the body was not (fully) read or parsed: it was larger than MAX_ANSWER_BYTES, or nested deeper than MAX_JSON_DEPTH. */
  problem?: 'too-large' | 'too-deep';
}

/** No SCIM answer a client reads needs more; past it the client stops reading (and the report stays printable). */
export const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

export interface SimExchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown };
  response: SimResponse;
  durationMs: number;
}

export type TransportErrorKind = 'unreachable' | 'tls' | 'timeout' | 'protocol';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The run's very first answer refused the token: nothing can be judged, so the run stops with one line. */
export class TokenRefused extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`the server refused the token: ${status}${detail ? ` "${detail}"` : ''}`);
    this.name = 'TokenRefused';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Per request; a request that takes longer fails the step with a timeout. */
  timeoutMs: number;
  userAgent: string;
  fetch?: typeof fetch;
}

export const REDACTED_TOKEN = 'Bearer <token>';

export class SimClient {
  private readonly base: URL;

  constructor(private readonly options: ClientOptions) {
    this.base = new URL(options.baseUrl);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The base URL's path joined with `path`; the base's query comes first, then the path's, each value encoded. */
  url(path: string): string {
    const q = path.indexOf('?');
    const url = new URL(this.base.href);
    url.pathname = url.pathname.replace(/\/+$/, '') + (q < 0 ? path : path.slice(0, q));
    const query = [url.search.slice(1), q < 0 ? '' : encodeWrittenQuery(path.slice(q + 1))].filter((part) => part !== '').join('&');
    url.search = query === '' ? '' : `?${query}`;
    return url.href;
  }

  async send(request: SimRequest): Promise<SimExchange> {
    return this.sendTo(this.url(request.path), request);
  }

  /** Like send, to a URL built by the caller: a recording's tenant URL and path are joined as text, as the IdP does. */
  async sendTo(url: string, request: Omit<SimRequest, 'path'>): Promise<SimExchange> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/scim+json',
      'User-Agent': this.options.userAgent,
    };
    const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    if (body !== undefined) headers['Content-Type'] = 'application/scim+json';
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === '') delete headers[name];
      else headers[name] = value;
    }
    const started = performance.now();
    let response: Response;
    let answer: { text: string; problem?: SimResponse['problem']; json: unknown };
    try {
      response = await (this.options.fetch ?? fetch)(url, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      answer = await readAnswer(response);
    } catch (error) {
      const failure = transportError(error, url, this.options.timeoutMs);
      throw new TransportError(failure.kind, this.redact(failure.message), this.shownUrl(url));
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    // The real token never leaves this function; a made-up wrong one (an auth step) is shown as sent.
    const shownHeaders = { ...headers };
    if (headers.Authorization === `Bearer ${this.options.token}`) shownHeaders.Authorization = REDACTED_TOKEN;
    return {
      request: { method: request.method, url: this.shownUrl(url), headers: shownHeaders, ...(request.rawBody !== undefined ? { body: request.rawBody } : request.body !== undefined ? { body: request.body } : {}) },
      response: { status: response.status, contentType: response.headers.get('content-type') ?? '', ...answer, headers: Object.fromEntries(response.headers) },
      durationMs,
    };
  }

  /** A URL as reports show it: the base URL's own query values (an API gateway's key, say) hidden. */
  shownUrl(url: string): string {
    return hideBaseQuery(url, this.base);
  }

  /** Text that may quote the request (an error naming an invalid header) with the token hidden. */
  private redact(text: string): string {
    const token = this.options.token;
    const shown = text.split(`Bearer ${token}`).join(REDACTED_TOKEN);
    // A token too short to be a real secret ("t" in a quick try) would blot out every letter t.
    return token.length >= 8 ? shown.split(token).join('<token>') : shown;
  }
}

/** `url` with the values of `base`'s query parameters replaced by <hidden> (they may be secrets). */
export function hideBaseQuery(url: string, base: URL | string): string {
  const query = new URL(base).search.slice(1);
  let shown = url;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && eq < pair.length - 1) shown = shown.split(pair).join(`${pair.slice(0, eq)}=<hidden>`);
  }
  return shown;
}

/** Reads at most MAX_ANSWER_BYTES of the body; parses it unless it nests deeper than the server itself accepts. */
async function readAnswer(response: Response): Promise<{ text: string; problem?: SimResponse['problem']; json: unknown }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tooLarge = false;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_ANSWER_BYTES) {
        tooLarge = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
    }
  }
  const bytes = Buffer.concat(chunks);
  const text = new TextDecoder().decode(bytes);
  if (tooLarge) return { text, problem: 'too-large', json: undefined };
  if (bytesNestDeeperThan(bytes, MAX_JSON_DEPTH)) return { text, problem: 'too-deep', json: undefined };
  return { text, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|EPROTO/;

/** One line for an exchange that got no HTTP answer: what happened, at which URL, and what to do. */
export function transportError(error: unknown, url: string, timeoutMs: number): TransportError {
  const origin = new URL(url).origin;
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.code === 'UND_ERR_CONNECT_TIMEOUT' || e.cause?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new TransportError('timeout', `no answer from ${origin} within ${timeoutMs / 1000} s (raise --timeout if the server is just slow)`, url);
  }
  const code = e.cause?.code ?? '';
  const detail = e.cause?.message ?? e.message ?? String(error);
  if (code === 'ECONNREFUSED') return new TransportError('unreachable', `cannot reach ${origin}: connection refused (is the server running on that port?)`, url);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('unreachable', `cannot reach ${origin}: the host name does not resolve`, url);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new TransportError('protocol', `${origin} closed the connection without an HTTP answer`, url);
  if (TLS_CODES.test(code)) {
    // OpenSSL's own text for this case is a source-file dump; say what it means instead.
    if (/wrong version number|packet length too long/i.test(detail)) return new TransportError('tls', `TLS error from ${origin}: the server does not speak TLS there (is it plain http rather than https?)`, url);
    return new TransportError('tls', `TLS error from ${origin}: ${oneLine(detail)}${code && !detail.includes(code) ? ` (${code})` : ''} (to trust a private CA, set NODE_EXTRA_CA_CERTS=<ca.pem>)`, url);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return new TransportError('unreachable', `cannot reach ${origin}: ${code}`, url);
  return new TransportError('protocol', `no HTTP answer from ${origin}: ${oneLine(detail)}${code ? ` (${code})` : ''}`, url);
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
