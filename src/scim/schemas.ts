/**
 * The SCIM schemas scimctl models (RFC 7643 §4, §8.7.1), as data. Everything that needs to know an
 * attribute's type, case-exactness or canonical spelling asks here: discovery, the filter compiler,
 * the PATCH engine and the quirk normaliser.
 */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Sent by Entra on group creation; accepted and echoed, never required. */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'binary'
  | 'complex';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly caseExact: boolean;
  readonly required: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly description: string;
  readonly subAttributes?: readonly AttributeDef[];
  readonly referenceTypes?: readonly string[];
  readonly canonicalValues?: readonly string[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

type Opts = Partial<Omit<AttributeDef, 'name' | 'type' | 'subAttributes'>>;

function attr(name: string, type: AttributeType, opts: Opts = {}, subAttributes?: AttributeDef[]): AttributeDef {
  return Object.freeze({
    name,
    type,
    multiValued: false,
    caseExact: false,
    required: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description: opts.description ?? name,
    ...opts,
    ...(subAttributes ? { subAttributes: Object.freeze(subAttributes) } : {}),
  } as AttributeDef);
}

const str = (name: string, opts: Opts = {}) => attr(name, 'string', opts);

/** type/primary/display/value sub-attributes shared by emails, phoneNumbers, ims, photos, … */
function multiValuedComplex(name: string, valueType: AttributeType, types: string[], valueOpts: Opts = {}) {
  return attr(name, 'complex', { multiValued: true }, [
    attr('value', valueType, valueOpts),
    str('display'),
    str('type', { canonicalValues: types }),
    attr('primary', 'boolean'),
  ]);
}

const memberSubAttributes = (referenceTypes: string[]) => [
  // Ids are case-exact; this also lets member filters use the membership primary key.
  str('value', { mutability: 'immutable', caseExact: true }),
  attr('$ref', 'reference', { mutability: 'immutable', referenceTypes }),
  str('display', { mutability: 'readOnly' }),
  str('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
];

export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', { required: true, uniqueness: 'server', description: 'Unique identifier for the User; compared case-insensitively.' }),
    attr('name', 'complex', {}, [
      str('formatted'),
      str('familyName'),
      str('givenName'),
      str('middleName'),
      str('honorificPrefix'),
      str('honorificSuffix'),
    ]),
    str('displayName'),
    str('nickName'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    str('title'),
    str('userType'),
    str('preferredLanguage'),
    str('locale'),
    str('timezone'),
    attr('active', 'boolean'),
    str('password', { mutability: 'writeOnly', returned: 'never' }),
    multiValuedComplex('emails', 'string', ['work', 'home', 'other']),
    multiValuedComplex('phoneNumbers', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValuedComplex('ims', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    // RFC 7643 §8.7.1: a photo is a URL outside the service provider.
    multiValuedComplex('photos', 'reference', ['photo', 'thumbnail'], { referenceTypes: ['external'] }),
    attr('addresses', 'complex', { multiValued: true }, [
      str('formatted'),
      str('streetAddress'),
      str('locality'),
      str('region'),
      str('postalCode'),
      str('country'),
      str('type', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean'),
    ]),
    attr('groups', 'complex', { multiValued: true, mutability: 'readOnly' }, memberSubAttributes(['Group'])),
    multiValuedComplex('entitlements', 'string', []),
    multiValuedComplex('roles', 'string', []),
    multiValuedComplex('x509Certificates', 'binary', []),
  ],
};

export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber'),
    str('costCenter'),
    str('organization'),
    str('division'),
    str('department'),
    attr('manager', 'complex', {}, [
      str('value', { description: 'The id of the SCIM resource representing the manager.' }),
      attr('$ref', 'reference', { referenceTypes: ['User'] }),
      str('displayName', { mutability: 'readOnly' }),
    ]),
  ],
};

export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', { required: true, uniqueness: 'server', description: 'Unique per directory; compared case-insensitively.' }),
    attr('members', 'complex', { multiValued: true }, memberSubAttributes(['User', 'Group'])),
  ],
};

/** Attributes every resource has (RFC 7643 §3.1), not part of any schema's attribute list. */
export const commonAttributes: readonly AttributeDef[] = [
  str('id', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', { caseExact: true }),
  attr('meta', 'complex', { mutability: 'readOnly' }, [
    str('resourceType', { caseExact: true, mutability: 'readOnly' }),
    attr('created', 'dateTime', { mutability: 'readOnly' }),
    attr('lastModified', 'dateTime', { mutability: 'readOnly' }),
    attr('location', 'reference', { mutability: 'readOnly', caseExact: true, referenceTypes: ['uri'] }),
    str('version', { caseExact: true, mutability: 'readOnly' }),
  ]),
];

export type ResourceKind = 'User' | 'Group';

export interface ResourceTypeDef {
  readonly name: ResourceKind;
  readonly endpoint: string;
  readonly core: SchemaDef;
  readonly extensions: readonly SchemaDef[];
}

export const resourceTypes: Record<ResourceKind, ResourceTypeDef> = {
  User: { name: 'User', endpoint: '/Users', core: userSchema, extensions: [enterpriseUserSchema] },
  Group: { name: 'Group', endpoint: '/Groups', core: groupSchema, extensions: [] },
};

export const allSchemas: readonly SchemaDef[] = [userSchema, groupSchema, enterpriseUserSchema];

/**
 * Where an attribute path resolves to. `schema` is the URN that owns it (extension attributes live
 * in the resource under that URN key); `def` is undefined for attributes scimctl does not model,
 * which are stored and returned as sent.
 */
export interface ResolvedAttribute {
  readonly schema: string;
  readonly extension: boolean;
  readonly def: AttributeDef | undefined;
  /** Canonical spelling of the top-level attribute name. */
  readonly name: string;
  readonly subDef: AttributeDef | undefined;
  /** Canonical spelling of the sub-attribute, if any. */
  readonly subName: string | undefined;
}

const findDef = (defs: readonly AttributeDef[] | undefined, name: string) =>
  defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());

/** The schema URN a fully qualified attribute name starts with, matched case-insensitively. */
export function splitUrn(kind: ResourceKind, path: string): { schema: string | undefined; rest: string } {
  const type = resourceTypes[kind];
  const lower = path.toLowerCase();
  for (const schema of [type.core, ...type.extensions]) {
    const urn = schema.id.toLowerCase();
    if (lower === urn) return { schema: schema.id, rest: '' };
    if (lower.startsWith(urn + ':')) return { schema: schema.id, rest: path.slice(urn.length + 1) };
  }
  return { schema: undefined, rest: path };
}

/** Resolve `attr` / `attr.sub` (optionally URN-qualified) to canonical names and definitions. */
export function resolveAttribute(kind: ResourceKind, path: string): ResolvedAttribute {
  const type = resourceTypes[kind];
  const { schema: urn, rest } = splitUrn(kind, path);
  const [top = '', sub] = splitDotted(rest);
  const schemas = urn ? [type.core, ...type.extensions].filter((s) => s.id === urn) : [type.core];
  const candidates = urn ? schemas[0]!.attributes : [...commonAttributes, ...type.core.attributes];
  const def = findDef(candidates, top);
  const schema = urn ?? type.core.id;
  const subDef = sub === undefined ? undefined : findDef(def?.subAttributes, sub);
  return {
    schema,
    extension: schema !== type.core.id,
    def,
    name: def?.name ?? top,
    subDef,
    subName: sub === undefined ? undefined : (subDef?.name ?? sub),
  };
}

function splitDotted(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}
