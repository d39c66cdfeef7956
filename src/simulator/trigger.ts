/**
 * Plays a Recording (a scenario's or a file's) step by step against one SCIM base URL and reports
 * each step: what was sent, the status, how long it took, and whether the status was the expected
 * one. Body expectations are reported but do not fail a step: a file recorded against scimctl
 * expects its exact answers, which a directory that already holds data may not give.
 */
import { isPlainObject } from '../scim/json.js';
import { getPointer, PlaceholderError, Replay, type PreparedStep, type Recording, type RecordingStep, type ReplayTarget, type StepOutcome } from './recording.js';

export interface TriggerStep {
  name: string;
  method: string;
  /** Relative to the directory's base URL, query included (decoded, as the log shows it). */
  path: string;
  /** null when the step could not be sent (it needs a value an earlier, failed step should have captured). */
  status: number | null;
  expected: number;
  durationMs: number;
  /** The status was the expected one. */
  ok: boolean;
  /** What else differed from the recording's expectations, or why the step was not sent. */
  notes: string[];
}

export interface TriggerReport {
  ok: boolean;
  /** Stopped before the last step (shouldStop); `steps` holds only those played. */
  stopped: boolean;
  summary: { sent: number; failed: number };
  steps: TriggerStep[];
  /** Users and groups the run created: 201 answers by their meta.resourceType. */
  created: { users: number; groups: number };
}

/** A step whose URL leaves the directory's server: it would carry the run's secret elsewhere. Nothing was sent. */
export class ForeignUrlError extends Error {
  override name = 'ForeignUrlError';
}

/**
 * A 401 the step did not expect. The run sends only the internal app's own credential, which is
 * good for as long as the app runs, so this means the directory is gone: the rest would be 401s too.
 */
export class CredentialRefusedError extends Error {
  override name = 'CredentialRefusedError';
}

export interface PlayOptions {
  /** Called with each step as soon as it is done. */
  onStep?: (step: TriggerStep) => void;
  /** Asked before each step: true stops the run there (Ctrl-C); the report so far is returned. */
  shouldStop?: () => boolean;
}

export async function playRecording(recording: Recording, target: ReplayTarget, options: PlayOptions = {}): Promise<TriggerReport> {
  const { onStep, shouldStop } = options;
  const replay = new Replay(recording, target);
  const origin = new URL(target.baseUrl).origin;
  const steps: TriggerStep[] = [];
  const created = { users: 0, groups: 0 };
  let stopped = false;
  for (const step of recording.steps) {
    if (shouldStop?.()) {
      stopped = true;
      break;
    }
    const path = resolvedPath(replay, step.path);
    const prepared = prepare(replay, step, origin);
    let result: TriggerStep;
    if (typeof prepared === 'string') {
      result = { name: step.name, method: step.method, path, status: null, expected: step.expect.status, durationMs: 0, ok: false, notes: [`not sent: ${prepared}`] };
    } else {
      // A transport failure is not caught: the server is this process's own, so one means something is badly wrong.
      const outcome = await runWithRetries(replay, step, prepared, shouldStop ?? (() => false));
      if (outcome.status === 401 && step.expect.status !== 401) throw new CredentialRefusedError(`step "${step.name}" got 401: the directory refused the run's credential`);
      const ok = outcome.status === step.expect.status;
      const notes = outcome.failures.filter((f) => !f.startsWith('status:'));
      if (!ok) notes.unshift(...scimErrorNotes(outcome.body));
      result = { name: step.name, method: step.method, path, status: outcome.status, expected: step.expect.status, durationMs: outcome.durationMs, ok, notes };
      // By what the server says it made, not the recording's path text (which it may route case-insensitively).
      if (outcome.status === 201) {
        const type = getPointer(outcome.body, '/meta/resourceType');
        if (type === 'User') created.users++;
        if (type === 'Group') created.groups++;
      }
    }
    steps.push(result);
    onStep?.(result);
  }
  const failed = steps.filter((s) => !s.ok).length;
  return { ok: failed === 0 && !stopped, stopped, summary: { sent: steps.filter((s) => s.status !== null).length, failed }, steps, created };
}

/** How often a 503 with Retry-After is sent again, and the longest wait each time. */
export const RETRIES_503 = 3;
const MAX_RETRY_WAIT_MS = 5_000;

/**
 * The step sent, and sent again while it gets a 503 with Retry-After: the app's answer when another
 * process (a running serve) holds the database's write lock for longer than it waits.
 */
async function runWithRetries(replay: Replay, step: RecordingStep, prepared: PreparedStep, shouldStop: () => boolean): Promise<StepOutcome> {
  let outcome = await replay.run(step, prepared);
  for (let retry = 0; retry < RETRIES_503 && outcome.status === 503 && step.expect.status !== 503; retry++) {
    const seconds = Number(outcome.headers['retry-after']);
    if (outcome.headers['retry-after'] === undefined || !(seconds >= 0)) break;
    // Waited in short slices, so Ctrl-C during the wait stops the run at once (the 503 stands as the step's answer).
    const until = Date.now() + Math.min(seconds * 1000, MAX_RETRY_WAIT_MS);
    while (Date.now() < until && !shouldStop()) await new Promise((r) => setTimeout(r, Math.min(STOP_POLL_MS, until - Date.now())));
    if (shouldStop()) break;
    outcome = await replay.run(step, prepared);
  }
  return outcome;
}

/** How often a retry's wait looks for a stop request. */
const STOP_POLL_MS = 100;

/** A SCIM error's scimType and detail (RFC 7644 §3.12), which say why the status was not the expected one. */
function scimErrorNotes(body: unknown): string[] {
  const scimType = getPointer(body, '/scimType');
  const detail = getPointer(body, '/detail');
  const parts = [typeof scimType === 'string' ? `scimType: ${scimType}` : '', typeof detail === 'string' ? `detail: ${detail}` : ''].filter((p) => p !== '');
  return parts.length === 0 ? [] : [parts.join('; ')];
}

/**
 * The step with every placeholder filled (url, body, headers, expected body) before anything is
 * sent; or why it cannot be sent: a placeholder an earlier, failed step should have captured.
 */
function prepare(replay: Replay, step: RecordingStep, origin: string): PreparedStep | string {
  let prepared: PreparedStep;
  try {
    prepared = replay.resolveStep(step);
  } catch (error) {
    if (error instanceof PlaceholderError) return error.message;
    throw error;
  }
  if (originOf(prepared.url) !== origin) throw new ForeignUrlError(`step "${step.name}" would go to another server than the directory's (${origin}); nothing was sent`);
  return prepared;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The path as sent; with a placeholder that has no value, as written in the recording. */
function resolvedPath(replay: Replay, path: string): string {
  try {
    return String(replay.resolve(path));
  } catch {
    return path;
  }
}

/** A recording file's contents checked for what playing it needs; the message says what is wrong. */
export function parseRecording(value: unknown): Recording {
  const fail = (what: string): never => {
    throw new Error(`not a recording: ${what}`);
  };
  if (!isPlainObject(value)) return fail('expected a JSON object with "tenantUrl" and "steps"');
  const r = value;
  // The run's secret goes wherever the tenant URL points: only the directory's own base URL will do.
  if (typeof r.tenantUrl !== 'string' || !r.tenantUrl.startsWith('{{baseUrl}}')) fail('"tenantUrl" must start with "{{baseUrl}}" (the directory\'s base URL), e.g. "{{baseUrl}}?aadOptscim062020"');
  if (!Array.isArray(r.steps)) fail('"steps" must be an array');
  // A copy: the caller's value is left as it was, and each step gets its default name here.
  const steps = (r.steps as unknown[]).map((s, i): RecordingStep => {
    const at = `steps[${i}]`;
    if (!isPlainObject(s)) return fail(`${at} must be an object`);
    const step = s;
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(step.method as string)) fail(`${at}.method must be GET, POST, PUT, PATCH or DELETE`);
    if (typeof step.path !== 'string' || !step.path.startsWith('/')) fail(`${at}.path must be a string starting with "/"`);
    const expect = step.expect as Record<string, unknown> | undefined;
    if (typeof expect?.status !== 'number') fail(`${at}.expect.status must be a number`);
    // A header value with CR or LF would be a header injection; fetch would refuse it mid-run anyway.
    if (step.headers !== undefined && !isStringMap(step.headers, (v) => !/[\r\n]/.test(v))) fail(`${at}.headers must be an object of strings without line breaks`);
    if (step.capture !== undefined && !isStringMap(step.capture, (v) => v.startsWith('/'))) fail(`${at}.capture must be an object of JSON Pointers (strings starting with "/")`);
    return { ...(step as unknown as RecordingStep), name: typeof step.name === 'string' ? step.name : `${step.method as string} ${step.path as string}` };
  });
  return { name: typeof r.name === 'string' ? r.name : 'recording', description: typeof r.description === 'string' ? r.description : '', source: typeof r.source === 'string' ? r.source : '', tenantUrl: r.tenantUrl as string, steps };
}

function isStringMap(value: unknown, valid: (v: string) => boolean): boolean {
  return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string' && valid(v));
}
