import type { Request } from 'express';
import { badRequest } from '../scim/errors.js';
import { parseFilter } from '../scim/filter/parser.js';
import type { Filter } from '../scim/filter/ast.js';
import { parseProjection, type Projection } from '../scim/projection.js';
import type { ResourceKind } from '../scim/schemas.js';
import { keywordInAnyCase, queryParameterInAnyCase, twiceEncodedFilter } from '../scim/quirks/http.js';

/** Largest page a list request gets; larger `count`s are lowered to it (RFC 7644 §3.4.2.4). */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export interface ListParams {
  filter: Filter | undefined;
  sortBy: string | undefined;
  sortOrder: 'ascending' | 'descending' | undefined;
  startIndex: number;
  count: number;
  projection: Projection | undefined;
}

export type Params = Record<string, unknown>;

const pick = queryParameterInAnyCase;

function integer(params: Params, name: string): number | undefined {
  const raw = pick(params, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest('invalidValue', `${name} must be an integer, got "${raw}"`);
  return Number(raw);
}

export function listParams(kind: ResourceKind, params: Params): ListParams {
  const rawFilter = pick(params, 'filter');
  const sortOrder = keywordInAnyCase(pick(params, 'sortOrder'));
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw badRequest('invalidValue', `sortOrder must be "ascending" or "descending", got "${sortOrder}"`);
  }
  const startIndex = Math.max(1, integer(params, 'startIndex') ?? 1);
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, integer(params, 'count') ?? DEFAULT_PAGE_SIZE));
  return {
    filter: rawFilter && rawFilter.trim() ? parseFilter(twiceEncodedFilter(rawFilter.trim())) : undefined,
    sortBy: pick(params, 'sortBy') || undefined,
    sortOrder: sortOrder as ListParams['sortOrder'],
    startIndex,
    count,
    projection: parseProjection(kind, pick(params, 'attributes'), pick(params, 'excludedAttributes')),
  };
}

/** `attributes` / `excludedAttributes` of a single-resource request (repeated parameters are joined). */
export function projectionParams(kind: ResourceKind, req: Request): Projection | undefined {
  const params = queryParams(req);
  return parseProjection(kind, pick(params, 'attributes'), pick(params, 'excludedAttributes'));
}

/** Did the request ask for a projection (`attributes` or `excludedAttributes`, any case)? */
export function asksForProjection(params: Params): boolean {
  return pick(params, 'attributes') !== undefined || pick(params, 'excludedAttributes') !== undefined;
}

export function queryParams(req: Request): Params {
  return req.query as Params;
}

/** POST /.search bodies carry the same parameters, with attribute lists as arrays. */
export function searchParams(body: unknown): Params {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'a SearchRequest body must be a JSON object');
  return body as Params;
}
