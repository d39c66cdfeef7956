import { notFound } from './errors.js';
import { allSchemas, resourceTypes, type AttributeDef, type SchemaDef } from './schemas.js';
import { listResponse } from './render.js';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** RFC 7643 §5: what this server supports, advertised truthfully. */
export function serviceProviderConfig(baseUrl: string, maxResults: number, maxPayloadSize: number) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://github.com/scimctl/scimctl#readme',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'The directory\'s bearer token, sent as "Authorization: Bearer <token>"',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

function resourceType(name: 'User' | 'Group', baseUrl: string) {
  const type = resourceTypes[name];
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: name,
    name,
    endpoint: type.endpoint,
    description: type.core.description,
    schema: type.core.id,
    schemaExtensions: type.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${name}` },
  };
}

export const resourceTypeList = (baseUrl: string) => {
  const all = (['User', 'Group'] as const).map((n) => resourceType(n, baseUrl));
  return listResponse(all, all.length, 1);
};

export function resourceTypeById(id: string, baseUrl: string) {
  const name = (['User', 'Group'] as const).find((n) => n.toLowerCase() === id.toLowerCase());
  if (!name) throw notFound(`ResourceType ${id} not found`);
  return resourceType(name, baseUrl);
}

function renderAttribute(def: AttributeDef): Record<string, unknown> {
  const { subAttributes, ...rest } = def;
  return subAttributes ? { ...rest, subAttributes: subAttributes.map(renderAttribute) } : { ...rest };
}

function schemaResource(schema: SchemaDef, baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export const schemaList = (baseUrl: string) => listResponse(allSchemas.map((s) => schemaResource(s, baseUrl)), allSchemas.length, 1);

export function schemaById(id: string, baseUrl: string) {
  const schema = allSchemas.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!schema) throw notFound(`Schema ${id} not found`);
  return schemaResource(schema, baseUrl);
}

