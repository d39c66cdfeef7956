/**
 * The rfc profile's queries (RFC 7644 §3.4.2): every filter operator, paging, sorting and attribute
 * projection, run on the few users the profile created. Every filter is ANDed with
 * `userName sw "<this run's prefix>"`, so what the server already holds never counts.
 */
import { resourcePath } from './resource-steps.js';
import { field, read, short, type Check } from '../check.js';
import type { SimExchange } from '../http.js';
import type { Session } from '../session.js';
import { RFC } from './rfc-consequences.js';

export interface Made {
  label: string;
  id: string;
  userName: string;
}

/** A 200 answer in application/scim+json whose body is a JSON object. */
export function scimBody(t: Check, x: SimExchange): Record<string, unknown> {
  t.status(x, 200);
  t.scimContentType(x);
  return t.body(x);
}

/** What every query step reads: the session, the run's users (`ready` once all four exist) and the filter that scopes to them. */
interface Queries {
  s: Session;
  scope: string;
  users: Made[];
  ready: Made[] | undefined;
  within: string;
  byLabel: (label: string) => Made;
  name: (label: string) => string;
}

export async function queries(s: Session, scope: string, users: Made[], spc: { sorted: boolean } | undefined): Promise<void> {
  const byLabel = (label: string) => users.find((u) => u.label === label)!;
  const name = (label: string) => byLabel(label).userName;
  const ready = users.length === 4 ? users : undefined;
  const within = `userName sw "${scope}"`;
  const q: Queries = { s, scope, users, ready, within, byLabel, name };
  await filterSteps(q);
  await pagingSteps(q, spc);
  await projectionSteps(q);
}

/** Every filter operator, each ANDed with the run's scope. */
async function filterSteps({ s, scope, users, ready, within, name }: Queries): Promise<void> {
  /** Runs `(expr) and userName sw scope` and checks it finds exactly `expected` (labels). */
  const filterStep = (operator: string, expr: () => string, expected: string[]) =>
    s.step(`Filter: ${operator}`, { consequence: RFC.filter, needs: [ready] }, async (t) => {
      const filter = `(${expr()}) and ${within}`;
      const x = await t.send({ method: 'GET', path: `/Users?filter=${filter}&count=100` });
      scimBody(t, x);
      const { resources } = t.list(x);
      const got = resources.map((r) => users.find((u) => u.id === field(r, 'id'))?.label ?? short(field(r, 'userName'))).sort();
      t.equal(got, [...expected].sort(), `the users matching ${filter}`, x);
      t.note(`${filter} → ${expected.length === 0 ? 'none' : expected.join(', ')}`);
    });

  await filterStep('eq (userName is case-insensitive)', () => `userName eq "${name('ada').toUpperCase()}"`, ['ada']);
  await filterStep('ne', () => `userName ne "${name('ada')}"`, ['bob', 'cyd', 'dee']);
  await filterStep('co', () => 'userName co "@beta."', ['bob', 'cyd']);
  await filterStep('sw', () => `userName sw "${scope}b"`, ['bob']);
  await filterStep('ew', () => 'userName ew "@gamma.example"', ['dee']);
  await filterStep('pr', () => 'displayName pr', ['ada', 'bob', 'cyd']);
  await filterStep('gt', () => `userName gt "${name('bob')}"`, ['cyd', 'dee']);
  await filterStep('ge', () => `userName ge "${name('bob')}"`, ['bob', 'cyd', 'dee']);
  await filterStep('lt', () => `userName lt "${name('cyd')}"`, ['ada', 'bob']);
  await filterStep('le', () => `userName le "${name('cyd')}"`, ['ada', 'bob', 'cyd']);
  await filterStep('or, not and parentheses', () => '(userName ew "@alpha.example" or userName ew "@gamma.example") and not (name.familyName eq "Dee")', ['ada']);
  await filterStep('a value path emails[type eq "work" and value co …]', () => 'emails[type eq "work" and value co "@beta."]', ['bob']);
  await filterStep('a sub-attribute name.familyName', () => 'name.familyName eq "Builder"', ['bob']);
}

/** Paging (startIndex and count, count=0) and sorting, on the run's users only. */
async function pagingSteps({ s, ready, within, name }: Queries, spc: { sorted: boolean } | undefined): Promise<void> {
  const page = (t: Check, query: string) => t.send({ method: 'GET', path: `/Users?filter=${within}&${query}` });
  await s.step('Paging: count=1&startIndex=2 is the second of the run\'s users', { consequence: RFC.paging, needs: [ready] }, async (t) => {
    const first = await page(t, 'startIndex=1&count=1');
    const firstIds = t.list(first).resources.map((r) => field(r, 'id'));
    const x = await page(t, 'startIndex=2&count=1');
    const body = scimBody(t, x);
    const { totalResults, resources } = t.list(x);
    t.equal(totalResults, 4, 'totalResults (all matches, not the page)', x);
    t.equal(field(body, 'itemsPerPage'), 1, 'itemsPerPage', x);
    t.equal(field(body, 'startIndex'), 2, 'startIndex', x);
    t.equal(resources.length, 1, 'the number of Resources', x);
    t.equal(firstIds.length, 1, 'the number of Resources at startIndex=1', first);
    if (firstIds[0] === field(resources[0], 'id')) t.fail(`expected startIndex=2 to hold another user than startIndex=1, got ${short(firstIds[0])} both times`, x);
    t.note('itemsPerPage 1, startIndex 2, totalResults 4, another user than page 1');
  });

  await s.step('Paging: count=0 answers totalResults and no Resources', { consequence: RFC.paging, needs: [ready] }, async (t) => {
    const x = await page(t, 'count=0');
    const body = scimBody(t, x);
    t.equal(t.list(x).totalResults, 4, 'totalResults', x);
    t.absent(field(body, 'Resources'), 'Resources with count=0', x);
    t.note('totalResults 4, no Resources');
  });

  await s.step('Sorting: sortBy=userName&sortOrder=descending', { consequence: RFC.sort, needs: [ready, spc] }, async (t) => {
    if (!spc!.sorted) t.skip('the ServiceProviderConfig does not declare sort.supported');
    const x = await page(t, 'sortBy=userName&sortOrder=descending&count=100');
    scimBody(t, x);
    const got = t.list(x).resources.map((r) => field(r, 'userName'));
    t.equal(got, ['dee', 'cyd', 'bob', 'ada'].map(name), 'userNames in order', x);
    t.note('descending by userName');
  });
}

/** attributes and excludedAttributes on one user. */
async function projectionSteps({ s, ready, byLabel }: Queries): Promise<void> {
  const ada = ready && byLabel('ada');
  await s.step('attributes=userName returns id and userName, not displayName', { consequence: RFC.projection, needs: [ada] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `${resourcePath('Users', ada!.id)}?attributes=userName` });
    const body = scimBody(t, x);
    t.equal(field(body, 'id'), ada!.id, 'id (always returned)', x);
    t.equal(field(body, 'userName'), ada!.userName, 'userName', x);
    t.absent(field(body, 'displayName'), 'displayName (not asked for)', x);
    t.note('id and userName only');
  });

  await s.step('excludedAttributes=emails leaves emails out', { consequence: RFC.projection, needs: [ada] }, async (t) => {
    const x = await t.send({ method: 'GET', path: `${resourcePath('Users', ada!.id)}?excludedAttributes=emails` });
    const body = scimBody(t, x);
    t.absent(field(body, 'emails'), 'emails (excluded)', x);
    t.equal(read(body, 'name.familyName'), 'Lovelace', 'name.familyName (not excluded)', x);
    t.note('no emails, the rest is there');
  });
}
