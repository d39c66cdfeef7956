import type { Request, Response } from 'express';
import { BufferedRequestLog, TRUNCATED_MARKER, type LogBudget, type LogEntry, type Store } from '../store/index.js';
import type { ScimExchange } from './exchange.js';
import { REDACTED, mayHoldWriteOnly, redactWriteOnly } from '../scim/redact.js';

/**
 * Writes one request_log row per SCIM request when the response finishes. Headers are not
 * stored at all, so the Authorization header (the token) can never reach the log; nor can a
 * write-only attribute such as a password (see loggedBody).
 */
export interface RequestLoggerOptions {
  now: () => string;
  /** Hears of each row once it is queued, e.g. to print a line per request. */
  onLogged?: ((entry: LogEntry) => void) | undefined;
  /** Hears of rows that could not be written. */
  onLogError?: ((error: unknown) => void) | undefined;
  /** How much of the log to keep; the store's defaults otherwise. */
  budget?: LogBudget | undefined;
}

export function requestLogger(store: Store, { now, onLogged, onLogError, budget }: RequestLoggerOptions) {
  const log = new BufferedRequestLog(store, { onError: onLogError, budget });
  return (req: Request, res: Response, exchange: ScimExchange): void => {
    const started = performance.now();
    const time = now();
    res.on('finish', () => {
      const queryAt = req.originalUrl.indexOf('?');
      try {
        const body = loggedBody(exchange);
        const entry: LogEntry = {
          time,
          directoryId: exchange.loggedDirectoryId,
          method: req.method,
          path: queryAt < 0 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
          query: queryAt < 0 ? null : decodeQuery(hideCredentials(req.originalUrl.slice(queryAt + 1))),
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          errorKind: exchange.errorKind,
          requestBody: body,
          responseBody: loggedResponse(exchange.responseBody),
          userAgent: req.get('user-agent') ?? null,
          remoteAddress: req.socket.remoteAddress ?? null,
          requestKey: exchange.requestKey,
        };
        log.append(entry);
        onLogged?.(entry);
      } catch {
        // The database may be closing during shutdown; losing one log row beats crashing.
      }
    });
  };
}

/**
 * The body as the client sent it, byte-exact, unless it holds a write-only attribute: then a
 * re-serialisation with those values redacted. The substring test keeps ordinary bodies unparsed.
 */
function loggedBody(exchange: ScimExchange): string | null {
  const raw = exchange.rawRequestBody;
  if (raw === undefined) return null;
  const text = String(raw);
  const body = mayHoldWriteOnly(text) ? redactWriteOnly(text) : text;
  return exchange.requestBodyTruncated ? body + TRUNCATED_MARKER : body;
}

/** Query parameters that carry a credential (RFC 6750 §2.3's access_token and its cousins). */
const CREDENTIAL_PARAM = /^(access_token|token|api_?key|client_secret|bearer|auth|authorization)$/i;

/**
 * The raw query with the value of every credential parameter replaced: scimctl takes tokens only in
 * the Authorization header, but a client that puts one in the URL must not see it land in the log.
 */
function hideCredentials(rawQuery: string): string {
  return rawQuery
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed name is kept as it came.
      }
      return at >= 0 && CREDENTIAL_PARAM.test(decoded.trim()) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * The answer as sent, unless it echoes a key named like a write-only attribute: the server never
 * returns `password` itself, but an attribute it does not model (an extension's own `password`,
 * say) is stored and returned as the client sent it, and must not reach the log either.
 */
function loggedResponse(body: string | undefined): string | null {
  if (body === undefined) return null;
  return mayHoldWriteOnly(body) ? redactWriteOnly(body) : body;
}

function decodeQuery(query: string): string {
  try {
    return decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return query;
  }
}
