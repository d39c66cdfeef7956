import type { AppOrganizationRow, AppResourceRow, Directory } from '../../store/index.js';

/**
 * The app API's JSON, field for field as SSOReady's gateway writes it: lowerCamel names, every field
 * present even when empty ("", false, []), so an app reading `user.deleted` never meets undefined.
 */

/** The SCIM resource as the IdP last set it, without `schemas` (id and meta are never stored). */
function attributesOf(row: AppResourceRow): Record<string, unknown> {
  const { schemas: _schemas, ...attributes } = JSON.parse(row.attributes) as Record<string, unknown>;
  return attributes;
}

/** `deleted`: the IdP DELETEd the user or set active false (a user without `active` is active). */
export const scimUser = (row: AppResourceRow) => ({
  id: row.id,
  scimDirectoryId: row.directoryId,
  email: row.name,
  deleted: row.deletedAt !== null || row.active === 0,
  attributes: attributesOf(row),
});

export const scimGroup = (row: AppResourceRow) => ({
  id: row.id,
  scimDirectoryId: row.directoryId,
  displayName: row.name,
  deleted: row.deletedAt !== null,
  attributes: attributesOf(row),
});

export const organization = (row: AppOrganizationRow) => ({
  id: row.id,
  environmentId: row.environmentId,
  displayName: row.displayName,
  externalId: row.externalId ?? '',
  domains: JSON.parse(row.domains) as string[],
});

/** `scimBaseUrl` is where an IdP really reaches the directory now (a running serve's tunnel, say). */
export const scimDirectory = (directory: Directory) => ({
  id: directory.id,
  organizationId: directory.organizationId,
  primary: directory.primary,
  scimBaseUrl: directory.baseUrl,
  hasClientBearerToken: directory.hasToken,
});
