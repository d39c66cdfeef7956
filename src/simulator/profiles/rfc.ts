/**
 * What RFC 7644 and RFC 7643 require of any SCIM 2.0 server, beyond what one IdP happens to send:
 * discovery, SCIM Error bodies with the right status and scimType, authentication, the
 * application/scim+json content type, every filter operator, paging, sorting (when declared),
 * attribute projection and group membership. Stricter than Entra or Okta on purpose.
 */
import { deleteAndConfirm, readBack, resourcePath } from './resource-steps.js';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../scim/schemas.js';
import { VERSION } from '../../core/version.js';
import { field, read, short, values, type Check } from '../check.js';
import type { Profile } from '../run.js';
import type { Session } from '../session.js';
import { RFC } from './rfc-consequences.js';
import { queries, scimBody, type Made } from './rfc-queries.js';

const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/** The users the queries run on: userNames, domains, names and emails chosen so each operator picks a known subset. */
const PEOPLE = [
  { label: 'ada', domain: 'alpha.example', familyName: 'Lovelace', emailType: 'work', displayName: 'Ada Lovelace' },
  { label: 'bob', domain: 'beta.example', familyName: 'Builder', emailType: 'work', displayName: 'Bob Builder' },
  { label: 'cyd', domain: 'beta.example', familyName: 'Charisse', emailType: 'home', displayName: 'Cyd Charisse' },
  { label: 'dee', domain: 'gamma.example', familyName: 'Dee', emailType: 'work', displayName: undefined },
] as const;

async function discovery(s: Session): Promise<{ sorted: boolean } | undefined> {
  const sort = await s.step('GET /ServiceProviderConfig describes the server', { consequence: RFC.discovery }, async (t) => {
    const x = await t.send({ method: 'GET', path: '/ServiceProviderConfig' });
    const body = scimBody(t, x);
    const schemas = field(body, 'schemas');
    if (!Array.isArray(schemas) || !schemas.includes(SPC)) t.fail(`expected schemas to hold ${SPC}, got ${short(schemas)}`, x);
    if (typeof read(body, 'patch.supported') !== 'boolean') t.fail(`expected patch.supported to be a boolean, got ${short(read(body, 'patch.supported'))}`, x);
    if (typeof read(body, 'filter.supported') !== 'boolean') t.fail(`expected filter.supported to be a boolean, got ${short(read(body, 'filter.supported'))}`, x);
    if (read(body, 'filter.supported') === true && typeof read(body, 'filter.maxResults') !== 'number') t.fail(`expected filter.maxResults (a number, as filter is supported), got ${short(read(body, 'filter.maxResults'))}`, x);
    const schemes = field(body, 'authenticationSchemes');
    if (!Array.isArray(schemes) || schemes.length === 0) t.fail(`expected a non-empty authenticationSchemes array, got ${short(schemes)}`, x);
    const sorted = read(body, 'sort.supported') === true;
    t.note(`patch ${String(read(body, 'patch.supported'))}, filter ${String(read(body, 'filter.supported'))} (maxResults ${String(read(body, 'filter.maxResults'))}), sort ${String(sorted)}`);
    // Wrapped so a server that does not sort still yields a defined value (undefined means the step failed).
    return { sorted };
  });

  await s.step('GET /ResourceTypes lists User and Group with their endpoints', { consequence: RFC.discovery }, async (t) => {
    const x = await t.send({ method: 'GET', path: '/ResourceTypes' });
    scimBody(t, x);
    const { resources } = t.list(x);
    for (const [name, endpoint] of [['User', '/Users'], ['Group', '/Groups']] as const) {
      const type = resources.find((r) => field(r, 'name') === name);
      if (!type) t.fail(`expected a ResourceType named ${name}, got [${resources.map((r) => JSON.stringify(field(r, 'name'))).join(', ')}]`, x);
      t.equal(field(type, 'endpoint'), endpoint, `the ${name} ResourceType's endpoint`, x);
    }
    t.note('User at /Users, Group at /Groups');
  });

  await s.step('GET /Schemas defines the User schema and its userName', { consequence: RFC.schemas }, async (t) => {
    const x = await t.send({ method: 'GET', path: '/Schemas' });
    scimBody(t, x);
    const { resources } = t.list(x);
    const user = resources.find((r) => field(r, 'id') === USER_SCHEMA);
    if (!user) t.fail(`expected a schema with id ${USER_SCHEMA}, got [${resources.map((r) => JSON.stringify(field(r, 'id'))).join(', ')}]`, x);
    const attributes = field(user, 'attributes');
    if (!Array.isArray(attributes) || !attributes.some((a) => field(a, 'name') === 'userName')) t.fail('expected the User schema\'s attributes to define userName, got none named so', x);
    t.note(`${resources.length} schemas, User defines userName`);
  });
  return sort;
}

async function createUsers(s: Session, scope: string): Promise<Made[]> {
  const made: Made[] = [];
  for (const p of PEOPLE) {
    const userName = `${scope}${p.label}@${p.domain}`;
    const body = {
      schemas: [USER_SCHEMA],
      userName,
      name: { givenName: p.label, familyName: p.familyName },
      ...(p.displayName === undefined ? {} : { displayName: p.displayName }),
      emails: [{ type: p.emailType, value: `${p.label}@${p.domain}`, primary: true }],
      active: true,
    };
    const id = await s.step(`POST /Users creates ${p.label}`, { consequence: RFC.create }, async (t) => {
      const x = await t.send({ method: 'POST', path: '/Users', body });
      t.status(x, 201);
      t.scimContentType(x);
      const created = t.body(x);
      const newId = t.id(x, created);
      t.equal(field(created, 'userName'), userName, 'userName in the answer', x);
      t.note(`201 with id ${newId}`);
      return newId;
    });
    if (id !== undefined) made.push({ label: p.label, id, userName });
  }
  return made;
}

async function errors(s: Session, someone: Made | undefined): Promise<void> {
  const expectError = (t: Check, x: Awaited<ReturnType<Check['send']>>, status: number, scimType?: string) => {
    t.scimError(x, status, scimType);
    t.scimContentType(x);
    t.note(`${status} Error${scimType ? ` ${scimType}` : ''}`);
  };
  await s.step('An unknown id is a 404 with a SCIM Error body (status "404")', { consequence: RFC.errorBody }, async (t) => {
    expectError(t, await t.send({ method: 'GET', path: '/Users/00000000-0000-4000-8000-000000000000' }), 404);
  });
  await s.step('A malformed filter (userName eq) is a 400 invalidFilter', { consequence: RFC.invalidFilter }, async (t) => {
    expectError(t, await t.send({ method: 'GET', path: '/Users?filter=userName eq' }), 400, 'invalidFilter');
  });
  // userName is unique and caseExact false (RFC 7643 §4.1.1), so another case is the same userName.
  for (const [label, userName] of [['', someone?.userName], [' in another case', someone?.userName.toUpperCase()]] as const) {
    await s.step(`A duplicate userName${label} is a 409 uniqueness`, { consequence: RFC.uniqueness, needs: [userName] }, async (t) => {
      const x = await t.send({ method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName, active: true } });
      expectError(t, x, 409, 'uniqueness');
    });
  }
  await s.step('No Authorization header is a 401', { consequence: RFC.auth }, async (t) => {
    expectError(t, await t.send({ method: 'GET', path: '/Users?count=1', headers: { Authorization: '' } }), 401);
  });
  await s.step('A wrong bearer token is a 401', { consequence: RFC.auth }, async (t) => {
    expectError(t, await t.send({ method: 'GET', path: '/Users?count=1', headers: { Authorization: 'Bearer not-the-token' } }), 401);
  });
  await s.step('A body that is not JSON is a 400 invalidSyntax, not a 500', { consequence: RFC.invalidSyntax }, async (t) => {
    expectError(t, await t.send({ method: 'POST', path: '/Users', rawBody: '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ' }), 400, 'invalidSyntax');
  });
}

async function groups(s: Session, users: Made[]): Promise<void> {
  const [ada, bob, cyd] = users;
  const ready = users.length === 4 ? users : undefined;
  const name = s.name('group');
  const members = (t: Check, id: string) => readBack(t, 'Groups', id, true);
  const groupId = await s.step('POST /Groups with members stores them by value', { consequence: RFC.groups, needs: [ready] }, async (t) => {
    const x = await t.send({ method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: ada!.id }, { value: bob!.id }] } });
    t.status(x, 201);
    t.scimContentType(x);
    const id = t.id(x, t.body(x));
    const { x: again, body } = await members(t, id);
    t.equal(values(body, 'members').sort(), [ada!.id, bob!.id].sort(), 'member values read back with GET', again);
    t.note('201, and both members are stored with their value');
    return id;
  });
  await s.step('PUT /Groups/{id} replaces the name and the members', { consequence: RFC.groups, needs: [groupId] }, async (t) => {
    const renamed = s.name('group-renamed');
    const x = await t.send({ method: 'PUT', path: resourcePath('Groups', groupId!), body: { schemas: [GROUP_SCHEMA], displayName: renamed, members: [{ value: cyd!.id }] } });
    scimBody(t, x);
    const { x: again, body } = await members(t, groupId!);
    t.equal(field(body, 'displayName'), renamed, 'displayName read back with GET', again);
    t.equal(values(body, 'members'), [cyd!.id], 'member values read back with GET (the old ones replaced)', again);
    t.note('200, and the group holds only the new member');
  });
  await s.step('DELETE /Groups/{id} is a 204, then GET is a 404', { consequence: RFC.delete, needs: [groupId] }, async (t) => {
    await deleteAndConfirm(s, t, 'Groups', groupId!, [204], true);
  });
}

async function run(s: Session): Promise<void> {
  // Every name this profile makes starts with it; filters are scoped to it.
  const scope = s.name('');
  const spc = await discovery(s);
  const users = await createUsers(s, scope);
  await errors(s, users[0]);
  await queries(s, scope, users, spc);
  await groups(s, users);
}

export const rfc: Profile = {
  name: 'rfc',
  title: 'RFC 7644 / 7643 (what any SCIM 2.0 client may rely on, stricter than Entra or Okta)',
  userAgent: `scimctl/${VERSION} (test; plays a SCIM client)`,
  run,
};
