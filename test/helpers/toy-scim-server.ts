/**
 * A small in-memory SCIM 2.0 server (plain node:http) that `scimctl test` is pointed at in tests:
 * correct enough to pass what Entra ID and Okta send, with switchable flaws that each break one
 * thing a real client depends on, so a test can check the flaw is reported at the right step.
 *
 *   const toy = await startToyScimServer({ flaws: ['patch-500'] });
 *   // scimctl test `${toy.baseUrl}` --token toy.token
 *
 * Everything is served under any path prefix (baseUrl ends in /scim/v2): a route is recognised by
 * its last segments (`…/Users`, `…/Users/{id}`, `…/ServiceProviderConfig`), in any case, and
 * Entra's `?aadOptscim062020` flag pasted into the tenant URL is tolerated where it lands.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScimError } from '../../src/scim/errors.js';
import { ENTERPRISE_USER_SCHEMA, type ResourceKind } from '../../src/scim/schemas.js';
import { MAX_RESULTS, listResponse, resourceTypes, schemas, serviceProviderConfig } from './toy-scim/discovery.js';
import { getCI, isObject, matchesResource, parseFilter, type Json } from './toy-scim/filter.js';
import { applyPatch, isStringBoolean } from './toy-scim/patch.js';
import { Directory, ENDPOINT, project } from './toy-scim/resources.js';

export type Flaw =
  /** List endpoints ignore `filter` and return every resource. */
  | 'ignore-filter'
  /** POST answers 201 with the resource but without `id` (nor meta.location or a Location header). */
  | 'create-without-id'
  /** A PATCH carrying a string boolean ("False"/"True") as a value gets 400 invalidValue. */
  | 'reject-string-boolean'
  /** Every PATCH answers 500 with an Error body. */
  | 'patch-500'
  /** The enterprise extension is never stored, so responses lack it. */
  | 'drop-enterprise'
  /** Every request, any method and path, answers 200 with `{}` as application/json. */
  | 'ok-to-everything';

export interface ToyScimOptions {
  flaws?: Flaw[];
  /** The bearer token to require; a random one by default. */
  token?: string;
}

export interface ToyScimServer {
  /** `http://127.0.0.1:<port>/scim/v2`: what an admin would paste as the tenant URL. */
  baseUrl: string;
  token: string;
  close(): Promise<void>;
  /** How many users/groups are stored now, so a test can check that a run cleaned up after itself. */
  users(): number;
  groups(): number;
}

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const KINDS: Record<string, ResourceKind> = { users: 'User', groups: 'Group' };
const DISCOVERY = new Set(['serviceproviderconfig', 'serviceproviderconfigs', 'resourcetypes', 'schemas']);

export async function startToyScimServer(options: ToyScimOptions = {}): Promise<ToyScimServer> {
  const flaws = new Set(options.flaws ?? []);
  const token = options.token ?? `toy_${randomBytes(16).toString('hex')}`;
  const directory = new Directory(flaws.has('drop-enterprise'));

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const scim = error instanceof ScimError ? error : new ScimError(500, undefined, `toy server bug: ${String(error)}`);
      send(res, scim.status, scim.toJSON());
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (flaws.has('ok-to-everything')) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    // Entra appends paths to the tenant URL as pasted, so `…/v2?aadOptscim062020/Users?filter=…` arrives.
    // …or, from a client that merges queries, `…/Users?aadOptscim062020&filter=…`: the rest stays the query.
    const raw = (req.url ?? '/').replace(/\?aadOptscim062020(&|(?=[/?]|$))/i, (_flag, amp: string) => (amp ? '?' : ''));
    const url = new URL(raw, 'http://toy');
    const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
    const route = findRoute(segments);
    const base = `http://${req.headers.host ?? 'localhost'}/${route.prefix.map(encodeURIComponent).join('/')}`.replace(/\/$/, '');
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!auth || auth[1] !== token) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="toy-scim"');
      throw new ScimError(401, undefined, 'a valid bearer token is required');
    }
    if (route.endpoint === undefined) throw new ScimError(404, undefined, `no SCIM endpoint at ${url.pathname}`);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ScimError(400, 'invalidSyntax', 'the request body is not valid JSON');
      }
    }
    const method = req.method ?? 'GET';
    const kind = KINDS[route.endpoint];
    if (kind === undefined) {
      if (method !== 'GET') throw new ScimError(405, undefined, `${method} is not supported on /${route.endpoint}`);
      return send(res, 200, discovery(route.endpoint, route.id, base));
    }
    if (route.id === undefined) {
      if (method === 'GET') return send(res, 200, list(kind, url.searchParams, base));
      if (method === 'POST') return create(res, kind, body, base);
      throw new ScimError(405, undefined, `${method} is not supported on /${ENDPOINT[kind]}`);
    }
    const id = route.id;
    if (method === 'PATCH' && flaws.has('patch-500')) throw new ScimError(500, undefined, 'internal error while applying the patch');
    const stored = directory.map(kind).get(id);
    if (stored === undefined) throw new ScimError(404, undefined, `${kind} ${id} not found`);
    switch (method) {
      case 'GET':
        return send(res, 200, project(directory.render(kind, stored, base), names(url.searchParams, 'attributes'), names(url.searchParams, 'excludedAttributes')));
      case 'PUT': {
        const next = directory.fromBody(kind, body);
        directory.check(kind, next, id);
        directory.save(kind, { ...next, meta: stored.meta }, id);
        return send(res, 200, directory.render(kind, directory.map(kind).get(id)!, base));
      }
      case 'PATCH': {
        if (flaws.has('reject-string-boolean') && hasStringBoolean(body)) {
          throw new ScimError(400, 'invalidValue', 'booleans must be true or false, not strings');
        }
        const next = structuredClone(stored);
        applyPatch(next, body, { kind, ignoreEnterprise: flaws.has('drop-enterprise') });
        directory.check(kind, next, id);
        directory.save(kind, next, id);
        // Entra expects 204 for group PATCHes (a member list can be large) and accepts 200 with the user.
        if (kind === 'Group') return send(res, 204);
        return send(res, 200, directory.render(kind, directory.map(kind).get(id)!, base));
      }
      case 'DELETE':
        directory.delete(kind, id);
        return send(res, 204);
      default:
        throw new ScimError(405, undefined, `${method} is not supported on /${ENDPOINT[kind]}/{id}`);
    }
  }

  function create(res: ServerResponse, kind: ResourceKind, body: unknown, base: string): void {
    const resource = directory.fromBody(kind, body);
    directory.check(kind, resource, undefined);
    const id = directory.save(kind, resource);
    const rendered = directory.render(kind, directory.map(kind).get(id)!, base);
    if (flaws.has('create-without-id')) {
      // Nothing in the answer may give the id away, or a client reading meta.location or the
      // Location header would paper over the flaw this exists to show.
      delete rendered.id;
      delete (rendered.meta as Json).location;
    } else res.setHeader('Location', String((rendered.meta as Json).location));
    send(res, 201, rendered);
  }

  function list(kind: ResourceKind, query: URLSearchParams, base: string): Json {
    const filterText = query.get('filter');
    // Parsed even when ignored, so the ignore-filter flaw still refuses a malformed filter like a real server would.
    const filter = filterText === null ? undefined : parseFilter(filterText);
    let resources = [...directory.map(kind).values()].map((r) => directory.render(kind, r, base));
    if (filter && !flaws.has('ignore-filter')) resources = resources.filter((r) => matchesResource(filter, r, kind));
    const sortBy = query.get('sortBy');
    if (sortBy) {
      const descending = (query.get('sortOrder') ?? '').toLowerCase() === 'descending';
      const key = (r: Json) => String(sortValue(r, sortBy) ?? '').toLowerCase();
      resources.sort((a, b) => key(a).localeCompare(key(b)) * (descending ? -1 : 1));
    }
    const startIndex = Math.max(1, integer(query.get('startIndex')) ?? 1);
    const count = Math.min(MAX_RESULTS, Math.max(0, integer(query.get('count')) ?? MAX_RESULTS));
    const page = resources.slice(startIndex - 1, startIndex - 1 + count);
    const attributes = names(query, 'attributes');
    const excluded = names(query, 'excludedAttributes');
    return listResponse(page.map((r) => project(r, attributes, excluded)), resources.length, startIndex);
  }

  function discovery(endpoint: string, id: string | undefined, base: string): Json {
    const withEnterprise = !flaws.has('drop-enterprise');
    if (endpoint.startsWith('serviceproviderconfig')) return serviceProviderConfig(base);
    const all = endpoint === 'schemas' ? schemas(base, withEnterprise) : resourceTypes(base, withEnterprise);
    if (id === undefined) return listResponse(all, all.length, 1);
    const one = all.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
    if (one === undefined) throw new ScimError(404, undefined, `${id} not found`);
    return one;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    token,
    users: () => directory.users.size,
    groups: () => directory.groups.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

/** `{endpoint, id}` from the last path segments; everything before them is the tenant's prefix. */
function findRoute(segments: string[]): { prefix: string[]; endpoint: string | undefined; id: string | undefined } {
  const last = segments.at(-1)?.toLowerCase() ?? '';
  const previous = segments.at(-2)?.toLowerCase() ?? '';
  if (last in KINDS || DISCOVERY.has(last)) return { prefix: segments.slice(0, -1), endpoint: last, id: undefined };
  if (previous in KINDS || previous === 'schemas' || previous === 'resourcetypes') {
    return { prefix: segments.slice(0, -2), endpoint: previous, id: segments.at(-1) };
  }
  return { prefix: segments, endpoint: undefined, id: undefined };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': SCIM_JSON }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const names = (query: URLSearchParams, key: string): string[] =>
  (query.get(key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function integer(text: string | null): number | undefined {
  const n = text === null ? NaN : Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : undefined;
}

function sortValue(resource: Json, path: string): unknown {
  let value: unknown = resource;
  const rest = path.toLowerCase().startsWith(ENTERPRISE_USER_SCHEMA.toLowerCase() + ':')
    ? [ENTERPRISE_USER_SCHEMA, path.slice(ENTERPRISE_USER_SCHEMA.length + 1)]
    : path.split('.');
  for (const part of rest) {
    if (Array.isArray(value)) value = value.find((e) => isObject(e) && e.primary === true) ?? value[0];
    value = isObject(value) ? getCI(value, part) : undefined;
  }
  return value;
}

/** Any string "True"/"False" among the operations' values, path-less objects included. */
function hasStringBoolean(body: unknown): boolean {
  const operations = isObject(body) ? getCI(body, 'Operations') : undefined;
  if (!Array.isArray(operations)) return false;
  const walk = (value: unknown): boolean =>
    isStringBoolean(value) || (Array.isArray(value) ? value.some(walk) : isObject(value) ? Object.values(value).some(walk) : false);
  return operations.some((op) => isObject(op) && walk(getCI(op, 'value')));
}
