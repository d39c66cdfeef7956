import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Everything one SCIM request accumulates on its way through the server: which directory it
 * addressed and was allowed into, the `:id` its route matched, the bodies for the request log and
 * what kind of error it ended in. Created once when the request enters the SCIM mount and handed
 * to the route handler; the logger holds it directly, and express's own callbacks (body parser,
 * error middleware) find it through the app's Exchanges.
 */
export class ScimExchange {
  /** The directory id as written in the URL. */
  readonly directorySegment: string;
  /** Set when the directory exists, even if the token then fails, so the log row is attributed. */
  loggedDirectoryId: string | null = null;
  /** Set once the bearer token matched the directory; handlers only run after that. */
  directoryId = '';
  /**
   * Throws unless the credential that let the request in still would: the directory still exists
   * and, for its own token, still has that token. Run inside the write (see app.ts), so a request
   * that waited for the write lock while the token was rotated or the directory deleted writes nothing.
   */
  recheckCredential: () => void = () => undefined;
  /** The URL-decoded `:id` of `/Resource/:id` routes. */
  resourceId: string | undefined = undefined;
  /** The body exactly as the client sent it, not a re-serialisation of what was parsed. */
  rawRequestBody: Buffer | string | undefined = undefined;
  /** Only a prefix of the body was read (a request whose token failed); the log marks it. */
  requestBodyTruncated = false;
  responseBody: string | undefined = undefined;
  errorKind: string | null = null;
  /** Set when the request caused events; its log row carries it, and the events find the row by it. */
  requestKey: string | null = null;
  /** Worked out on first use: req.protocol re-evaluates the trust-proxy rules on every read. */
  baseUrl: string | undefined = undefined;

  constructor(directorySegment: string) {
    this.directorySegment = directorySegment;
  }
}

/** The exchanges of one app's requests in flight; entries go with their requests (WeakMap). */
export class Exchanges {
  private readonly byRequest = new WeakMap<IncomingMessage, ScimExchange>();
  /** Request keys: unique per app (a random prefix) and cheap (a counter), made only for writes. */
  private readonly keyPrefix = randomBytes(6).toString('base64url');
  private keys = 0;

  nextRequestKey(): string {
    return `${this.keyPrefix}.${++this.keys}`;
  }

  open(req: IncomingMessage, directorySegment: string): ScimExchange {
    const exchange = new ScimExchange(directorySegment);
    this.byRequest.set(req, exchange);
    return exchange;
  }

  /** undefined for requests outside the SCIM mount (e.g. a 404 for an unknown path). */
  of(req: IncomingMessage): ScimExchange | undefined {
    return this.byRequest.get(req);
  }
}
