import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { appApiRouter } from './app-api/router.js';
import { discoveryRoutes } from './discovery.js';
import { Secret } from '../core/tokens.js';
import { inspectorRoutes } from './inspector/index.js';
import { authenticate, refuseUnauthenticated } from './auth.js';
import { errorMiddleware, notFoundHandler } from './errors.js';
import { Exchanges, type ScimExchange } from './exchange.js';
import { MAX_JSON_DEPTH, bytesNestDeeperThan } from '../core/json-depth.js';
import { baseUrlFor, SCIM_PATH } from '../core/urls.js';
import { badRequest } from '../scim/errors.js';
import { entraFlagBeforePath } from '../scim/quirks/http.js';
import { runWaitingForLock } from './lock-wait.js';
import { requestLogger } from './request-logger.js';
import { resourceRoutes } from './resources.js';
import { rootSearchRoutes } from './root-search.js';
import { ScimRoutes } from './routes.js';
import type { ServerContext } from './context.js';
import type { LogBudget, LogEntry, Store } from '../store/index.js';

/** Request bodies above this are refused with 413 tooLarge (a 40k-member PATCH fits comfortably). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface AppOptions {
  store: Store;
  clock?: () => Date;
  /** The public URL clients use (tunnel or --public-url); otherwise taken from the request's Host. */
  publicUrl?: () => string | undefined;
  maxBodyBytes?: number;
  /** Called for real bugs (500s) and for request-log batches that could not be written, e.g. to print them on the server's stderr. */
  onInternalError?: (error: unknown, req?: Request) => void;
  /** Called after each request is logged, e.g. to print a line per request. */
  onRequest?: (entry: LogEntry) => void;
  /** How much of the request log to keep (rows and body bytes); the store's defaults otherwise. */
  logBudget?: LogBudget;
  /** Local-only routes (health check). Off for the app a tunnel exposes: only SCIM is public. */
  localRoutes?: boolean;
  /**
   * The app API (SSOReady-compatible, under /v1). On by default with the local routes; the app a
   * tunnel exposes serves it only when asked (serve --public-api).
   */
  appApi?: boolean;
  /**
   * The live web inspector at / and /_inspector (loopback Host only). On by default with the local
   * routes (serve --no-inspector turns it off); never on the app a tunnel exposes.
   */
  inspector?: boolean;
  /** How often the inspector's live feed looks for new log rows (ms; 250 by default). */
  inspectorPollMs?: number;
  /** Only these directories answer (serve --env/--directory); any other answers like an unknown id. All by default. */
  serves?: (directoryId: string) => boolean;
  /**
   * A secret of this process that authenticates as any served directory, for a client in the same
   * process that cannot know a directory's token (only its hash is stored): `scimctl trigger`.
   */
  internalCredential?: Secret;
}


/** The SCIM app: no listen, no globals; everything it touches comes in through `options`. */
export function createApp(options: AppOptions): express.Express {
  const ctx = serverContext(options);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const routes = new ScimRoutes();
  resourceRoutes(routes, ctx);
  rootSearchRoutes(routes, ctx);
  discoveryRoutes(routes, ctx, maxBodyBytes);
  const exchanges = new Exchanges();
  const onInternalError = options.onInternalError ?? ((error: unknown) => console.error(error));
  const logWhenFinished = requestLogger(options.store, { now: ctx.now, onLogged: options.onRequest, onLogError: onInternalError, budget: options.logBudget });
  const local = options.localRoutes ?? true;
  // The inspector's replays authenticate with this (see inspector/replay.ts); only the local app has one.
  const replayCredential = local && (options.inspector ?? true) ? new Secret() : undefined;
  const credentials = [replayCredential, options.internalCredential].filter((c): c is Secret => c !== undefined);
  const directory = directoryHandler(options.store, routes, exchanges, maxBodyBytes, options.serves, credentials);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  if (local) app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  if (replayCredential) {
    inspectorRoutes(app, { store: options.store, serves: options.serves ?? (() => true), replayCredential, onInternalError, pollMs: options.inspectorPollMs });
  }
  if (options.appApi ?? local) app.use('/v1', appApiRouter(options.store, onInternalError, options.serves));
  // One mounted function, not three: express matches the mount path again for each one.
  app.use(`${SCIM_PATH}/:directoryId`, (req, res, next) => {
    rewriteEntraFlag(req);
    const exchange = exchanges.open(req, req.params.directoryId as string);
    logWhenFinished(req, res, exchange);
    directory(req, res, next, exchange);
  });
  app.use(notFoundHandler);
  app.use(errorMiddleware(exchanges, onInternalError));
  return app;
}

function serverContext(options: AppOptions): ServerContext {
  const { store } = options;
  const clock = options.clock ?? (() => new Date());
  const origin = (req: Request) => options.publicUrl?.() ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const { users, groups } = store;
  return {
    store,
    users,
    groups,
    relations: { groupsOf: (userId) => users.groupsOf(userId), members: (groupId) => groups.members(groupId) },
    now: () => clock().toISOString(),
    baseUrl: (req, exchange) => (exchange.baseUrl ??= baseUrlFor(origin(req), exchange.directorySegment)),
  };
}

/**
 * Everything under one directory: the token, then the body (if any), then the route, so a wrong
 * token answers 401 whatever the path or body, and costs no more than reading the headers. The
 * handler runs under the lock wait.
 */
function directoryHandler(store: Store, routes: ScimRoutes, exchanges: Exchanges, maxBodyBytes: number, serves: ((directoryId: string) => boolean) | undefined, credentials: readonly Secret[]) {
  const checkToken = authenticate(store, serves, credentials);
  // The log keeps the body exactly as the client sent it, not a re-serialisation of what was parsed
  // (unless it holds a password: see the request logger). The checks run here because this hook sees
  // the bytes before JSON.parse does: bytes that are not valid UTF-8 (the decoder would silently store
  // U+FFFD for them) and nesting deeper than the limit (parsing a body nested millions deep blocks the
  // event loop for seconds; the byte scan takes milliseconds).
  const checkRawBody = (req: IncomingMessage, _res: unknown, buffer: Buffer, encoding: string) => {
    const utf8 = encoding === 'utf-8' || encoding === 'utf8';
    if (utf8 && !isUtf8(buffer)) throw badRequest('invalidSyntax', 'request body is not valid UTF-8; send UTF-8 JSON');
    // A body in another charset (UTF-16, rarely) is checked and logged as the UTF-8 of its text: its
    // own bytes line up with neither ASCII brackets nor the log's password redaction.
    const bytes = utf8 ? buffer : utf8Of(buffer, encoding);
    const exchange = exchanges.of(req);
    if (exchange) exchange.rawRequestBody = bytes;
    if (bytesNestDeeperThan(bytes)) throw badRequest('invalidSyntax', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  };
  const parseJson = express.json({ type: () => true, limit: maxBodyBytes, verify: checkRawBody });
  const dispatch = (req: Request, res: Response, next: NextFunction, exchange: ScimExchange): void => {
    try {
      const found = routes.match(req.method, req.path);
      if (!found) notFoundHandler(req);
      exchange.resourceId = found.id;
      const writes = req.method !== 'GET' && req.method !== 'HEAD';
      runWaitingForLock(store, writes, writes ? () => withEvents(store, exchanges, exchange, () => found.handler(req, res, exchange)) : () => found.handler(req, res, exchange), res, next);
    } catch (thrown) {
      next(thrown);
    }
  };
  return (req: Request, res: Response, next: NextFunction, exchange: ScimExchange): void => {
    try {
      checkToken(req, exchange);
    } catch (unauthorized) {
      refuseUnauthenticated(req, res, exchange, unauthorized, next);
      return;
    }
    // GET and DELETE carry no body; skipping the parser keeps the hottest route (Entra's match GET) lean.
    if (req.method === 'GET' || req.method === 'DELETE') dispatch(req, res, next, exchange);
    else parseJson(req, res, (error?: unknown) => (error === undefined ? dispatch(req, res, next, exchange) : next(error)));
  };
}

/**
 * Run a write, attributing the events it writes to this request: they get its request key, and so
 * does its log row (only when there were events, so reads and failed writes index nothing). Its
 * credential is checked again inside each transaction, once the write lock is held.
 */
function withEvents<T>(store: Store, exchanges: Exchanges, exchange: ScimExchange, handler: () => T): T {
  const key = exchanges.nextRequestKey();
  const before = store.events.written;
  try {
    return store.events.causedBy(key, () => store.checkingWrites(exchange.recheckCredential, handler));
  } finally {
    if (store.events.written !== before) exchange.requestKey = key;
  }
}

/** A body in another charset (UTF-16, rarely) as UTF-8: its own bytes do not line up with ASCII brackets and quotes. */
function utf8Of(buffer: Buffer, encoding: string): Buffer {
  let text: string;
  try {
    text = new TextDecoder(encoding).decode(buffer);
  } catch {
    throw badRequest('invalidSyntax', `unsupported charset "${encoding}"; send UTF-8 JSON`);
  }
  return Buffer.from(text);
}

/** See entraFlagBeforePath: the path a client appended after the flag moves back in front of it. */
function rewriteEntraFlag(req: Request): void {
  const rewritten = entraFlagBeforePath(req.url);
  if (rewritten !== undefined) req.url = rewritten;
}
