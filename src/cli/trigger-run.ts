import { readFileSync } from 'node:fs';
import { CliError, invalidError, usageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { startInternalApp } from '../server/internal-app.js';
import type { Recording } from '../simulator/recording.js';
import { TransportError } from '../simulator/http.js';
import { buildScenario, findScenario, MAX_CHURN_COUNT, newRunId, SCENARIOS, type Scenario } from '../simulator/scenarios/index.js';
import { CredentialRefusedError, ForeignUrlError, parseRecording, playRecording, type TriggerStep } from '../simulator/trigger.js';
import type { Context } from './context.js';
import { parseCount } from './options.js';
import { pickReadDirectory } from './pickers.js';
import { count, escapeControls } from './text.js';

export interface TriggerOptions {
  directory?: string;
  count?: string;
  list?: boolean;
}

/** Per request: the app waits at most 5 s for a locked database (then 503), so this is only a stuck server. */
const TIMEOUT_MS = 30_000;

const LIST_HINT = 'run `scimctl trigger --list` to see them';

interface Play {
  /** The scenario's name, or the file as given. */
  name: string;
  recording: Recording;
  userAgent: string;
  /** The short id every name a scenario makes carries (adele.vance.<runId>@…); null for a recording file, whose names are as written. */
  runId: string | null;
}

export async function runTrigger(ctx: Context, ref: string | undefined, opts: TriggerOptions): Promise<void> {
  if (opts.list) {
    if (ref !== undefined) throw usageError('--list takes no scenario');
    listScenarios(ctx);
    return;
  }
  if (ref === undefined) throw usageError(`missing scenario: give a scenario or a recording file; ${LIST_HINT}`);
  const play = resolvePlay(ref, opts);
  const directory = await pickReadDirectory(ctx, opts.directory);
  // Logged bodies name the directory where an IdP would reach it (as serve does), not this run's port;
  // read once, before the app takes requests, rather than from the database on every one.
  const publicUrl = ctx.store.environments.findById(directory.environmentId)?.publicUrl;
  const app = await startInternalApp(ctx.store, directory.id, {
    publicUrl: () => publicUrl,
    onInternalError: ctx.internalError,
  });
  let report;
  // Ctrl-C stops between steps: the app closes, the partial summary prints, and the action's
  // ctx.close() flushes the request log's rows for the steps that were sent.
  let stopRequested = false;
  const dispose = ctx.io.onStop(() => (stopRequested = true));
  try {
    const onStep = ctx.json ? undefined : (step: TriggerStep) => ctx.io.stdout.write(stepLine(ctx, step) + '\n');
    // The token is the app's own per-run secret; it is handed to the client and never printed.
    report = await playRecording(play.recording, { baseUrl: app.baseUrl, token: app.token, userAgent: play.userAgent, timeoutMs: TIMEOUT_MS }, { onStep, shouldStop: () => stopRequested });
  } catch (error) {
    // Only the run's own credential is sent, so a 401 can only mean the directory was deleted.
    if (error instanceof CredentialRefusedError) throw new CliError('runtime', `directory ${directory.id} no longer exists (deleted during the run)`);
    if (error instanceof TransportError) throw new CliError('runtime', transportMessage(error));
    if (error instanceof ForeignUrlError) throw invalidError(`${escapeControls(play.name)}: ${escapeControls(error.message)}`);
    throw error;
  } finally {
    dispose();
    await app.close();
  }
  const { ok, stopped, summary, steps, created } = report;
  ctx.result({ scenario: play.name, runId: play.runId, directoryId: directory.id, ok, stopped, summary, steps, created }, () => {
    const made = `${count(created.users, 'user', 'users')} and ${count(created.groups, 'group', 'groups')} created`;
    const unexpected = summary.failed === 0 ? 'every status as expected' : `${summary.failed} of ${count(steps.length, 'step', 'steps')} not as expected`;
    const cut = stopped ? ` (stopped after ${steps.length} of ${count(play.recording.steps.length, 'step', 'steps')})` : '';
    return `${count(summary.sent, 'request', 'requests')} sent to ${escapeControls(directory.name ?? directory.id)} (${directory.id})${cut}: ${made}; ${unexpected}.`;
  });
  if (!ctx.json) ctx.notice(ctx.errColor.dim(`See them with \`scimctl log list --directory ${directory.id}\` and \`scimctl events list --directory ${directory.id}\`.`));
  if (stopped) throw new CliError('cancelled', `stopped after ${steps.length} of ${count(play.recording.steps.length, 'step', 'steps')}`);
  if (!ok) throw new CliError('runtime', `${summary.failed} of ${count(steps.length, 'step', 'steps')} did not get the expected status (or could not be sent)`);
}

/**
 * One line for a request to the run's own server that got no HTTP answer. The client's timeout
 * message suggests --timeout, which trigger does not have, so a timeout is worded here.
 */
export function transportMessage(error: TransportError): string {
  if (error.kind === 'timeout') return `the run's server did not answer within ${TIMEOUT_MS / 1000} s; nothing after that step was sent`;
  return `the run's server gave no HTTP answer: ${escapeControls(error.message)}`;
}

function listScenarios(ctx: Context): void {
  const rows = SCENARIOS.map((s) => ({ name: s.name, description: s.description }));
  ctx.result(rows, () => ctx.table(['SCENARIO', 'DESCRIPTION'], rows.map((r) => [r.name, r.description]), [0]) + '\nOr give a recording file: `scimctl trigger ./recording.json`.');
}

/** A scenario by name, else a recording file when the argument looks like one. */
function resolvePlay(ref: string, opts: TriggerOptions): Play {
  const scenario = findScenario(ref);
  if (scenario) {
    const runId = newRunId();
    return { name: scenario.name, recording: buildScenario(scenario, { runId, count: countFlag(scenario, opts.count) }), userAgent: userAgent(scenario.name, scenario.client), runId };
  }
  if (opts.count !== undefined) throw usageError('--count applies to user-churn only');
  if (!/\.json$/i.test(ref) && !/[\\/]/.test(ref)) throw usageError(`unknown scenario "${escapeControls(ref)}": ${LIST_HINT}`);
  return { name: ref, recording: readRecording(ref), userAgent: userAgent('recording', 'a recorded IdP'), runId: null };
}

/** Says what made the traffic: the log's USER AGENT column tells a trigger run from a real IdP's. */
const userAgent = (what: string, client: string) => `scimctl/${VERSION} trigger ${what} (${client})`;

function countFlag(scenario: Scenario, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (scenario.name !== 'user-churn') throw usageError('--count applies to user-churn only');
  return parseCount('--count', raw, 1, MAX_CHURN_COUNT);
}

function readRecording(file: string): Recording {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(`cannot read recording ${escapeControls(file)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidError(`${escapeControls(file)} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseRecording(value);
  } catch (error) {
    throw invalidError(`${escapeControls(file)}: ${(error as Error).message}`);
  }
}

/** Like serve's line per request: method, path, status, duration; and what was expected when it differed. */
function stepLine(ctx: Context, step: TriggerStep): string {
  const c = ctx.color;
  const status = step.status === null ? '' : step.status >= 500 ? c.red(step.status) : step.status >= 400 ? c.yellow(step.status) : c.green(step.status);
  const q = step.path.indexOf('?');
  const path = q < 0 ? escapeControls(step.path) : escapeControls(step.path.slice(0, q)) + c.dim(escapeControls(step.path.slice(q)));
  const expected = step.ok ? '' : ' ' + c.red(`(expected ${step.expected})`);
  const notes = step.notes.map((n) => '\n    ' + c.dim(escapeControls(n))).join('');
  // A step that was not sent has no status or duration to show.
  const outcome = step.status === null ? c.red('not sent') : `${status} ${c.dim(step.durationMs.toFixed(1) + 'ms')}`;
  return `${step.method.padEnd(6)} ${path} ${outcome}${expected}${notes}`;
}
