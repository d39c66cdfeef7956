/**
 * Names for scenario runs. Every userName, externalId and group name a run makes carries the run's
 * id, so a scenario can be triggered again into the same directory without meeting its own earlier
 * users (a 409 uniqueness conflict) and a person can tell the runs apart in the log.
 */
import { randomBytes } from 'node:crypto';
import type { RecordingStep } from '../recording.js';

/** Six hex characters: short enough to read in a userName, and collisions in one directory are unlikely. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** Contoso's usual cast, as in Microsoft's own samples. */
const PEOPLE: readonly (readonly [string, string, string])[] = [
  ['Adele', 'Vance', 'Chief Executive Officer'],
  ['Alex', 'Wilber', 'Director of Engineering'],
  ['Diego', 'Siciliani', 'Director of Sales'],
  ['Grady', 'Archie', 'Director of Operations'],
  ['Henrietta', 'Mueller', 'Software Engineer'],
  ['Isaiah', 'Langer', 'Software Engineer'],
  ['Johanna', 'Lorenz', 'Site Reliability Engineer'],
  ['Lee', 'Gu', 'Account Executive'],
  ['Lidia', 'Holloway', 'Account Executive'],
  ['Lynne', 'Robbins', 'Operations Analyst'],
  ['Megan', 'Bowen', 'Product Manager'],
  ['Miriam', 'Graham', 'Designer'],
];

export interface Person {
  /** The key captures use: users.<key>.id. */
  key: string;
  givenName: string;
  familyName: string;
  displayName: string;
  title: string;
  /** e.g. adele.vance.3fa9c1 (a second round of the cast gets a number: adele.vance2.3fa9c1). */
  nickname: string;
  userName: string;
}

/** The i-th person of run `runId` at `domain`; past the cast it starts over with numbered names. */
export function person(i: number, runId: string, domain = 'contoso.com'): Person {
  const [givenName, familyName, title] = PEOPLE[i % PEOPLE.length]!;
  const round = Math.floor(i / PEOPLE.length);
  const nickname = `${givenName}.${familyName}${round > 0 ? round + 1 : ''}.${runId}`.toLowerCase();
  return { key: `u${i}`, givenName, familyName, displayName: `${givenName} ${familyName}`, title, nickname, userName: `${nickname}@${domain}` };
}

/** The placeholder of a user's id captured by its create step. */
export const userId = (p: Person | string) => `{{users.${typeof p === 'string' ? p : p.key}.id}}`;
export const groupId = (key: string) => `{{groups.${key}.id}}`;

/** A step that expects only a status: scenarios check that the server took the request, not its every answer. */
export function step(name: string, method: RecordingStep['method'], path: string, status: number, extra: Partial<RecordingStep> = {}): RecordingStep {
  return { name, method, path, expect: { status }, ...extra };
}

/** A filter GET that finds nothing yet, as an IdP's match before a create. */
export function noMatch(name: string, path: string): RecordingStep {
  return step(name, 'GET', path, 200, { expect: { status: 200, body: { totalResults: 0 } } });
}
