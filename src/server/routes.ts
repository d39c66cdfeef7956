import type { Request, Response } from 'express';
import { ScimError } from '../scim/errors.js';
import { endpointInAnyCase } from '../scim/quirks/http.js';
import type { ScimExchange } from './exchange.js';

/**
 * A SCIM endpoint: the exchange carries the directory, the matched `:id` and what the log needs. It
 * answers synchronously, or returns a promise when it waits for the store's worker thread.
 */
export type RouteHandler = (req: Request, res: Response, exchange: ScimExchange) => void | Promise<void>;

/**
 * The SCIM endpoints under one directory: a fixed set of `/Resource`, `/Resource/.search` and
 * `/Resource/:id` paths, found with one map lookup. A nested express Router tested each route's
 * regex in turn and built merged params on every request, which cost more than the lookups it
 * guarded (`npm run bench`). Matching keeps the Router's defaults: case-insensitive, one optional
 * trailing slash, HEAD answered by the GET route, and `:id` URL-decoded.
 */
export class ScimRoutes {
  private readonly handlers = new Map<string, RouteHandler>();

  get(path: string, handler: RouteHandler): void {
    this.add('GET', path, handler);
  }
  post(path: string, handler: RouteHandler): void {
    this.add('POST', path, handler);
  }
  put(path: string, handler: RouteHandler): void {
    this.add('PUT', path, handler);
  }
  patch(path: string, handler: RouteHandler): void {
    this.add('PATCH', path, handler);
  }
  delete(path: string, handler: RouteHandler): void {
    this.add('DELETE', path, handler);
  }

  /** The handler for `path` (relative to the directory, no query), with `id` when the route has one. */
  match(method: string, path: string): { handler: RouteHandler; id?: string } | undefined {
    const verb = method === 'HEAD' ? 'GET' : method;
    const end = path.length > 1 && path.endsWith('/') ? path.length - 1 : path.length;
    const slash = path.indexOf('/', 1);
    if (slash < 0 || slash >= end) {
      const handler = this.handlers.get(`${verb} ${endpointInAnyCase(path.slice(0, end))}`);
      return handler && { handler };
    }
    const resource = endpointInAnyCase(path.slice(0, slash));
    const segment = path.slice(slash + 1, end);
    if (segment === '' || segment.includes('/')) return undefined;
    const exact = this.handlers.get(`${verb} ${resource}/${endpointInAnyCase(segment)}`);
    if (exact) return { handler: exact };
    const handler = this.handlers.get(`${verb} ${resource}/:id`);
    return handler && { handler, id: decodeSegment(segment) };
  }

  private add(method: string, path: string, handler: RouteHandler): void {
    this.handlers.set(`${method} ${endpointInAnyCase(path)}`, handler);
  }
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ScimError(400, 'invalidSyntax', `the path segment "${segment}" is not valid percent-encoding`);
  }
}
