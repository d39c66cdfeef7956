/**
 * Okta's provisioning, with the bodies of fixtures/recordings/okta.json: filter GETs with
 * startIndex and count, creates with `groups: []`, updates by PUT of the whole user, group pushes
 * with lower-case PATCH ops that name each member's display.
 */
import type { Recording, RecordingStep } from '../recording.js';
import { GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../scim/schemas.js';
import { groupId, noMatch, person, step, userId, type Person } from './names.js';

export const OKTA_PROVISION_DESCRIPTION = 'Okta: 5 users created, 2 updated by PUT, 2 pushed groups with members';
export const OKTA_PROVISION_USERS = 5;

function oktaUser(p: Person, runId: string, i: number, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName: p.userName,
    name: { givenName: p.givenName, familyName: p.familyName },
    emails: [{ primary: true, value: p.userName, type: 'work' }],
    displayName: p.displayName,
    locale: 'en-US',
    // Okta's own user id (00u…), unique per run.
    externalId: `00u${runId}${String(i).padStart(4, '0')}`,
    active: true,
    ...changes,
  };
}

export function oktaProvision(runId: string): Recording {
  const people = Array.from({ length: OKTA_PROVISION_USERS }, (_, i) => person(i, runId, 'example.com'));
  const steps: RecordingStep[] = [step('Probe: count=1&startIndex=1', 'GET', '/Users?count=1&startIndex=1', 200)];
  people.forEach((p, i) => {
    steps.push(
      noMatch(`Look for ${p.displayName} by userName`, `/Users?filter=userName eq "${p.userName}"&startIndex=1&count=100`),
      step(`Create ${p.displayName}`, 'POST', '/Users', 201, { body: { ...oktaUser(p, runId, i), groups: [] }, capture: { [`users.${p.key}.id`]: '/id' } }),
    );
  });
  // A profile change in Okta: the whole user again, by PUT, with its id.
  for (const i of [1, 2]) {
    const p = people[i]!;
    const body = oktaUser(p, runId, i, { id: userId(p), name: { givenName: p.givenName, familyName: `${p.familyName}-Smith` }, displayName: `${p.givenName} ${p.familyName}-Smith` });
    steps.push(step(`Update ${p.displayName} with PUT`, 'PUT', `/Users/${userId(p)}`, 200, { body }));
  }
  const groups: [string, string, number[]][] = [
    ['admins', `Okta Admins ${runId}`, [0, 1]],
    ['everyone', `Everyone ${runId}`, [0, 1, 2, 3, 4]],
  ];
  for (const [key, displayName, indexes] of groups) {
    steps.push(
      noMatch(`Look for group ${displayName}`, `/Groups?filter=displayName eq "${displayName}"&startIndex=1&count=100`),
      step(`Push group ${displayName}`, 'POST', '/Groups', 201, { body: { schemas: [GROUP_SCHEMA], displayName, members: [] }, capture: { [`groups.${key}.id`]: '/id' } }),
      step(`Add ${indexes.length} members to ${displayName}`, 'PATCH', `/Groups/${groupId(key)}`, 204, {
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'members', value: indexes.map((i) => ({ value: userId(people[i]!), display: people[i]!.userName })) }] },
      }),
    );
  }
  return { name: 'okta-provision', description: OKTA_PROVISION_DESCRIPTION, source: 'Okta developer docs "SCIM 2.0 protocol reference"', tenantUrl: '{{baseUrl}}', steps };
}
