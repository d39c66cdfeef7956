import type { Request } from 'express';
import { looksLikeId } from '../../core/ids.js';
import { normalizeDomain } from '../../core/urls.js';
import type { AppOrganizationRow, Store } from '../../store/index.js';
import { invalidArgument, notFound } from './errors.js';
import type { Grant } from './auth.js';
import type { PageTokens } from './page-token.js';
import { bodyObject, optionalBoolean, optionalString, queryParam, stringList } from './params.js';
import { PAGE_SIZE, paged } from './paging.js';
import { organization, scimDirectory } from './shapes.js';

/** The organization, if it is in the key's environment. */
function ownOrganization(store: Store, grant: Grant, id: string): AppOrganizationRow {
  const row = store.appReads.organization(grant.environmentId, { id });
  if (!row) throw notFound(`no organization ${id} in this API key's environment`);
  return row;
}

function ownDirectory(store: Store, grant: Grant, id: string) {
  if (!store.appReads.directory(grant.environmentId, id) || !grant.serves(id)) throw notFound(`no SCIM directory ${id} in this API key's environment`);
  return store.directories.get(id);
}

/** The fields of an organization body; like SSOReady's, a PATCH sends (and replaces) all of them. */
function organizationFields(req: Request) {
  const body = bodyObject(req);
  const domains = stringList(body, 'domains').map((d) => {
    try {
      return normalizeDomain(d);
    } catch (error) {
      throw invalidArgument(`domains: ${(error as Error).message}`);
    }
  });
  // Empty is allowed (SSOReady allows it); control characters would reach terminals and fixtures.
  const name = (optionalString(body, 'displayName') ?? '').trim();
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalidArgument('displayName must not contain control characters');
  const externalId = optionalString(body, 'externalId')?.trim() || null;
  // scimctl looks things up by id first: an external id of that shape could never be looked up by.
  if (externalId !== null && looksLikeId(externalId)) throw invalidArgument(`externalId "${externalId}" has the shape of a scimctl id; use your app's own id for this customer`);
  return { name, externalId, domains };
}

export function listOrganizations(store: Store, tokens: PageTokens, grant: Grant, req: Request) {
  const listing = `organizations:${grant.environmentId}`;
  const rows = store.appReads.organizations(grant.environmentId, tokens.open(listing, queryParam(req, 'pageToken')), PAGE_SIZE + 1);
  const page = paged(rows, tokens, listing, (row) => row.id);
  return { organizations: page.items.map(organization), nextPageToken: page.nextPageToken };
}

export function getOrganization(store: Store, grant: Grant, id: string) {
  return { organization: organization(ownOrganization(store, grant, id)) };
}

export function createOrganization(store: Store, grant: Grant, req: Request) {
  const created = store.organizations.create({ environmentId: grant.environmentId, ...organizationFields(req) });
  return { organization: organization(ownOrganization(store, grant, created.id)) };
}

export function updateOrganization(store: Store, grant: Grant, id: string, req: Request) {
  ownOrganization(store, grant, id);
  store.organizations.replace(id, organizationFields(req));
  return { organization: organization(ownOrganization(store, grant, id)) };
}

export function listScimDirectories(store: Store, tokens: PageTokens, grant: Grant, req: Request) {
  const organizationId = queryParam(req, 'organizationId');
  if (organizationId === undefined) throw invalidArgument('organization_id is required');
  ownOrganization(store, grant, organizationId);
  const listing = `directories:${organizationId}`;
  const cursor = tokens.open(listing, queryParam(req, 'pageToken')) ?? '';
  // An organization has a handful of directories: one read of them all, paged here by id. A serve
  // limited to some directories (--env, --directory) leaves the others out, as if they were not there.
  const rows = store.directories
    .list({ organizationId })
    .filter((d) => d.id >= cursor && grant.serves(d.id))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const page = paged(rows.slice(0, PAGE_SIZE + 1), tokens, listing, (d) => d.id);
  return { scimDirectories: page.items.map(scimDirectory), nextPageToken: page.nextPageToken };
}

export function getScimDirectory(store: Store, grant: Grant, id: string) {
  return { scimDirectory: scimDirectory(ownDirectory(store, grant, id)) };
}

/**
 * Made without a bearer token, as SSOReady makes them (rotate for the first one). An organization's
 * first directory is its primary whatever `primary` says (SSOReady would leave it with none, and
 * the organizationId selector with nothing to read); `primary: true` makes a later one primary.
 */
export function createScimDirectory(store: Store, grant: Grant, req: Request) {
  const body = bodyObject(req);
  const organizationId = optionalString(body, 'organizationId');
  if (!organizationId) throw invalidArgument('organization_id is required');
  ownOrganization(store, grant, organizationId);
  return store.transaction(() => {
    const created = store.directories.createWithoutToken({ organizationId });
    if (optionalBoolean(body, 'primary')) store.directories.makePrimary(created.id);
    return { scimDirectory: scimDirectory(store.directories.get(created.id)) };
  });
}

/** Only `primary` changes (as in SSOReady); `false` leaves it alone, since an organization keeps one primary. */
export function updateScimDirectory(store: Store, grant: Grant, id: string, req: Request) {
  ownDirectory(store, grant, id);
  if (optionalBoolean(bodyObject(req), 'primary')) store.directories.makePrimary(id);
  return { scimDirectory: scimDirectory(store.directories.get(id)) };
}

/** The old token stops working with this write. */
export function rotateBearerToken(store: Store, grant: Grant, id: string) {
  ownDirectory(store, grant, id);
  return { bearerToken: store.directories.rotateToken(id).token };
}
