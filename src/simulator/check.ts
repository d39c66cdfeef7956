/**
 * The judging half of a step: each helper checks one thing the real client relies on and throws
 * StepFailure with a sentence naming what it expected and what came back.
 */
import { MAX_JSON_DEPTH } from '../core/json-depth.js';
import { ERROR_SCHEMA } from '../scim/errors.js';
import { findKey, isPlainObject, type Json } from '../scim/json.js';
import { deepEqual } from '../scim/patch/equal.js';
import { MAX_ANSWER_BYTES, type SimExchange, type SimRequest } from './http.js';

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly exchange?: SimExchange,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Thrown by Check.skip: the step found its premise missing on this server (not a flaw to report). */
export class StepSkip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'StepSkip';
  }
}


/** What Entra accepts as a JSON answer; a profile whose client accepts more says so (Okta: text/json). */
export const JSON_TYPES = /^application\/(scim\+)?json\b/i;

/** What a step sends through (its Session): kept this narrow so check.ts does not import session.ts. */
export interface Sender {
  send(request: SimRequest): Promise<SimExchange>;
}

export class Check {
  last: SimExchange | undefined;
  private readonly notes: string[] = [];

  constructor(
    private readonly session: Sender,
    private readonly jsonTypes: RegExp = JSON_TYPES,
  ) {}

  async send(request: SimRequest): Promise<SimExchange> {
    this.last = undefined;
    const exchange = await this.session.send(request);
    this.last = exchange;
    return exchange;
  }

  fail(message: string, exchange?: SimExchange): never {
    throw new StepFailure(message, exchange ?? this.last);
  }

  /** Ends the step as skipped: what it tests is optional and this server says it does not offer it. */
  skip(reason: string): never {
    throw new StepSkip(reason);
  }

  /** A fact the step verified, shown as the pass verdict. */
  note(text: string): void {
    this.notes.push(text);
  }

  verified(): string {
    return this.notes.length > 0 ? this.notes.join('; ') : this.last ? `${this.last.response.status} as expected` : 'as expected';
  }

  /** The status is one of `accepted`. */
  status(x: SimExchange, accepted: number | number[]): number {
    const list = Array.isArray(accepted) ? accepted : [accepted];
    const got = x.response.status;
    // A redirect is never followed (the token must not travel to another URL); say where it points.
    const location = got >= 300 && got < 400 ? x.response.headers.location : undefined;
    const redirect = location ? ` (it redirects to ${short(location)}; give that as the base URL)` : '';
    if (!list.includes(got)) this.fail(`expected ${list.join(' or ')}, got ${got}${detailOf(x)}${redirect}`, x);
    return got;
  }

  /** The body is a JSON object in a JSON content type (Entra and Okta accept application/json too). */
  body(x: SimExchange): Json {
    const type = x.response.contentType;
    if (x.response.problem === 'too-large') this.fail(`the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; scimctl stops reading there, and an IdP gives up on such an answer too`, x);
    if (x.response.problem === 'too-deep') this.fail(`the answer nests deeper than ${MAX_JSON_DEPTH} levels; no SCIM resource does`, x);
    if (x.response.text === '') this.fail(`expected a JSON body, got an empty one`, x);
    if (!this.jsonTypes.test(type)) this.fail(`expected a JSON content type, got ${type || 'none'}${snippet(x)}`, x);
    const json = x.response.json;
    if (json === undefined) this.fail(`the body is not valid JSON${snippet(x)}`, x);
    if (!isPlainObject(json)) this.fail(`expected a JSON object, got ${short(json)}`, x);
    return json;
  }

  /** RFC 7644 §3.1: every SCIM body is application/scim+json. Stricter than Entra and Okta. */
  scimContentType(x: SimExchange): void {
    const type = x.response.contentType;
    if (!/^application\/scim\+json\b/i.test(type)) this.fail(`expected Content-Type application/scim+json (RFC 7644 §3.1), got ${type || 'none'}`, x);
  }

  /** A ListResponse as the client reads it: a numeric totalResults and, when it is not 0, a Resources array. */
  list(x: SimExchange): { totalResults: number; resources: Json[] } {
    const body = this.body(x);
    const total = field(body, 'totalResults');
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) this.fail(`expected a ListResponse with a whole-number totalResults, got totalResults ${short(total)}`, x);
    const resources = field(body, 'Resources');
    if (resources === undefined && total === 0) return { totalResults: 0, resources: [] };
    if (!Array.isArray(resources)) this.fail(`expected a Resources array, got ${short(resources)}`, x);
    if (!resources.every(isPlainObject)) this.fail(`expected Resources to hold objects, got ${short(resources)}`, x);
    // RFC 7644 §3.4.2: totalResults counts every match, so a page never holds more.
    if (resources.length > total) this.fail(`expected at most totalResults (${total}) resources, got ${resources.length}`, x);
    return { totalResults: total, resources: resources as Json[] };
  }

  /** `id`: a non-empty string, as every client keeps it to address the resource later. */
  id(x: SimExchange, body: Json): string {
    const id = body.id;
    if (typeof id !== 'string' || id === '') this.fail(`expected the created resource's "id" (a non-empty string), got ${short(id)}`, x);
    return id;
  }

  equal(actual: unknown, expected: unknown, what: string, x?: SimExchange): void {
    if (!deepEqual(actual, expected)) this.fail(`${what}: expected ${short(expected)}, got ${short(actual)}`, x);
  }

  absent(actual: unknown, what: string, x?: SimExchange): void {
    if (actual !== undefined && actual !== null && !(Array.isArray(actual) && actual.length === 0)) this.fail(`${what}: expected it gone, got ${short(actual)}`, x);
  }

  /** An RFC 7644 §3.12 error body with the given status (and scimType, when given). */
  scimError(x: SimExchange, status: number, scimType?: string): void {
    this.status(x, status);
    const body = this.body(x);
    const schemas = field(body, 'schemas');
    if (!Array.isArray(schemas) || !schemas.includes(ERROR_SCHEMA)) this.fail(`expected an Error body (schemas [${ERROR_SCHEMA}]), got ${short(body)}`, x);
    const bodyStatus = field(body, 'status');
    if (String(bodyStatus) !== String(status)) this.fail(`expected the Error's "status" to be "${status}", got ${short(bodyStatus)}`, x);
    if (scimType !== undefined && field(body, 'scimType') !== scimType) this.fail(`expected scimType "${scimType}", got ${short(field(body, 'scimType'))}`, x);
  }
}

/** A top-level attribute, by a case-insensitive name (SCIM attribute names are case-insensitive). */
export function field(resource: unknown, name: string): unknown {
  return isPlainObject(resource) ? resource[findKey(resource, name)] : undefined;
}

/** `name.givenName`, or `urn:…:User:department` (the extension, then its attribute), case-insensitively. */
export function read(resource: unknown, path: string): unknown {
  if (path.toLowerCase().startsWith('urn:')) {
    const cut = path.lastIndexOf(':');
    return read(field(resource, path.slice(0, cut)), path.slice(cut + 1));
  }
  return path.split('.').reduce<unknown>((value, part) => field(value, part), resource);
}

/** The first element of a multi-valued attribute whose sub-attributes match `where`. */
export function element(resource: unknown, attribute: string, where: Record<string, unknown>): Json | undefined {
  const values = field(resource, attribute);
  if (!Array.isArray(values)) return undefined;
  return values.find((v): v is Json => isPlainObject(v) && Object.entries(where).every(([k, want]) => deepEqual(field(v, k), want)));
}

/** The `value`s of a multi-valued attribute (members, groups). */
export function values(resource: unknown, attribute: string): string[] {
  const list = field(resource, attribute);
  return Array.isArray(list) ? list.map((v) => field(v, 'value')).filter((v): v is string => typeof v === 'string') : [];
}

/** A value for a message: JSON, cut to stay on a line. */
export function short(value: unknown, max = 160): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `: "<detail>"` from a SCIM error body, or the start of a non-JSON body; empty when there is neither. */
function detailOf(x: SimExchange): string {
  const detail = field(x.response.json, 'detail');
  if (typeof detail === 'string' && detail !== '') return `: ${short(detail)}`;
  return snippet(x);
}

function snippet(x: SimExchange): string {
  const text = x.response.text.replace(/\s+/g, ' ').trim();
  if (text === '' || x.response.json !== undefined) return '';
  return ` (body: ${text.length > 80 ? `${text.slice(0, 80)}…` : text})`;
}
