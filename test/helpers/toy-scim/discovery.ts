/**
 * Minimal but valid discovery documents (RFC 7643 §5–7) for the toy SCIM server. Written out here,
 * not taken from scimctl, so a check of `scimctl test` on them is not a check of scimctl against itself.
 */
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, USER_SCHEMA } from '../../../src/scim/schemas.js';
import type { Json } from './filter.js';

export const MAX_RESULTS = 200;

export function serviceProviderConfig(base: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string, withEnterprise: boolean): Json[] {
  const type = (name: string, endpoint: string, schema: string, extensions: Json[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: name,
    name,
    endpoint: `/${endpoint}`,
    schema,
    schemaExtensions: extensions,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${name}` },
  });
  return [
    type('User', 'Users', USER_SCHEMA, withEnterprise ? [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] : []),
    type('Group', 'Groups', GROUP_SCHEMA, []),
  ];
}

const attr = (name: string, type = 'string', extra: Json = {}): Json => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const complex = (name: string, multiValued: boolean, subs: Json[]): Json => attr(name, 'complex', { multiValued, subAttributes: subs });

export function schemas(base: string, withEnterprise: boolean): Json[] {
  const schema = (id: string, name: string, attributes: Json[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  });
  const multi = (name: string) => complex(name, true, [attr('value'), attr('type'), attr('primary', 'boolean')]);
  const list = [
    schema(USER_SCHEMA, 'User', [
      attr('userName', 'string', { required: true, uniqueness: 'server' }),
      complex('name', false, [attr('formatted'), attr('familyName'), attr('givenName')]),
      attr('displayName'),
      attr('title'),
      attr('preferredLanguage'),
      attr('locale'),
      attr('active', 'boolean'),
      attr('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
      multi('emails'),
      multi('phoneNumbers'),
      complex('addresses', true, ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => attr(n))),
      complex('groups', true, [attr('value', 'string', { mutability: 'readOnly' }), attr('display', 'string', { mutability: 'readOnly' })]),
    ]),
    schema(GROUP_SCHEMA, 'Group', [
      attr('displayName', 'string', { required: true, uniqueness: 'server' }),
      complex('members', true, [attr('value', 'string', { mutability: 'immutable' }), attr('display', 'string', { mutability: 'readOnly' })]),
    ]),
  ];
  if (withEnterprise) {
    list.push(
      schema(ENTERPRISE_USER_SCHEMA, 'EnterpriseUser', [
        attr('employeeNumber'),
        attr('costCenter'),
        attr('organization'),
        attr('division'),
        attr('department'),
        complex('manager', false, [attr('value'), attr('displayName', 'string', { mutability: 'readOnly' })]),
      ]),
    );
  }
  return list;
}

export const listResponse = (resources: Json[], total: number, startIndex: number): Json => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});
