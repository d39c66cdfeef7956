/**
 * One profile's run: steps in order, each judged, the resources it made remembered so they can be
 * deleted at the end. A step throws StepFailure (through the Check helpers) to fail; a step whose
 * input an earlier step failed to produce is skipped, not failed, so one flaw is reported once.
 */
import { TokenRefused, TransportError, type SimClient, type SimExchange, type SimRequest } from './http.js';
import { isPlainObject } from '../scim/json.js';
import { Check, StepFailure, StepSkip } from './check.js';

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface StepResult {
  profile: string;
  name: string;
  status: StepStatus;
  durationMs: number;
  /** The exchange the verdict is about (the last one the step sent); null when it sent nothing. */
  request: SimExchange['request'] | null;
  response: { status: number; contentType: string; body: unknown } | null;
  /** pass: what was verified; fail: what went wrong and what the real client does next; skip: why. */
  verdict: string;
}

export type ResourceType = 'Users' | 'Groups';

/** `/Users/<id>`, the id percent-encoded: a server's ids may hold any character. */
export const resourcePath = (type: ResourceType, id: string) => `/${type}/${encodeURIComponent(id)}`;

export interface CreatedResource {
  profile: string;
  resourceType: ResourceType;
  id: string;
  name: string;
}

export interface StepOptions {
  /** What the real client does when this step fails (one sentence, shown after the failure). */
  consequence: string;
  /** Values earlier steps produced; if any is undefined (that step failed), this step is skipped. */
  needs?: unknown[];
}

/** A POST that creates a user or a group (endpoint names in any case, as servers route them). */
const CREATED_AT = /^\/(users|groups)\/?(?:\?|$)/i;

/** After this many transport failures in a row the server is taken as gone: the rest is skipped. */
const GONE_AFTER = 2;

export class Session {
  readonly results: StepResult[] = [];
  private readonly created: CreatedResource[] = [];
  private transportFailuresInARow = 0;
  private goneReason: string | undefined;

  constructor(
    readonly profile: string,
    readonly client: SimClient,
    /** Unique per run: every name this run makes starts with it, so it never meets the server's own data. */
    readonly prefix: string,
    private readonly shared: { answered: number; onStep?: (result: StepResult) => void },
    /** The content types the client reads as JSON (Check's default unless the profile says more). */
    private readonly jsonTypes?: RegExp,
  ) {}

  /** A unique name for this profile's resource: `<prefix>-<profile>-<label>`. */
  name(label: string): string {
    return `${this.prefix}-${this.profile}-${label}`;
  }

  async step<T>(name: string, options: StepOptions, body: (t: Check) => Promise<T>): Promise<T | undefined> {
    if (this.goneReason) return this.record({ name, status: 'skip', durationMs: 0, exchange: undefined, verdict: `skipped: ${this.goneReason}` });
    if (options.needs?.some((value) => value === undefined)) {
      return this.record({ name, status: 'skip', durationMs: 0, exchange: undefined, verdict: 'skipped: an earlier step it depends on did not pass' });
    }
    const check = new Check(this, this.jsonTypes);
    const started = performance.now();
    try {
      const value = await body(check);
      this.transportFailuresInARow = 0;
      this.record({ name, status: 'pass', durationMs: performance.now() - started, exchange: check.last, verdict: check.verified() });
      return value;
    } catch (error) {
      const durationMs = performance.now() - started;
      if (error instanceof StepSkip) {
        this.transportFailuresInARow = 0;
        return this.record({ name, status: 'skip', durationMs, exchange: check.last, verdict: `skipped: ${error.reason}` });
      }
      if (error instanceof TokenRefused) throw error;
      if (error instanceof TransportError) {
        // Nothing ever answered: there is nothing to judge, and the user wants one line, not a report.
        if (this.shared.answered === 0) throw error;
        if (++this.transportFailuresInARow >= GONE_AFTER) this.goneReason = `the server stopped answering (${error.message})`;
        this.record({ name, status: 'fail', durationMs, exchange: check.last, verdict: `${error.message}. ${options.consequence}` });
        return undefined;
      }
      this.transportFailuresInARow = 0;
      if (!(error instanceof StepFailure)) {
        // A bug in a profile must not abort the run (and skip the clean-up): the step fails, saying so.
        const message = error instanceof Error ? error.message : String(error);
        this.record({ name, status: 'fail', durationMs, exchange: check.last, verdict: `scimctl could not judge this answer (a bug in scimctl; please report it with the exchange above): ${message}` });
        return undefined;
      }
      this.record({ name, status: 'fail', durationMs, exchange: error.exchange ?? check.last, verdict: `${error.message}. ${options.consequence}` });
      return undefined;
    }
  }

  /**
   * Sends through the client; counts answers so a dead server on the first request aborts the run.
   * Whatever a POST creates is remembered here, before any check of the answer runs, so the clean-up
   * deletes it even when the step then fails (a wrong content type, a numeric id, a duplicate the
   * server should have refused).
   */
  async send(request: SimRequest): Promise<SimExchange> {
    const exchange = await this.client.send(request);
    const { status, json } = exchange.response;
    const answer = isPlainObject(json) ? (json as { id?: unknown; detail?: unknown }) : undefined;
    if (this.shared.answered++ === 0 && (status === 401 || status === 403)) {
      throw new TokenRefused(status, typeof answer?.detail === 'string' ? answer.detail.slice(0, 200) : '');
    }
    const created = CREATED_AT.exec(request.method === 'POST' ? request.path : '');
    const id = answer?.id;
    if (created && status >= 200 && status < 300 && (typeof id === 'string' || typeof id === 'number')) {
      const resourceType: ResourceType = created[1]!.toLowerCase() === 'users' ? 'Users' : 'Groups';
      const sent = (request.body ?? {}) as { userName?: unknown; displayName?: unknown };
      this.remember(resourceType, String(id), String(resourceType === 'Users' ? sent.userName : sent.displayName));
    }
    return exchange;
  }

  private remember(resourceType: ResourceType, id: string, name: string): void {
    if (!this.created.some((r) => r.resourceType === resourceType && r.id === id)) this.created.push({ profile: this.profile, resourceType, id, name });
  }

  forget(resourceType: ResourceType, id: string): void {
    const index = this.created.findIndex((r) => r.resourceType === resourceType && r.id === id);
    if (index >= 0) this.created.splice(index, 1);
  }

  /** What this profile made and has not deleted (groups first: they reference users). */
  leftovers(): CreatedResource[] {
    return [...this.created].sort((a, b) => (a.resourceType === b.resourceType ? 0 : a.resourceType === 'Groups' ? -1 : 1));
  }

  /** Deletes what the profile made and did not delete itself; 404 counts as deleted. */
  async cleanup(): Promise<void> {
    const leftovers = this.leftovers();
    if (leftovers.length === 0) return;
    const name = `Clean up: delete the ${leftovers.length === 1 ? 'resource' : `${leftovers.length} resources`} this profile created and did not delete itself`;
    const consequence = 'Delete them by hand (their names start with the run prefix), or run the test again with a server that supports DELETE';
    // Not a skip: what stays on the server is a failure to report, with the ids to delete.
    if (this.goneReason) return void this.record({ name, status: 'fail', durationMs: 0, exchange: undefined, verdict: `could not delete ${leftovers.map((r) => `${r.resourceType}/${r.id}`).join(', ')}: ${this.goneReason}. ${consequence}` });
    await this.step(name, { consequence }, async (t) => {
      const failed: string[] = [];
      for (const resource of leftovers) {
        const x = await t.send({ method: 'DELETE', path: resourcePath(resource.resourceType, resource.id) });
        if (x.response.status === 204 || x.response.status === 200 || x.response.status === 404) this.forget(resource.resourceType, resource.id);
        else failed.push(`${resource.resourceType}/${resource.id} (${x.response.status})`);
      }
      if (failed.length > 0) t.fail(`could not delete ${failed.join(', ')}`);
      t.note(`deleted ${leftovers.length}`);
    });
  }

  private record(r: { name: string; status: StepStatus; durationMs: number; exchange: SimExchange | undefined; verdict: string }): undefined {
    const result: StepResult = {
      profile: this.profile,
      name: r.name,
      status: r.status,
      durationMs: Math.round(r.durationMs * 10) / 10,
      request: r.exchange?.request ?? null,
      response: r.exchange ? { status: r.exchange.response.status, contentType: r.exchange.response.contentType, body: reportedBody(r.exchange) } : null,
      verdict: r.verdict,
    };
    this.results.push(result);
    this.shared.onStep?.(result);
    return undefined;
  }
}

/** Bodies kept in the report: whole up to REPORTED_BODY_CHARS, else the start of the text (a 5 MB list in every step would swamp --json). */
const REPORTED_BODY_CHARS = 64 * 1024;

function reportedBody(x: SimExchange): unknown {
  const { json, text } = x.response;
  if (text === '') return null;
  if (text.length > REPORTED_BODY_CHARS) return `${text.slice(0, REPORTED_BODY_CHARS)}… (${text.length - REPORTED_BODY_CHARS} more characters)`;
  return json ?? text;
}
