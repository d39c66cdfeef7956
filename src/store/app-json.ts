/**
 * The app API's JSON for users and groups, built by SQLite from a row: one definition for the app
 * API's reads and for the events' snapshots (so a webhook and a read never disagree), and no
 * JSON.parse/stringify of the attributes in JavaScript on either path.
 *
 * scimUser  {id, scimDirectoryId, email, deleted, attributes}: email is the userName; deleted is true
 *           when the IdP deleted the user or set active false (a user without `active` is active).
 * scimGroup {id, scimDirectoryId, displayName, deleted, attributes}.
 * attributes is the SCIM resource as the IdP last set it, without `schemas` (id and meta are never stored).
 */
export function userJson(u: string): string {
  return `json_object('id', ${u}.id, 'scimDirectoryId', ${u}.directory_id, 'email', ${u}.user_name,
    'deleted', CASE WHEN ${u}.deleted_at IS NOT NULL OR ${u}.active = 0 THEN json('true') ELSE json('false') END,
    'attributes', json_remove(${u}.attributes, '$.schemas'))`;
}

export function groupJson(g: string): string {
  return `json_object('id', ${g}.id, 'scimDirectoryId', ${g}.directory_id, 'displayName', ${g}.display_name,
    'deleted', CASE WHEN ${g}.deleted_at IS NOT NULL THEN json('true') ELSE json('false') END,
    'attributes', json_remove(${g}.attributes, '$.schemas'))`;
}
