/** Row types of the tables in migrations.ts, as the SQL in this folder reads them. Keep in step with the migrations. */
export interface EnvironmentsTable {
  id: string;
  name: string;
  public_url: string;
  created_at: string;
}

export interface OrganizationsTable {
  id: string;
  environment_id: string;
  display_name: string;
  external_id: string | null;
  created_at: string;
}

export interface OrganizationDomainsTable {
  organization_id: string;
  domain: string;
}

export interface ScimDirectoriesTable {
  id: string;
  organization_id: string;
  name: string | null;
  token_hash: string | null;
  token_created_at: string | null;
  created_at: string;
}

export interface ScimUsersTable {
  seq: number;
  id: string;
  directory_id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: number;
  attributes: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ScimGroupsTable {
  seq: number;
  id: string;
  directory_id: string;
  display_name: string;
  external_id: string | null;
  attributes: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ScimGroupMembersTable {
  group_id: string;
  member_id: string;
  member_type: 'User' | 'Group';
}

export interface RequestLogTable {
  seq: number;
  time: string;
  directory_id: string | null;
  method: string;
  path: string;
  query: string | null;
  status: number;
  duration_ms: number;
  error_kind: string | null;
  request_body: string | null;
  response_body: string | null;
  user_agent: string | null;
  remote_address: string | null;
  bytes: number;
  request_key: string | null;
}

export interface RunningServersTable {
  pid: number;
  local_url: string;
  public_url: string | null;
  started_at: string;
}
