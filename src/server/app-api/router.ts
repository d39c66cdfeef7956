import express, { type Request, type Response } from 'express';
import type { Store } from '../../store/index.js';
import { runWaitingForLock } from '../lock-wait.js';
import { authenticateKey, requireManagement, type Grant } from './auth.js';
import { apiErrorMiddleware, notFound } from './errors.js';
import { listEvents } from './events.js';
import * as management from './management.js';
import { PageTokens } from './page-token.js';
import * as scim from './scim-reads.js';
import { JsonText } from './shapes.js';

function send(res: Response, body: unknown): void {
  if (body instanceof JsonText) res.type('application/json').send(body.text);
  else res.json(body);
}

/** Bodies of the app API are an organization or a directory: a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

type Handler = (grant: Grant, req: Request) => unknown;

/**
 * The app API under /v1: SSOReady's REST API (the routes its SDKs call), so an app written against
 * SSOReady reads what the IdP provisioned here unchanged. The key is checked before the body is read.
 */
export function appApiRouter(store: Store, onInternalError: (error: unknown, req: Request) => void, serves?: (directoryId: string) => boolean): express.Router {
  const tokens = new PageTokens(store.appReads.pageTokenKey());
  const parseJson = express.json({ type: () => true, limit: MAX_BODY_BYTES });
  const router = express.Router();
  // The key is checked first, for every path: before the route decodes its `:id` or reads a body.
  const grants = new WeakMap<Request, Grant>();
  router.use((req: Request, _res: Response, next: (error?: unknown) => void) => {
    try {
      grants.set(req, authenticateKey(store, req, serves));
      next();
    } catch (error) {
      next(error);
    }
  });

  const route = (writes: boolean, managementOnly: boolean, handler: Handler) => (req: Request, res: Response, next: (error?: unknown) => void) => {
    try {
      const grant = grants.get(req)!;
      if (managementOnly) requireManagement(grant);
      const run = () => runWaitingForLock(store, writes, () => send(res, handler(grant, req)), res, next);
      if (writes) parseJson(req, res, (error?: unknown) => (error === undefined ? run() : next(error)));
      else run();
    } catch (error) {
      next(error);
    }
  };
  const read = (handler: Handler) => route(false, false, handler);
  const manage = (writes: boolean, handler: Handler) => route(writes, true, handler);
  const id = (req: Request) => req.params.id as string;

  router.get('/scim/users', read((g, req) => scim.listScimUsers(store, tokens, g, req)));
  router.get('/scim/users/:id', read((g, req) => scim.getScimUser(store, g, id(req))));
  router.get('/scim/groups', read((g, req) => scim.listScimGroups(store, tokens, g, req)));
  router.get('/scim/groups/:id', read((g, req) => scim.getScimGroup(store, g, id(req))));

  router.get('/events', read((g, req) => listEvents(store, g, req)));

  router.get('/organizations', manage(false, (g, req) => management.listOrganizations(store, tokens, g, req)));
  router.post('/organizations', manage(true, (g, req) => management.createOrganization(store, g, req)));
  router.get('/organizations/:id', manage(false, (g, req) => management.getOrganization(store, g, id(req))));
  router.patch('/organizations/:id', manage(true, (g, req) => management.updateOrganization(store, g, id(req), req)));

  router.get('/scim-directories', manage(false, (g, req) => management.listScimDirectories(store, tokens, g, req)));
  router.post('/scim-directories', manage(true, (g, req) => management.createScimDirectory(store, g, req)));
  router.get('/scim-directories/:id', manage(false, (g, req) => management.getScimDirectory(store, g, id(req))));
  router.patch('/scim-directories/:id', manage(true, (g, req) => management.updateScimDirectory(store, g, id(req), req)));
  router.post('/scim-directories/:id/rotate-bearer-token', manage(true, (g, req) => management.rotateBearerToken(store, g, id(req))));

  router.use((req: Request, _res: Response, next: (error?: unknown) => void) => next(notFound(`no route ${req.method} /v1${req.path} in the app API`)));
  router.use(apiErrorMiddleware(onInternalError));
  return router;
}
