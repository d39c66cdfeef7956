/**
 * The bodies Microsoft Entra ID sends with its default attribute mappings (Microsoft's SCIM
 * endpoint tutorial): a user with the enterprise extension, and a group with Microsoft's own schema.
 */
import { ENTERPRISE_USER_SCHEMA, ENTRA_GROUP_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../scim/schemas.js';

export const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

export interface EntraPerson {
  /** The UPN: Entra's default matching attribute, sent as userName. */
  userName: string;
  /** mailNickname, sent as externalId. */
  externalId: string;
  givenName: string;
  familyName: string;
  title: string;
  department: string;
  employeeNumber: string;
}

/** The work and mobile numbers a user is sent with. */
export const ENTRA_PHONES: readonly [work: string, mobile: string] = ['+1 425 555 0100', '+1 425 555 0200'];

export function entraUserBody(p: EntraPerson, phones = ENTRA_PHONES): Record<string, unknown> {
  const displayName = `${p.givenName} ${p.familyName}`;
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: p.externalId,
    userName: p.userName,
    active: true,
    displayName,
    title: p.title,
    preferredLanguage: 'en-US',
    name: { givenName: p.givenName, familyName: p.familyName, formatted: displayName },
    emails: [{ type: 'work', primary: true, value: p.userName }],
    addresses: [{ type: 'work', formatted: '1 Microsoft Way, Redmond, WA 98052, US', streetAddress: '1 Microsoft Way', locality: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' }],
    phoneNumbers: [
      { type: 'work', value: phones[0] },
      { type: 'mobile', value: phones[1] },
    ],
    [ENTERPRISE]: { employeeNumber: p.employeeNumber, department: p.department },
    meta: { resourceType: 'User' },
    roles: [],
  };
}

export function entraGroupBody(displayName: string, externalId: string): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId, displayName, meta: { resourceType: 'Group' } };
}

export function patch(...operations: Record<string, unknown>[]): Record<string, unknown> {
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}
