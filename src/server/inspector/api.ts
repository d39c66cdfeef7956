import express, { type NextFunction, type Request, type Response } from 'express';
import { parseFilter } from '../../scim/filter/parser.js';
import { renderResource } from '../../scim/render.js';
import { REDACTED } from '../../scim/redact.js';
import { isTruncatedLogBody, parseLogId, type LogQuery, type LogRecord, type StoredResource, type Store } from '../../store/index.js';
import { eventJson } from '../../webhooks/payload.js';
import { toScimError } from '../errors.js';
import { apiScope, count, InspectorError, MAX_PAGE, PAGE, param, servedDirectoryIds, statusFilter, summary, wrap, type ApiScope } from './api-common.js';
import { explainStatus } from './explain.js';
import type { Secret } from '../../core/tokens.js';
import { sameOriginWithSecret } from './guard.js';
import { patchView } from './patch-view.js';
import { replay, type ReplayTarget } from './replay.js';

export interface InspectorApiOptions {
  store: Store;
  serves: (directoryId: string) => boolean;
  secret: Secret;
  /** The credential replayed requests carry; see replay.ts. */
  replayTarget: (req: Request) => ReplayTarget;
  /** How often the live feed looks for new log rows. */
  pollMs?: number;
  onInternalError: (error: unknown) => void;
}

/**
 * The inspector's JSON API (mounted at /_inspector/api, loopback Host only). Reads are plain GETs:
 * another origin's page cannot read them (no CORS headers), and a rebinding page fails the Host
 * check. Nothing here returns a token, its hash, an API key or a signing secret: request log rows
 * never hold headers, and directories show only whether they have a token.
 */
export function inspectorApi(options: InspectorApiOptions): express.Router {
  const { store, serves } = options;
  const router = express.Router();
  const scope = apiScope(store, serves);
  routeRequests(router, scope, options);
  routeDirectories(router, scope);
  router.get('/stream', (req: Request, res: Response, next: NextFunction) => {
    let filters: LogFilters;
    try {
      filters = logFilters(scope, req);
    } catch (error) {
      return next(error);
    }
    liveFeed(store, serves, filters, options.pollMs ?? 250, req, res);
  });
  routeErrors(router, options.onInternalError);
  return router;
}

/** The request log: a filtered page of it, one request with its events, and sending one again. */
function routeRequests(router: express.Router, scope: ApiScope, options: InspectorApiOptions): void {
  router.get('/requests', wrap((req) => requestPage(scope, req)));
  router.get('/requests/:id', wrap((req) => requestDetail(scope, req.params.id as string)));
  router.post('/requests/:id/replay', sameOriginWithSecret(options.secret), (req: Request, res: Response, next: NextFunction) => {
    try {
      const r = scope.record(req.params.id as string);
      const why = replayable(r);
      if (why !== true) throw new InspectorError(409, why);
      replay(options.replayTarget(req), r).then((result) => res.json(result), next);
    } catch (error) {
      next(error);
    }
  });
}

type LogFilters = Pick<LogQuery, 'directoryId' | 'status' | 'method' | 'errorKind' | 'text'>;

/** The log filters of a list or live-feed request (directory, status, method, errorKind, q), the same for both. */
function logFilters({ directoryOf }: ApiScope, req: Request): LogFilters {
  const directory = param(req, 'directory');
  if (directory !== undefined) directoryOf(directory);
  return { directoryId: directory, status: statusFilter(param(req, 'status')), method: param(req, 'method'), errorKind: param(req, 'errorKind'), text: param(req, 'q') };
}

/** A page of the log: up to `limit` rows of the served directories that pass the query's filters, before `before` if given. */
function requestPage(scope: ApiScope, req: Request) {
  const { store, serves } = scope;
  // Read first: a live feed that follows the page from here misses nothing written meanwhile.
  const lastSeq = store.requestLog.lastSeq();
  const limit = count(req, 'limit', PAGE, MAX_PAGE);
  const filters = logFilters(scope, req);
  const before = param(req, 'before');
  const beforeSeq = before === undefined ? undefined : parseLogId(before);
  if (before !== undefined && beforeSeq === undefined) throw new InspectorError(400, 'before must be a request id such as req_42');
  // A serve of some directories reads only their rows.
  const items = store.requestLog.query({ ...filters, directoryIds: servedDirectoryIds(store, serves), beforeSeq, limit: limit + 1 });
  const more = items.length > limit;
  const page = items.slice(0, limit);
  return { items: page.map(summary), next: more ? page[page.length - 1]!.id : null, lastSeq };
}

async function requestDetail({ store, record }: ApiScope, id: string) {
  const { requestKey, ...r } = record(id);
  const seq = parseLogId(r.id)!;
  const events = await store.events.ofRequest(requestKey);
  const causedEvents = requestKey !== null;
  return {
    ...r,
    seq,
    explanation: explainStatus(r.status),
    replayable: replayable(r),
    events: events.map((e) => JSON.parse(eventJson(e)) as unknown),
    eventsTrimmed: causedEvents && events.length === 0,
    patch: r.method === 'PATCH' ? patchView(r.requestBody, events, { status: r.status, causedEvents, ofGroup: /\/groups\//i.test(r.path) }) : null,
  };
}

/** The served directories, and the users and groups of each (a page of them, or one with its history). */
function routeDirectories(router: express.Router, scope: ApiScope): void {
  router.get('/directories', wrap(() => directoryList(scope)));

  for (const kind of ['users', 'groups'] as const) {
    const repo = kind === 'users' ? scope.store.users : scope.store.groups;
    router.get(`/directories/:dir/${kind}`, wrap((req) => resourcePage(scope, repo, kind, req)));
    router.get(`/directories/:dir/${kind}/:id`, wrap((req) => resourceDetail(scope, repo, kind, req)));
  }
}

function directoryList({ store, serves }: ApiScope) {
  const items = store.directories.list().filter((d) => serves(d.id));
  return {
    items: items.map((d) => {
      const { userCount, groupCount } = store.directories.counts(d.id);
      const last = store.requestLog.query({ directoryId: d.id, limit: 1 })[0];
      return {
        id: d.id,
        name: d.name,
        organizationId: d.organizationId,
        environmentId: d.environmentId,
        baseUrl: d.baseUrl,
        hasToken: d.hasToken,
        tokenCreatedAt: d.tokenCreatedAt,
        userCount,
        groupCount,
        lastRequest: last ? summary(last) : null,
      };
    }),
  };
}

type Repository = Store['users'] | Store['groups'];

async function resourcePage({ directoryOf }: ApiScope, repo: Repository, kind: 'users' | 'groups', req: Request) {
  const directoryId = directoryOf(req.params.dir as string).id;
  const text = param(req, 'filter');
  const perPage = count(req, 'count', PAGE, MAX_PAGE);
  const startIndex = count(req, 'startIndex', 1, Number.MAX_SAFE_INTEGER);
  // A filter that must read the whole directory runs on the listing worker, with its deadline, as SCIM lists do.
  const query = { filter: text === undefined ? undefined : parseFilter(text), startIndex, count: perPage, includeDeleted: param(req, 'deleted') === 'true' };
  const result = await repo.listOffThread(directoryId, query);
  return { total: result.total, startIndex, items: result.resources.map((r) => listRow(kind, r)) };
}

async function resourceDetail({ store, directoryOf }: ApiScope, repo: Repository, kind: 'users' | 'groups', req: Request) {
  const directory = directoryOf(req.params.dir as string);
  const id = req.params.id as string;
  // Deleted ones too: the lists show them, and their page says when they went.
  const resource = repo.locate(id);
  if (resource?.directoryId !== directory.id) throw new InspectorError(404, `no ${kind === 'users' ? 'user' : 'group'} ${id} in directory ${directory.id}`);
  // Both read whole tables: on the listing worker, in parallel.
  const [requests, events] = await Promise.all([store.requestLog.touching(id, 100), store.events.aboutResource(id, 100)]);
  return {
    // As GET /Users/{id} renders it; memberships come separately, below.
    resource: renderResource(kind === 'users' ? 'User' : 'Group', resource, directory.baseUrl, undefined),
    deletedAt: resource.deletedAt,
    memberships: kind === 'users' ? store.users.groupsOf(id) : store.groups.members(id),
    requests: requests.map(summary),
    events: events.map((e) => ({ id: e.id, type: e.type, createdAt: e.createdAt, requestId: e.requestId, memberId: e.memberId })),
  };
}

/** Unknown routes answer 404; errors answer JSON, and only unexpected ones are reported. */
function routeErrors(router: express.Router, onInternalError: (error: unknown) => void): void {
  router.use((req: Request, _res: Response, next: NextFunction) => next(new InspectorError(404, `no inspector route ${req.method} ${req.path}`)));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = toKnown(error);
    if (!known) onInternalError(error);
    if (res.headersSent) return void res.end();
    const e = known ?? new InspectorError(500, 'internal error; see the serve output');
    res.status(e.status).json({ error: e.status >= 500 ? 'internal' : 'request', message: e.message });
  });
}

/** An InspectorError, or what the SCIM side answers for the same error (a filter too costly to run, a busy database); undefined for a bug. */
function toKnown(error: unknown): InspectorError | undefined {
  if (error instanceof InspectorError) return error;
  const scim = toScimError(error);
  return scim.status === 500 ? undefined : new InspectorError(scim.status, scim.detail);
}

/** true, or why the request cannot be sent again. */
function replayable(r: Pick<LogRecord, 'status' | 'directoryId' | 'requestBody'>): true | string {
  // Replay authenticates as the directory: a request its sender could not authenticate (anyone, say
  // through the public tunnel) would become a real, authenticated write.
  if (r.status === 401 || r.status === 403) return `the request was refused (${r.status}) when it was sent, and replay would send it authenticated as the directory, so it is not sent again`;
  if (r.directoryId === null) return 'the request named no known directory';
  if (r.requestBody !== null && isTruncatedLogBody(r.requestBody)) return 'the logged body was cut short, so it cannot be sent again';
  // A password is never logged: sent again, the placeholder would become the user's password.
  if (r.requestBody?.includes(JSON.stringify(REDACTED))) return 'the logged body held a password, which is never stored, so it cannot be sent again';
  return true;
}

function listRow(kind: 'users' | 'groups', r: StoredResource) {
  const a = r.attributes;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return kind === 'users'
    ? { id: r.id, userName: text(a.userName), displayName: text(a.displayName), externalId: text(a.externalId), active: a.active !== false, deletedAt: r.deletedAt, updatedAt: r.updatedAt }
    : { id: r.id, displayName: text(a.displayName), externalId: text(a.externalId), deletedAt: r.deletedAt, updatedAt: r.updatedAt };
}

/**
 * Server-Sent Events: one `request` event per new log row of a served directory that passes the
 * filters (the list's own: directory, status, method, errorKind, q, which searches both bodies too),
 * found by polling the log for rows after the last one read (so rows written by another serve on
 * the same database show too). Last-Event-ID (or `?after=req_N`) resumes; by default the feed
 * starts at the newest row.
 */
function liveFeed(store: Store, serves: (id: string) => boolean, filters: LogFilters, pollMs: number, req: Request, res: Response): void {
  // A browser's EventSource resumes after a drop with Last-Event-ID (the id of the last row it got).
  const resume = req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
  const after = resume === undefined ? undefined : parseLogId(resume);
  const state = { seq: after ?? store.requestLog.lastSeq(), sinceBeat: 0 };
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', 'X-Accel-Buffering': 'no' });
  res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ lastSeq: state.seq })}\n\n`);
  const directoryIds = servedDirectoryIds(store, serves);
  const tick = () => {
    try {
      // serve is shutting down (the listener is closed): end the stream so shutdown need not wait for it.
      if (!store.isOpen || !listening(req)) {
        clearInterval(timer);
        res.end();
        return;
      }
      // Up to the newest row now: rows the filters pass over are read once, not on every tick.
      const last = store.requestLog.lastSeq();
      const rows = store.requestLog.query({ ...filters, directoryIds, afterSeq: state.seq, beforeSeq: last + 1, limit: 200 });
      for (const r of rows) res.write(`id: ${r.id}\nevent: request\ndata: ${JSON.stringify(summary(r))}\n\n`);
      state.seq = rows.length === 200 ? parseLogId(rows[199]!.id)! : Math.max(state.seq, last);
      if ((state.sinceBeat += pollMs) >= 15_000) {
        state.sinceBeat = 0;
        res.write(': keep-alive\n\n');
      }
    } catch {
      // A locked or closing database: try again on the next tick.
    }
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  req.on('close', () => clearInterval(timer));
}

function listening(req: Request): boolean {
  const server = (req.socket as { server?: { listening?: boolean } }).server;
  return server?.listening !== false;
}