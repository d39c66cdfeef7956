/**
 * Okta's SCIM 2.0 provisioning as Okta's SCIM 2.0 reference describes it: the connector test, a
 * userName filter before every create, POST with Okta's own body, PUT for every profile change and
 * for deactivation (Okta never deletes a user), a path-less PATCH to reactivate, and lower-case group
 * PATCHes. Each step checks only what Okta reads: the status, the id and the values it pushed.
 */
import { VERSION } from '../../core/version.js';
import { GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../scim/schemas.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { field, read, short, values, type Check } from '../check.js';
import type { SimExchange } from '../http.js';
import type { Profile } from '../run.js';
import type { Session } from '../session.js';
import { OKTA } from './okta-consequences.js';
import { deleteAndConfirm, readBack, resourcePath } from './resource-steps.js';


interface Person {
  userName: string;
  givenName: string;
  familyName: string;
  /** Okta sends its own user id (00u…) as externalId. */
  externalId: string;
}

/** The body Okta pushes for a user: core schema only, as in Okta's reference (password when password sync is on). */
function oktaUser(p: Person, active: boolean, id?: string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    ...(id === undefined ? {} : { id }),
    userName: p.userName,
    name: { givenName: p.givenName, familyName: p.familyName },
    emails: [{ primary: true, value: p.userName, type: 'work' }],
    displayName: `${p.givenName} ${p.familyName}`,
    locale: 'en-US',
    externalId: p.externalId,
    groups: [],
    // A create carries the initial password; a PUT sends back what Okta read, meta included.
    ...(id === undefined ? { password: randomBytes(9).toString('base64url') } : { meta: { resourceType: 'User' } }),
    active,
  };
}

/** Okta's reference allows either answer to a userName filter that matches no one: 200 with 0 results, or 404. */
function noMatch(t: Check, x: SimExchange, userName: string): void {
  if (t.status(x, [200, 404]) === 404) {
    t.note('404, which Okta takes as "no such user" (RFC 7644 expects 200 with totalResults 0)');
    return;
  }
  const list = t.list(x);
  t.equal(list.totalResults, 0, `totalResults for a userName nobody has (${userName})`, x);
  t.equal(list.resources.length, 0, 'resources listed for a userName nobody has', x);
  t.note('0 results');
}

function filter(attribute: string, value: string): string {
  return `filter=${attribute} eq ${JSON.stringify(value)}&startIndex=1&count=100`;
}

async function run(s: Session): Promise<void> {
  const jane: Person = { userName: `${s.name('jane')}@example.com`, givenName: 'Jane', familyName: 'Doe', externalId: `00u${randomBytes(9).toString('hex').slice(0, 17)}` };
  await testConnector(s);
  const userId = await createUser(s, jane);
  await findUser(s, jane, userId);
  const deactivated = await updateUser(s, jane, userId);

  await patchActive(s, userId, true, 'Reactivate with a path-less PATCH {"op":"replace","value":{"active":true}}', OKTA.reactivate, [deactivated]);

  await groups(s, userId, jane.userName);

  // Apps in the Okta Integration Network deactivate with PATCH rather than PUT (Okta's SCIM 2.0 reference).
  await patchActive(s, userId, false, 'Deactivate with a path-less PATCH {"op":"replace","value":{"active":false}} (as Okta Integration Network apps are)', OKTA.deactivate, []);
}

/** Okta's "Test Connector Configuration": one user asked for, paging numbers as integers. */
async function testConnector(s: Session): Promise<void> {
  await s.step('Test connector: GET /Users?count=1&startIndex=1 answers a ListResponse', { consequence: OKTA.testConnector }, async (t) => {
    const x = await t.send({ method: 'GET', path: '/Users?count=1&startIndex=1' });
    t.status(x, 200);
    const { totalResults, resources } = t.list(x);
    if (resources.length > 1) t.fail(`asked for count=1, got ${resources.length} Resources`, x);
    // Okta's reference: the paging numbers "need to be exchanged as integers, not as strings".
    for (const name of ['startIndex', 'itemsPerPage']) {
      const value = field(t.body(x), name);
      if (value !== undefined && !Number.isInteger(value)) t.fail(`expected ${name} to be an integer, got ${short(value)}`, x);
    }
    t.note(`ListResponse, totalResults ${totalResults}`);
  });
}

/** A userName filter first (no match), then the create, then the same create again (a conflict). */
async function createUser(s: Session, jane: Person): Promise<string | undefined> {
  await s.step('Before creating, filter by userName: no match yet', { consequence: OKTA.match }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Users?${filter('userName', jane.userName)}` });
    noMatch(t, x, jane.userName);
  });

  const userId = await s.step('Create the user with POST /Users (Okta\'s body)', { consequence: OKTA.create }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Users', body: oktaUser(jane, true) });
    t.status(x, 201);
    const body = t.body(x);
    const id = t.id(x, body);
    t.equal(field(body, 'userName'), jane.userName, 'userName in the answer', x);
    t.equal(field(body, 'active'), true, 'active in the answer', x);
    t.note(`201 with id ${id}`);
    return id;
  });

  await s.step('Creating the same userName again is a 409', { consequence: OKTA.duplicate, needs: [userId] }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Users', body: oktaUser(jane, true) });
    t.status(x, 409);
    t.note('409');
  });

  return userId;
}

/** Reads of the created user: by id, by an unknown id, and by userName filters that match it or no one. */
async function findUser(s: Session, jane: Person, userId: string | undefined): Promise<void> {
  await s.step('GET /Users/{id} returns the user', { consequence: OKTA.read, needs: [userId] }, async (t) => {
    const { x, body } = await readBack(t, 'Users', userId!);
    t.equal(field(body, 'id'), userId, 'id', x);
    t.equal(field(body, 'userName'), jane.userName, 'userName', x);
    t.note('200 with the same id and userName');
  });

  await s.step('GET /Users/{id} for an id that does not exist is a 404', { consequence: OKTA.notFound }, async (t) => {
    const x = await t.send({ method: 'GET', path: resourcePath('Users', randomUUID()) });
    t.status(x, 404);
  });

  await s.step('Filter by userName after the create: exactly the created user', { consequence: OKTA.wrongMatch, needs: [userId] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Users?${filter('userName', jane.userName)}` });
    t.status(x, 200);
    const { totalResults, resources } = t.list(x);
    t.equal(totalResults, 1, 'totalResults', x);
    t.equal(resources.map((r) => field(r, 'id')), [userId], 'the ids in Resources', x);
    t.note(`1 result, id ${userId}`);
  });

  await s.step('Filter by a userName nobody has: no match (the filter is applied)', { consequence: OKTA.wrongMatch, needs: [userId] }, async (t) => {
    const nobody = `${s.name('nobody')}@example.com`;
    noMatch(t, await t.send({ method: 'GET', path: `/Users?${filter('userName', nobody)}` }), nobody);
  });
}

/** A profile change and a deactivation, both by PUT of the whole user; resolves to whether the deactivation was done. */
async function updateUser(s: Session, jane: Person, userId: string | undefined): Promise<boolean | undefined> {
  const updated: Person = { ...jane, familyName: 'Smith' };
  await s.step('Update the profile with PUT /Users/{id} (familyName)', { consequence: OKTA.update, needs: [userId] }, async (t) => {
    // Okta reads the user first and sends back the whole object with its changes.
    await readBack(t, 'Users', userId!);
    const x = await t.send({ method: 'PUT', path: resourcePath('Users', userId!), body: oktaUser(updated, true, userId) });
    t.status(x, 200);
    t.equal(read(t.body(x), 'name.familyName'), 'Smith', 'name.familyName in the answer', x);
    const { x: again, body } = await readBack(t, 'Users', userId!);
    t.equal(read(body, 'name.familyName'), 'Smith', 'name.familyName read back with GET', again);
    t.note('200 with familyName Smith, and stored');
  });

  return s.step('Deactivate with PUT active:false', { consequence: OKTA.deactivate, needs: [userId] }, async (t) => {
    const x = await t.send({ method: 'PUT', path: resourcePath('Users', userId!), body: oktaUser(updated, false, userId) });
    t.status(x, 200);
    t.equal(field(t.body(x), 'active'), false, 'active in the answer', x);
    const { x: again, body } = await readBack(t, 'Users', userId!);
    t.equal(field(body, 'active'), false, 'active read back with GET (a deactivated user is still returned)', again);
    t.note('200 with active false, and stored');
    return true;
  });
}

/** A path-less PATCH of `active`, as Okta sends it: 200 (echoing it) or 204, and stored. */
async function patchActive(s: Session, userId: string | undefined, active: boolean, name: string, consequence: string, needs: unknown[]): Promise<void> {
  await s.step(name, { consequence, needs: [userId, ...needs] }, async (t) => {
    const patch = { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { active } }] };
    const x = await t.send({ method: 'PATCH', path: resourcePath('Users', userId!), body: patch });
    if (t.status(x, [200, 204]) === 200) t.equal(field(t.body(x), 'active'), active, 'active in the answer', x);
    const { x: again, body } = await readBack(t, 'Users', userId!);
    t.equal(field(body, 'active'), active, 'active read back with GET', again);
    t.note(`${x.response.status}, and active ${active} is stored`);
  });
}

/** Okta's group push: create, find by displayName, lower-case member PATCHes, rename, PUT, unlink with DELETE. */
async function groups(s: Session, userId: string | undefined, userName: string): Promise<void> {
  const name = s.name('admins');
  const groupId = await pushGroup(s, name);
  const patch = (t: Check, ...operations: unknown[]) => t.send({ method: 'PATCH', path: resourcePath('Groups', groupId!), body: { schemas: [PATCH_OP_SCHEMA], Operations: operations } });

  const added = await s.step('Add a member: PATCH {"op":"add","path":"members"}', { consequence: OKTA.members, needs: [groupId, userId] }, async (t) => {
    const x = await patch(t, { op: 'add', path: 'members', value: [{ value: userId, display: userName }] });
    t.status(x, [200, 204]);
    const { x: again, body } = await readBack(t, 'Groups', groupId!);
    if (!values(body, 'members').includes(userId!)) t.fail(`expected the group's members to include ${userId}, got [${values(body, 'members').join(', ')}]`, again);
    t.note(`${x.response.status}, and the member is stored`);
    return true;
  });

  const renamed = s.name('administrators');
  await s.step('Rename: path-less PATCH replace with {id, displayName}', { consequence: OKTA.rename, needs: [groupId] }, async (t) => {
    const x = await patch(t, { op: 'replace', value: { id: groupId, displayName: renamed } });
    t.status(x, [200, 204]);
    const { x: again, body } = await readBack(t, 'Groups', groupId!);
    t.equal(field(body, 'displayName'), renamed, 'displayName read back with GET', again);
    t.note(`${x.response.status}, and the new name is stored`);
  });

  await s.step('Remove the member: PATCH remove members[value eq "…"]', { consequence: OKTA.members, needs: [groupId, userId, added] }, async (t) => {
    const x = await patch(t, { op: 'remove', path: `members[value eq ${JSON.stringify(userId)}]` });
    t.status(x, [200, 204]);
    const { x: again, body } = await readBack(t, 'Groups', groupId!);
    if (values(body, 'members').includes(userId!)) t.fail(`expected ${userId} to be gone from the members, got [${values(body, 'members').join(', ')}]`, again);
    t.note(`${x.response.status}, and the member is gone`);
  });

  await s.step('Replace the group with PUT /Groups/{id} (with the member)', { consequence: OKTA.groupReplace, needs: [groupId, userId] }, async (t) => {
    const x = await t.send({ method: 'PUT', path: resourcePath('Groups', groupId!), body: { schemas: [GROUP_SCHEMA], id: groupId, displayName: renamed, members: [{ value: userId, display: userName }] } });
    t.status(x, 200);
    t.equal(values(t.body(x), 'members'), [userId], 'member values in the answer', x);
    const { x: again, body } = await readBack(t, 'Groups', groupId!);
    t.equal(values(body, 'members'), [userId], 'member values read back with GET', again);
    t.equal(field(body, 'displayName'), renamed, 'displayName read back with GET', again);
    t.note('200, and the members are stored');
  });

  await s.step('Unlink the group: DELETE /Groups/{id}, then GET is a 404', { consequence: OKTA.groupDelete, needs: [groupId] }, async (t) => {
    await deleteAndConfirm(s, t, 'Groups', groupId!, [204]);
  });
}

/** The group pushed with no members, then found by its displayName; resolves to its id. */
async function pushGroup(s: Session, name: string): Promise<string | undefined> {
  const groupId = await s.step('Push a group: POST /Groups with no members', { consequence: OKTA.groupCreate }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: name, members: [] } });
    t.status(x, 201);
    const body = t.body(x);
    const id = t.id(x, body);
    t.equal(field(body, 'displayName'), name, 'displayName in the answer', x);
    t.note(`201 with id ${id}`);
    return id;
  });

  await s.step('Find the group by displayName', { consequence: OKTA.groupMatch, needs: [groupId] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `/Groups?${filter('displayName', name)}` });
    t.status(x, 200);
    const { totalResults, resources } = t.list(x);
    t.equal(totalResults, 1, 'totalResults', x);
    t.equal(resources.map((r) => field(r, 'id')), [groupId], 'the ids in Resources', x);
    t.note(`1 result, id ${groupId}`);
  });

  return groupId;
}

export const okta: Profile = {
  name: 'okta',
  title: 'Okta (SCIM 2.0 provisioning: PUT updates, lower-case group PATCHes)',
  // Okta's own User-Agent first (servers that recognise Okta by it still do), then who is really calling.
  userAgent: `Okta SCIM Client 1.0.0 (scimctl/${VERSION} test)`,
  // Okta's SCIM reference shows servers answering text/json;charset=UTF-8, and Okta reads it.
  jsonTypes: /^(application\/(scim\+)?json|text\/json)\b/i,
  run,
};
