import { LIST_RESPONSE_SCHEMA, type ResourceKind } from './schemas.js';

/** What the renderer needs of a stored resource; the store's type satisfies it. */
export interface ResourceRecord {
  id: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const etagOf = (version: number) => `W/"${version}"`;

/**
 * The resource as SCIM returns it: `schemas` and `id` first, the stored attributes as sent,
 * then server-owned `meta` with an absolute `location`.
 */
export function renderResource(
  kind: ResourceKind,
  resource: ResourceRecord,
  location: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { schemas, ...attributes } = resource.attributes;
  return {
    schemas,
    id: resource.id,
    ...attributes,
    ...extra,
    meta: {
      resourceType: kind,
      created: resource.createdAt,
      lastModified: resource.updatedAt,
      location,
      version: etagOf(resource.version),
    },
  };
}

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: unknown[];
}

export function listResponse(resources: unknown[], totalResults: number, startIndex: number): ListResponse {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
