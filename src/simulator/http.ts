/**
 * The simulator's HTTP client: what an IdP's provisioning agent sends, and nothing more. Every
 * exchange is kept (request, response, duration) so a failed step can print it; the bearer token is
 * never kept. A request that gets no HTTP answer throws a TransportError whose message is one line
 * a person can act on (connection refused, certificate, timeout).
 */
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
  /** The body as JSON when it parses; undefined for an empty body or text that is not JSON. */
  json: unknown;
  text: string;
  headers: Record<string, string>;
}

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
    const query = [url.search.slice(1), q < 0 ? '' : encodeQuery(path.slice(q + 1))].filter((part) => part !== '').join('&');
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
    let text: string;
    try {
      response = await (this.options.fetch ?? fetch)(url, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw transportError(error, url, this.options.timeoutMs);
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    // The real token never leaves this function; a made-up wrong one (an auth step) is shown as sent.
    const shownHeaders = { ...headers };
    if (headers.Authorization === `Bearer ${this.options.token}`) shownHeaders.Authorization = REDACTED_TOKEN;
    return {
      request: { method: request.method, url, headers: shownHeaders, ...(request.rawBody !== undefined ? { body: request.rawBody } : request.body !== undefined ? { body: request.body } : {}) },
      response: { status: response.status, contentType: response.headers.get('content-type') ?? '', json: parseJson(text), text, headers: Object.fromEntries(response.headers) },
      durationMs,
    };
  }
}

/** Each query value percent-encoded; names and the separators are kept as written. */
export function encodeQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=${encodeURIComponent(pair.slice(eq + 1))}`;
    })
    .join('&');
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
