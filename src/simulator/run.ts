/**
 * Runs client profiles against one SCIM base URL, one after another (each on its own resources, so
 * a flaw found by one does not spoil the next), and deletes what each created unless asked to keep it.
 */
import { randomBytes } from 'node:crypto';
import { SimClient } from './http.js';
import { Session, type CreatedResource, type StepResult } from './session.js';

export interface Profile {
  /** The --profile value: entra, entra-2020, okta, rfc. */
  name: string;
  /** A line naming the client and its behaviour, for the report. */
  title: string;
  userAgent: string;
  /** A query the admin appends to the Tenant URL for this client's behaviour (Entra's ?aadOptscim062020). */
  baseQuery?: string;
  /** Content types the client reads as JSON, when it accepts more than application/json and application/scim+json. */
  jsonTypes?: RegExp;
  run(session: Session): Promise<void>;
}

export interface RunOptions {
  baseUrl: string;
  token: string;
  profiles: Profile[];
  keep: boolean;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Called as each step finishes (the text report prints as it goes). */
  onStep?: (result: StepResult) => void;
  onProfile?: (profile: Profile) => void;
}

export interface ProfileSummary {
  name: string;
  title: string;
  passed: number;
  failed: number;
  skipped: number;
}

export interface RunReport {
  ok: boolean;
  summary: { passed: number; failed: number; skipped: number };
  profiles: ProfileSummary[];
  steps: StepResult[];
  /** Every name this run made starts with it. */
  prefix: string;
  /** What the run created and left on the server: everything with --keep, else what the clean-up could not delete. */
  kept: CreatedResource[];
  durationMs: number;
}

/** The start of every name one run makes: random, so runs against the same server keep apart. */
function runPrefix(): string {
  return `scimctl-test-${randomBytes(4).toString('hex')}`;
}

export async function runProfiles(options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const prefix = runPrefix();
  const shared = { answered: 0, onStep: options.onStep };
  const steps: StepResult[] = [];
  const kept: CreatedResource[] = [];
  const profiles: ProfileSummary[] = [];
  for (const profile of options.profiles) {
    options.onProfile?.(profile);
    const baseUrl = profile.baseQuery ? withQuery(options.baseUrl, profile.baseQuery) : withoutEntraFlag(options.baseUrl);
    const client = new SimClient({ baseUrl, token: options.token, timeoutMs: options.timeoutMs, userAgent: profile.userAgent, fetch: options.fetch });
    const session = new Session(profile.name, client, prefix, shared, profile.jsonTypes);
    try {
      await profile.run(session);
    } finally {
      // Even when the run is aborted (nothing answered at all), what was made is deleted or reported.
      if (!options.keep) await session.cleanup().catch(() => undefined);
      kept.push(...session.leftovers());
    }
    steps.push(...session.results);
    profiles.push({ name: profile.name, title: profile.title, ...count(session.results) });
  }
  const summary = count(steps);
  return { ok: summary.failed === 0, summary, profiles, steps, prefix, kept, durationMs: Math.round(performance.now() - started) };
}

function count(results: StepResult[]) {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
  };
}

function withQuery(baseUrl: string, query: string): string {
  const url = new URL(baseUrl);
  if (!url.search.toLowerCase().includes(query.toLowerCase())) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url.href;
}

/**
 * A base URL pasted with ?aadOptscim062020 would put the default-family profiles (entra, okta, rfc)
 * in the server's 2020 mode, where Entra never sends them; the flag is the entra-2020 profile's alone.
 */
function withoutEntraFlag(baseUrl: string): string {
  const url = new URL(baseUrl);
  const kept = url.search.slice(1).split('&').filter((pair) => pair !== '' && pair.toLowerCase() !== 'aadoptscim062020');
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return url.href;
}
