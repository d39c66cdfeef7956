import type { AppOrganizationRow, AppResourceRow, Directory } from '../../store/index.js';

/**
 * The app API's JSON, field for field as SSOReady's gateway writes it: lowerCamel names, every field
 * present even when empty ("", false, []), so an app reading `user.deleted` never meets undefined.
 * Users and groups come from the store as JSON text already (see the store's app-json.ts).
 */

/** A response body serialised already: users and groups come from the store as JSON text. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** `{"<field>": [ …items… ], "nextPageToken": "…"}` around items that are JSON text. */
export function pageOf(field: string, items: readonly AppResourceRow[], nextPageToken: string): JsonText {
  return new JsonText(`{${JSON.stringify(field)}:[${items.map((r) => r.json).join(',')}],"nextPageToken":${JSON.stringify(nextPageToken)}}`);
}

/** `{"<field>": item}` around one item that is JSON text. */
export const oneOf = (field: string, item: AppResourceRow) => new JsonText(`{${JSON.stringify(field)}:${item.json}}`);

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
