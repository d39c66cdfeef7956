/**
 * Microsoft Entra ID's provisioning cycles, with the bodies and quirks of
 * fixtures/recordings/entra-legacy.json (a Tenant URL without ?aadOptscim062020): a match GET before
 * every create, managers and members set by PATCH in the legacy wrapped form, "False" as a string
 * to disable a user.
 */
import { randomUUID } from 'node:crypto';
import type { Recording, RecordingStep } from '../recording.js';
import { ENTRA_GROUP_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA } from '../../scim/schemas.js';
import { entraUserBody } from '../profiles/entra-bodies.js';
import { groupId, noMatch, person, step, userId, type Person } from './names.js';

const SOURCE = 'Microsoft Learn "Tutorial: Develop and plan provisioning for a SCIM endpoint" (the legacy behaviour, without ?aadOptscim062020)';

/** Entra's default attribute mappings for a user, as its create sends them: the i-th person's own phone numbers. */
function userBody(p: Person, i: number, department: string): Record<string, unknown> {
  const phone = (n: number) => `+1 425 555 ${String(n + i).padStart(4, '0')}`;
  const entraPerson = { userName: p.userName, externalId: p.nickname, givenName: p.givenName, familyName: p.familyName, title: p.title, department, employeeNumber: String(1000 + i) };
  return entraUserBody(entraPerson, [phone(100), phone(200)]);
}

/** Match by userName (nothing yet), then create: what Entra does for each newly assigned user. */
function createUser(p: Person, i: number, department: string): RecordingStep[] {
  return [
    noMatch(`Match ${p.displayName} by userName: not there yet`, `/Users?filter=userName eq "${p.userName}"`),
    step(`Create ${p.displayName}`, 'POST', '/Users', 201, { body: userBody(p, i, department), capture: { [`users.${p.key}.id`]: '/id' } }),
  ];
}

/** Match by displayName without members (nothing yet), then create with Entra's group body. */
function createGroup(key: string, displayName: string): RecordingStep[] {
  return [
    noMatch(`Match group ${displayName}: not there yet`, `/Groups?excludedAttributes=members&filter=displayName eq "${displayName}"`),
    step(`Create group ${displayName}`, 'POST', '/Groups', 201, {
      body: { schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId: randomUUID(), displayName },
      capture: { [`groups.${key}.id`]: '/id' },
    }),
  ];
}

const wrapped = (ids: string[]) => ids.map((value) => ({ $ref: null, value }));

function members(op: 'Add' | 'Remove', key: string, displayName: string, people: Person[]): RecordingStep {
  const verb = op === 'Add' ? 'Add' : 'Remove';
  return step(`${verb} ${people.length} member${people.length === 1 ? '' : 's'} ${op === 'Add' ? 'to' : 'from'} ${displayName}`, 'PATCH', `/Groups/${groupId(key)}`, 204, {
    body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op, path: 'members', value: wrapped(people.map(userId)) }] },
  });
}

/** Who reports to whom in entra-provision: index → manager's index. */
const MANAGERS: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 3 };
const DEPARTMENTS = ['Executive', 'Engineering', 'Sales', 'Operations', 'Engineering', 'Engineering', 'Engineering', 'Sales', 'Sales', 'Operations'];
/** Group key, name and member indexes. */
const GROUPS: readonly [string, string, number[]][] = [
  ['engineering', 'Engineering', [1, 4, 5, 6]],
  ['sales', 'Sales', [2, 7, 8]],
  ['staff', 'All Staff', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
];

/** A first provisioning cycle: ten users, their managers, three groups and their members. */
export function entraProvision(runId: string): Recording {
  const people = DEPARTMENTS.map((_, i) => person(i, runId));
  // Entra's "Test Connection" (and the start of every cycle): a userName no one has, answered with an empty list.
  const steps: RecordingStep[] = [noMatch('Test connection: a random guid matches nobody', '/Users?filter=userName eq "{{random.guid}}"')];
  steps.push(...people.flatMap((p, i) => createUser(p, i, DEPARTMENTS[i]!)));
  for (const [i, m] of Object.entries(MANAGERS)) {
    const p = people[Number(i)]!;
    steps.push(
      // The legacy form Entra sends without ?aadOptscim062020: the bare "manager" path, the value wrapped in a list.
      step(`Set ${p.displayName}'s manager to ${people[m]!.displayName}`, 'PATCH', `/Users/${userId(p)}`, 200, {
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Add', path: 'manager', value: wrapped([userId(people[m]!)]) }] },
      }),
    );
  }
  for (const [key, name, indexes] of GROUPS) {
    const displayName = `${name} ${runId}`;
    steps.push(...createGroup(key, displayName), members('Add', key, displayName, indexes.map((i) => people[i]!)));
  }
  return { name: 'entra-provision', description: ENTRA_PROVISION_DESCRIPTION, source: SOURCE, tenantUrl: '{{baseUrl}}', steps };
}

export const ENTRA_PROVISION_DESCRIPTION = 'Microsoft Entra ID, first cycle: test connection, 10 users, their managers, 3 groups with members';
export const ENTRA_DEPROVISION_DESCRIPTION = 'Microsoft Entra ID, unassignment: 4 users and a group created, then disabled, removed, the group and 2 users deleted';

/**
 * Users leaving the app: Entra disables an unassigned user (active "False") rather than deleting it,
 * takes it out of its groups, and deletes it only once the user is deleted in Entra itself. Self-contained:
 * it first provisions the people it then deprovisions.
 */
export function entraDeprovision(runId: string): Recording {
  const people = [0, 1, 2, 3].map((i) => person(i + 4, runId));
  const group = `Contractors ${runId}`;
  const steps: RecordingStep[] = [...people.flatMap((p, i) => createUser(p, i + 4, 'Contractors')), ...createGroup('contractors', group), members('Add', 'contractors', group, people)];
  for (const p of people) {
    steps.push(step(`Disable ${p.displayName}: active "False"`, 'PATCH', `/Users/${userId(p)}`, 200, { body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } }));
  }
  steps.push(members('Remove', 'contractors', group, people));
  steps.push(step(`Delete group ${group}`, 'DELETE', `/Groups/${groupId('contractors')}`, 204));
  for (const p of people.slice(0, 2)) steps.push(step(`Delete ${p.displayName}`, 'DELETE', `/Users/${userId(p)}`, 204));
  return { name: 'entra-deprovision', description: ENTRA_DEPROVISION_DESCRIPTION, source: SOURCE, tenantUrl: '{{baseUrl}}', steps };
}
