import type { Request } from 'express';
import type { AppResourceRow, Store } from '../../store/index.js';
import { invalidArgument, notFound } from './errors.js';
import type { Grant } from './auth.js';
import type { PageTokens } from './page-token.js';
import { PAGE_SIZE, paged } from './paging.js';
import { queryParam } from './params.js';
import { oneOf, pageOf } from './shapes.js';

const cursorOf = (row: AppResourceRow) => row.cursor;

/**
 * The directory a listing reads: one of scimDirectoryId, organizationId (its primary directory) or
 * organizationExternalId, checked against the key's environment, which is all a key ever sees.
 */
function selectedDirectory(store: Store, grant: Grant, req: Request): string {
  const directoryId = queryParam(req, 'scimDirectoryId');
  if (directoryId !== undefined) {
    if (!store.appReads.directory(grant.environmentId, directoryId) || !grant.serves(directoryId)) throw notFound(`no SCIM directory ${directoryId} in this API key's environment`);
    return directoryId;
  }
  const organizationId = queryParam(req, 'organizationId');
  if (organizationId !== undefined) {
    if (!store.appReads.organization(grant.environmentId, { id: organizationId })) throw notFound(`no organization ${organizationId} in this API key's environment`);
    const primary = store.appReads.primaryDirectoryId(organizationId);
    if (primary === undefined) throw invalidArgument(`bad organization_id: organization ${organizationId} has no primary SCIM directory`);
    if (!grant.serves(primary)) throw notFound(`organization ${organizationId}'s primary SCIM directory is not served here (serve --env/--directory)`);
    return primary;
  }
  const externalId = queryParam(req, 'organizationExternalId');
  if (externalId !== undefined) {
    const organization = store.appReads.organization(grant.environmentId, { externalId });
    const primary = organization && store.appReads.primaryDirectoryId(organization.id);
    if (primary === undefined) throw invalidArgument('bad organization_external_id: organization not found, or organization does not have a primary SCIM directory');
    if (!grant.serves(primary)) throw notFound(`organization ${externalId}'s primary SCIM directory is not served here (serve --env/--directory)`);
    return primary;
  }
  throw invalidArgument('one of scim_directory_id, organization_id, or organization_external_id must be provided');
}

/** GET /v1/scim/users: the directory's users, or (scimGroupId) a group's user members; deleted ones included. */
export function listScimUsers(store: Store, tokens: PageTokens, grant: Grant, req: Request) {
  const directoryId = selectedDirectory(store, grant, req);
  const groupId = queryParam(req, 'scimGroupId');
  const pageToken = queryParam(req, 'pageToken');
  let page: { items: AppResourceRow[]; nextPageToken: string };
  if (groupId !== undefined) {
    const group = store.appReads.group(grant.environmentId, groupId);
    if (group?.directoryId !== directoryId) throw notFound(`no SCIM group ${groupId} in the selected directory`);
    const listing = `members:${groupId}`;
    page = paged(store.appReads.groupUsers(groupId, tokens.open(listing, pageToken), PAGE_SIZE + 1), tokens, listing, cursorOf);
  } else {
    const listing = `users:${directoryId}`;
    page = paged(store.appReads.users(directoryId, tokens.open(listing, pageToken), PAGE_SIZE + 1), tokens, listing, cursorOf);
  }
  return pageOf('scimUsers', page.items, page.nextPageToken);
}

export function getScimUser(store: Store, grant: Grant, id: string) {
  const row = store.appReads.user(grant.environmentId, id);
  if (!row || !grant.serves(row.directoryId)) throw notFound(`no SCIM user ${id} in this API key's environment`);
  return oneOf('scimUser', row);
}

export function listScimGroups(store: Store, tokens: PageTokens, grant: Grant, req: Request) {
  const directoryId = selectedDirectory(store, grant, req);
  const listing = `groups:${directoryId}`;
  const page = paged(store.appReads.groups(directoryId, tokens.open(listing, queryParam(req, 'pageToken')), PAGE_SIZE + 1), tokens, listing, cursorOf);
  return pageOf('scimGroups', page.items, page.nextPageToken);
}

export function getScimGroup(store: Store, grant: Grant, id: string) {
  const row = store.appReads.group(grant.environmentId, id);
  if (!row || !grant.serves(row.directoryId)) throw notFound(`no SCIM group ${id} in this API key's environment`);
  return oneOf('scimGroup', row);
}
