/**
 * Microsoft Entra ID's provisioning cycle, in its two PATCH families: the default one (capitalised
 * ops, string booleans, one op per path, manager wrapped in an array, members removed by a value
 * array) and the one an admin gets by appending ?aadOptscim062020 to the Tenant URL (lowercase ops,
 * real booleans, one path-less replace with dotted and URN keys, manager as a bare id, members
 * removed with a members[value eq "…"] path). Each step checks what Entra reads from the answer.
 */
import { randomUUID } from 'node:crypto';
import { VERSION } from '../../core/version.js';
import type { Check } from '../check.js';
import { element, field, read, values } from '../check.js';
import type { SimExchange } from '../http.js';
import type { Profile } from '../run.js';
import type { ResourceType, Session } from '../session.js';
import { ENTERPRISE, entraGroupBody, entraUserBody, patch, type EntraPerson } from './entra-bodies.js';
import { ENTRA } from './entra-consequences.js';
import { deleteAndConfirm, readBack, resourcePath } from './resource-steps.js';

type Op = Record<string, unknown>;

/** Where the two families differ: the shape of each PATCH operation Entra sends. */
interface PatchFamily {
  update(changes: { displayName: string; familyName: string; department: string }): Op[];
  workEmail(value: string): Op;
  setManager(managerId: string): Op;
  removeManager(): Op;
  active(value: boolean): Op;
  addMembers(ids: string[]): Op;
  removeMember(id: string): Op;
  rename(displayName: string): Op;
  /** How the family is described in step names. */
  labels: { update: string; manager: string; active: (value: boolean) => string; removeMember: string };
}

const LEGACY: PatchFamily = {
  update: (c) => [
    { op: 'Replace', path: 'displayName', value: c.displayName },
    { op: 'Replace', path: 'name.familyName', value: c.familyName },
    { op: 'Replace', path: `${ENTERPRISE}:department`, value: c.department },
  ],
  workEmail: (value) => ({ op: 'Replace', path: 'emails[type eq "work"].value', value }),
  setManager: (id) => ({ op: 'Add', path: 'manager', value: [{ $ref: null, value: id }] }),
  removeManager: () => ({ op: 'Remove', path: `${ENTERPRISE}:manager` }),
  active: (value) => ({ op: 'Replace', path: 'active', value: value ? 'True' : 'False' }),
  addMembers: (ids) => ({ op: 'Add', path: 'members', value: ids.map((id) => ({ $ref: null, value: id })) }),
  removeMember: (id) => ({ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }),
  rename: (displayName) => ({ op: 'Replace', path: 'displayName', value: displayName }),
  labels: {
    update: 'one "Replace" per path, a URN path among them',
    manager: 'path "manager", the id wrapped in [{"$ref":null,"value":…}]',
    active: (value) => `active "${value ? 'True' : 'False'}", a string`,
    removeMember: '"Remove" with a value array',
  },
};

const RFC_2020: PatchFamily = {
  update: (c) => [{ op: 'replace', value: { displayName: c.displayName, 'name.familyName': c.familyName, [`${ENTERPRISE}:department`]: c.department } }],
  workEmail: (value) => ({ op: 'replace', path: 'emails[type eq "work"].value', value }),
  setManager: (id) => ({ op: 'add', path: `${ENTERPRISE}:manager`, value: id }),
  removeManager: () => ({ op: 'remove', path: `${ENTERPRISE}:manager` }),
  active: (value) => ({ op: 'replace', path: 'active', value }),
  addMembers: (ids) => ({ op: 'add', path: 'members', value: ids.map((id) => ({ value: id })) }),
  removeMember: (id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }),
  rename: (displayName) => ({ op: 'replace', path: 'displayName', value: displayName }),
  labels: {
    update: 'one path-less "replace" with dotted and URN keys',
    manager: 'the URN path, the value a bare id string',
    active: (value) => `active ${value}, a boolean`,
    removeMember: 'path members[value eq "…"]',
  },
};

/** Says who is really calling (a server's log should not mistake a test for a tenant) and which client it plays. */
const ENTRA_USER_AGENT = `scimctl/${VERSION} (test; plays Microsoft Entra ID)`;

export const entra: Profile = {
  name: 'entra',
  title: "Microsoft Entra ID, default PATCH family (string booleans, one op per path)",
  userAgent: ENTRA_USER_AGENT,
  run: (s) => entraCycle(s, LEGACY, 'userName'),
};

export const entra2020: Profile = {
  name: 'entra-2020',
  title: 'Microsoft Entra ID with ?aadOptscim062020 (RFC-compliant PATCH family)',
  userAgent: ENTRA_USER_AGENT,
  baseQuery: 'aadOptscim062020',
  run: (s) => entraCycle(s, RFC_2020, 'externalId'),
};

/** A filter's value is a JSON string (RFC 7644 §3.4.2.2): quotes and backslashes in an id stay inside it. */
const filterOn = (attribute: string, value: string) => `${attribute} eq ${JSON.stringify(value)}`;

async function entraCycle(s: Session, family: PatchFamily, testConnectionOn: 'userName' | 'externalId'): Promise<void> {
  const alice = person(s, 'alice', 'Alice', 'Example', '1001');
  const bob = person(s, 'bob', 'Bob', 'Manager', '1002');
  await testConnection(s, alice, testConnectionOn);

  const aliceId = await createUser(s, alice, 'Create the user with Entra\'s default attributes and the enterprise extension');
  await readBackAndMatch(s, alice, aliceId);

  const bobId = await createUser(s, bob, 'Create a second user, to be the manager');
  await updateUser(s, family, alice, aliceId, bobId);

  await groupCycle(s, family, aliceId, bobId);
  await deleteResource(s, 'Users', aliceId, 'Delete the user (Entra\'s hard delete, 30 days after the soft one)', ENTRA.deleteUser);
}

/** Entra's connection test, then the match it makes before creating a user. */
async function testConnection(s: Session, alice: EntraPerson, testConnectionOn: 'userName' | 'externalId'): Promise<void> {
  await s.step(`Test connection: a filter on a random ${testConnectionOn} finds nobody`, { consequence: ENTRA.testConnection }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Users?filter=${filterOn(testConnectionOn, randomUUID())}` });
    t.status(x, 200);
    expectTotal(t, x, 0);
  });

  await s.step('Match the user by userName before creating it: nobody yet', { consequence: ENTRA.match }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Users?filter=${filterOn('userName', alice.userName)}` });
    t.status(x, 200);
    expectTotal(t, x, 0);
  });
}

/** The created user read back, then matched by userName (in either case) and externalId, and a filter that must miss. */
async function readBackAndMatch(s: Session, alice: EntraPerson, aliceId: string | undefined): Promise<void> {
  await s.step('Read the user back: every attribute Entra sent is stored', { consequence: ENTRA.readBack, needs: [aliceId] }, async (t) => {
    const { body: user } = await readBack(t, 'Users', aliceId!);
    const expected: [string, unknown][] = [
      ['userName', alice.userName],
      ['externalId', alice.externalId],
      ['active', true],
      ['displayName', `${alice.givenName} ${alice.familyName}`],
      ['title', alice.title],
      ['name.givenName', alice.givenName],
      ['name.familyName', alice.familyName],
      [`${ENTERPRISE}:employeeNumber`, alice.employeeNumber],
      [`${ENTERPRISE}:department`, alice.department],
    ];
    for (const [path, value] of expected) t.equal(read(user, path), value, path);
    t.equal(field(element(user, 'emails', { type: 'work' }), 'value'), alice.userName, 'emails[type eq "work"].value');
    t.note(`all ${expected.length + 1} attributes as sent`);
  });

  await s.step('Match the user by userName: exactly this user', { consequence: ENTRA.match, needs: [aliceId] }, async (t) => {
    await expectMatch(t, `/Users?filter=${filterOn('userName', alice.userName)}`, aliceId!);
  });
  await s.step('Match ignores the case of userName (userName is caseExact false)', { consequence: ENTRA.caseMatch, needs: [aliceId] }, async (t) => {
    await expectMatch(t, `/Users?filter=${filterOn('userName', alice.userName.toUpperCase())}`, aliceId!);
  });
  await s.step('Match the user by externalId', { consequence: ENTRA.match, needs: [aliceId] }, async (t) => {
    await expectMatch(t, `/Users?filter=${filterOn('externalId', alice.externalId)}`, aliceId!);
  });
  await s.step('A filter for a userName nobody has finds nobody (with users on the server)', { consequence: ENTRA.wrongMatch, needs: [aliceId] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Users?filter=${filterOn('userName', `nobody-${alice.userName}`)}` });
    t.status(x, 200);
    expectTotal(t, x, 0);
  });
}

/** Profile and email updates, the manager set and removed, then disabled and re-enabled, in the family's PATCH shapes. */
async function updateUser(s: Session, family: PatchFamily, alice: EntraPerson, aliceId: string | undefined, bobId: string | undefined): Promise<void> {
  await patchUser(s, aliceId, `Update displayName, name.familyName and department (${family.labels.update})`, ENTRA.update, family.update({ displayName: 'Alice Smith', familyName: 'Smith', department: 'Platform' }), [
    ['displayName', 'Alice Smith'],
    ['name.familyName', 'Smith'],
    [`${ENTERPRISE}:department`, 'Platform'],
  ]);
  const newEmail = `smith-${alice.userName}`;
  await s.step('Update the work email (path emails[type eq "work"].value)', { consequence: ENTRA.update, needs: [aliceId] }, async (t) => {
    await sendPatch(t, 'Users', aliceId!, [family.workEmail(newEmail)], (user, where) => t.equal(field(element(user, 'emails', { type: 'work' }), 'value'), newEmail, `${where}emails[type eq "work"].value`));
  });
  const managerSet = await s.step(`Set the manager (${family.labels.manager})`, { consequence: ENTRA.manager, needs: [aliceId, bobId] }, async (t) => {
    return sendPatch(t, 'Users', aliceId!, [family.setManager(bobId!)], (user, where) => t.equal(field(read(user, `${ENTERPRISE}:manager`), 'value'), bobId, `${where}${ENTERPRISE}:manager.value`));
  });
  await s.step('Remove the manager (a "remove" with no value)', { consequence: ENTRA.manager, needs: [aliceId, managerSet] }, async (t) => {
    await sendPatch(t, 'Users', aliceId!, [family.removeManager()], (user, where) => t.absent(read(user, `${ENTERPRISE}:manager`), `${where}${ENTERPRISE}:manager`));
  });
  const disabled = await patchUser(s, aliceId, `Disable the user (${family.labels.active(false)})`, ENTRA.disable, [family.active(false)], [['active', false]]);
  await s.step('A disabled user is still found by the match filter, with active false', { consequence: ENTRA.disabledMatch, needs: [aliceId, disabled] }, async (t) => {
    const found = await expectMatch(t, `/Users?filter=${filterOn('userName', alice.userName)}`, aliceId!);
    t.equal(field(found, 'active'), false, 'active');
  });
  await patchUser(s, aliceId, `Re-enable the user (${family.labels.active(true)})`, ENTRA.enable, [family.active(true)], [['active', true]], [disabled]);
}

/** A group matched, created, read without members, given and relieved of members, renamed and deleted. */
async function groupCycle(s: Session, family: PatchFamily, aliceId: string | undefined, bobId: string | undefined): Promise<void> {
  const groupName = s.name('Engineering');
  await s.step('Match the group by displayName (excludedAttributes=members): nobody yet', { consequence: ENTRA.groupMatch }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Groups?excludedAttributes=members&filter=${filterOn('displayName', groupName)}` });
    t.status(x, 200);
    expectTotal(t, x, 0);
  });
  const groupId = await s.step("Create the group with Entra's group body (no members)", { consequence: ENTRA.groupCreate }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Groups', body: entraGroupBody(groupName, randomUUID()) });
    t.status(x, [201, 200]);
    const body = t.body(x);
    const id = t.id(x, body);
    t.equal(field(body, 'displayName'), groupName, 'displayName');
    t.note(`${x.response.status} with id ${id}`);
    return id;
  });
  await s.step('Read the group without its members (excludedAttributes=members)', { consequence: ENTRA.groupRead, needs: [groupId] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `${resourcePath('Groups', groupId!)}?excludedAttributes=members` });
    t.status(x, 200);
    const group = t.body(x);
    t.equal(field(group, 'displayName'), groupName, 'displayName');
    t.absent(field(group, 'members'), 'members');
  });
  const membersAdded = await s.step('Add both users as members (a value array)', { consequence: ENTRA.members, needs: [groupId, aliceId, bobId] }, async (t) => {
    return sendPatch(t, 'Groups', groupId!, [family.addMembers([aliceId!, bobId!])], (group, where) => t.equal(values(group, 'members').sort(), [aliceId, bobId].sort(), `${where}members' values`), false);
  });
  await s.step(`Remove one member (${family.labels.removeMember})`, { consequence: ENTRA.members, needs: [groupId, aliceId, bobId, membersAdded] }, async (t) => {
    await sendPatch(t, 'Groups', groupId!, [family.removeMember(bobId!)], (group, where) => t.equal(values(group, 'members'), [aliceId], `${where}members' values`), false);
  });
  const newName = s.name('Engineering Team');
  await s.step('Rename the group (replace displayName)', { consequence: ENTRA.rename, needs: [groupId] }, async (t) => {
    await sendPatch(t, 'Groups', groupId!, [family.rename(newName)], (group, where) => t.equal(field(group, 'displayName'), newName, `${where}displayName`), false);
  });
  await deleteResource(s, 'Groups', groupId, 'Delete the group', ENTRA.deleteGroup);
}

function person(s: Session, label: string, givenName: string, familyName: string, employeeNumber: string): EntraPerson {
  const nickname = s.name(label);
  return { userName: `${nickname}@example.com`, externalId: nickname, givenName, familyName, title: 'Engineer', department: 'Research', employeeNumber };
}

function expectTotal(t: Check, x: SimExchange, total: number): void {
  const list = t.list(x);
  if (list.totalResults !== total || (total === 0 && list.resources.length > 0)) t.fail(`expected totalResults ${total}, got ${list.totalResults}${list.resources.length > 0 ? ` (first: ${JSON.stringify(field(list.resources[0], 'userName') ?? field(list.resources[0], 'displayName') ?? field(list.resources[0], 'id'))})` : ''}`, x);
  t.note(`200 with totalResults ${total}`);
}

/** A filter that must find exactly the resource `id`; returns it. */
async function expectMatch(t: Check, path: string, id: string): Promise<Record<string, unknown>> {
  const x = await t.send({ method: 'GET', path });
  t.status(x, 200);
  const list = t.list(x);
  if (list.totalResults !== 1 || list.resources.length !== 1) t.fail(`expected exactly 1 match (totalResults 1, one resource), got totalResults ${list.totalResults} with ${list.resources.length} resource(s)`, x);
  t.equal(field(list.resources[0], 'id'), id, 'the match\'s id', x);
  t.note(`found ${id}`);
  return list.resources[0]!;
}

async function createUser(s: Session, p: EntraPerson, name: string): Promise<string | undefined> {
  return s.step(name, { consequence: ENTRA.create }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Users', body: entraUserBody(p) });
    t.status(x, [201, 200]);
    const body = t.body(x);
    const id = t.id(x, body);
    t.equal(field(body, 'userName'), p.userName, 'userName in the answer');
    t.note(`${x.response.status} with id ${id}`);
    return id;
  });
}

/**
 * PATCH, then judge as Entra does: 200 or 204; a 200 with a body must echo what was set (Entra
 * compares it); then what is stored is read back with a GET. Users answer the changed resource;
 * for groups Entra asks for nothing back, so a 200 body is not judged.
 */
async function sendPatch(t: Check, type: ResourceType, id: string, ops: Op[], verify: (resource: Record<string, unknown>, where: string) => void, judgeEcho = true): Promise<true> {
  const x = await t.send({ method: 'PATCH', path: resourcePath(type, id), body: patch(...ops) });
  const status = t.status(x, [200, 204]);
  if (judgeEcho && status === 200 && x.response.text !== '') verify(t.body(x), 'in the PATCH answer, ');
  const { body: stored } = await readBack(t, type, id);
  verify(stored, 'after the PATCH, GET shows ');
  t.note(`${status}; the change is stored`);
  return true;
}

/** Resolves to true when the step passed, so a later step can need it. */
async function patchUser(s: Session, id: string | undefined, name: string, consequence: string, ops: Op[], expected: [string, unknown][], needs: unknown[] = []): Promise<true | undefined> {
  return s.step(name, { consequence, needs: [id, ...needs] }, async (t) => {
    return sendPatch(t, 'Users', id!, ops, (user, where) => {
      for (const [path, value] of expected) t.equal(read(user, path), value, `${where}${path}`);
    });
  });
}

async function deleteResource(s: Session, type: ResourceType, id: string | undefined, name: string, consequence: string): Promise<void> {
  await s.step(name, { consequence, needs: [id] }, (t) => deleteAndConfirm(s, t, type, id!, [204, 200]));
}
