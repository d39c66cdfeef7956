import type { Request, Response } from 'express';
import { BufferedRequestLog, type LogEntry, type Store } from '../store/index.js';
import type { ScimExchange } from './exchange.js';

/**
 * Writes one request_log row per SCIM request when the response finishes. Headers are not
 * stored at all, so the Authorization header (the token) can never reach the log.
 */
export function requestLogger(store: Store, now: () => string, onLogged?: (entry: LogEntry) => void, onLogError?: (error: unknown) => void) {
  const log = new BufferedRequestLog(store, { onError: onLogError });
  return (req: Request, res: Response, exchange: ScimExchange): void => {
    const started = performance.now();
    const time = now();
    res.on('finish', () => {
      const queryAt = req.originalUrl.indexOf('?');
      const raw = exchange.rawRequestBody;
      const body = raw === undefined ? null : String(raw);
      try {
        const entry: LogEntry = {
          time,
          directoryId: exchange.loggedDirectoryId,
          method: req.method,
          path: queryAt < 0 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
          query: queryAt < 0 ? null : decodeQuery(req.originalUrl.slice(queryAt + 1)),
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          errorKind: exchange.errorKind,
          requestBody: body,
          responseBody: exchange.responseBody ?? null,
          userAgent: req.get('user-agent') ?? null,
          remoteAddress: req.socket.remoteAddress ?? null,
        };
        log.append(entry);
        onLogged?.(entry);
      } catch {
        // The database may be closing during shutdown; losing one log row beats crashing.
      }
    });
  };
}

function decodeQuery(query: string): string {
  try {
    return decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return query;
  }
}
