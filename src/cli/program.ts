import { CommanderError, Option } from 'commander';
import { CliError, exitCodeFor } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { fromStoreError } from './store-errors.js';
import { ScimError } from '../scim/errors.js';
import { ScimctlProgram } from './action.js';
import { registerConfig } from './config.js';
import { registerDirectory } from './directory.js';
import { registerEnv } from './env.js';
import { registerGroup } from './group.js';
import type { CliIo, CliOutput } from './io.js';
import { registerLog } from './log.js';
import { registerEvents } from './events.js';
import { registerWebhook } from './webhook.js';
import { registerOrg } from './org.js';
import { registerServe } from './serve.js';
import { registerSeed } from './seed.js';
import { registerExport } from './export.js';
import { registerToken } from './token.js';
import { registerApiKey } from './apikey.js';
import { registerUser } from './user.js';
import { registerStatus } from './status.js';
import { registerTrigger } from './trigger.js';
import { registerCompletion } from './completion.js';
import { registerTest } from './test.js';
import { finishCommand } from './examples.js';
import { USAGE_HINT } from './options.js';

/** Commander's own colour rule (NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, else the terminal), read from io. */
function commanderColors(env: CliIo['env'], stream: CliOutput): boolean {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return Boolean(stream.isTTY && stream.hasColors?.());
}

/** The whole command tree for one run; help, usage errors and --version go to that run's io. */
export function buildProgram(io: CliIo, jsonErrors = false): ScimctlProgram {
  const program = new ScimctlProgram(io);
  // Before any subcommand exists: subcommands copy these settings when they are added.
  program.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    // 80 is commander's own fallback when the output is not a terminal.
    getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns) || 80,
    getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns) || 80,
    getOutHasColors: () => commanderColors(io.env, io.stdout),
    getErrHasColors: () => commanderColors(io.env, io.stderr),
    // Under --json, runCli reports commander's errors as JSON instead.
    outputError: (text, write) => (jsonErrors ? undefined : write(inOurWords(text))),
  });
  // Every subcommand's --help lists --db, --json and --debug too (commander copies this setting).
  program.configureHelp({ showGlobalOptions: true });
  program
    .description('A local SCIM 2.0 server and toolkit for testing provisioning from Microsoft Entra ID and Okta')
    .version(VERSION)
    .addOption(new Option('--db <path>', 'SQLite database file (default: $SCIMCTL_DB, else $XDG_DATA_HOME/scimctl/scimctl.db, else ~/.local/share/scimctl/scimctl.db)'))
    .option('--json', 'print one JSON document on stdout, for scripts')
    .option('--fields <list>', 'with --json: keep only these top-level fields (comma-separated) of the result, or of each item of a list')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError(jsonErrors ? false : USAGE_HINT)
    .exitOverride();
  const nouns = [registerEnv, registerOrg, registerDirectory, registerToken, registerApiKey, registerUser, registerGroup, registerLog, registerEvents, registerWebhook, registerSeed, registerExport, registerServe, registerTest, registerTrigger, registerStatus, registerConfig, registerCompletion];
  for (const register of nouns) register(program);
  program.commands.forEach(function inherit(cmd) {
    cmd.exitOverride();
    finishCommand(cmd);
    cmd.commands.forEach(inherit);
  });
  return program;
}

/**
 * Runs scimctl once: `argv` are the user's arguments (no node, no script path); everything it
 * reads, writes or waits for comes through `io`. Resolves to the exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Options end at `--`; a --json after it is an argument.
  const end = argv.indexOf('--');
  const json = (end === -1 ? argv : argv.slice(0, end)).includes('--json');
  const program = buildProgram(io, json);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return program.context?.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unless --json); help and version exit 0.
      if (error.exitCode === 0) return 0;
      if (json) writeJsonError(io, 'usage', inOurWords(error.message).replace(/^error: /, ''), USAGE_HINT);
      return 2;
    }
    return report(error, program, argv.includes('--debug'), json);
  }
}

/** Commander's messages in the wording scimctl's own use: `missing required argument <user>`, as in the usage line. */
function inOurWords(text: string): string {
  return text.replace(/missing required argument '([^']+)'/, 'missing required argument <$1>');
}

/** Errors under --json: one JSON line on stderr, so a script can tell kinds apart without parsing prose. */
function writeJsonError(io: CliIo, kind: string, message: string, hint?: string): void {
  io.stderr.write(JSON.stringify({ error: { kind, message, ...(hint ? { hint } : {}) } }) + '\n');
}

function report(raw: unknown, program: ScimctlProgram, debug: boolean, json: boolean): number {
  const current = program.context;
  const error = current ? fromStoreError(raw, current.dbPath) : raw;
  if (json && !debug) return reportJson(error, program.io, current?.withDb.bind(current) ?? ((s: string) => s));
  const red = current?.errColor.red ?? ((s: string) => s);
  const write = (line: string) => program.io.stderr.write((current ? current.withDb(line) : line) + '\n');
  if (error instanceof CliError) {
    write(`${red('error:')} ${error.message}`);
    if (error.hint) write(error.hint);
    if (debug && error.cause instanceof Error) write(`${error.cause.stack}`);
    return exitCodeFor(error.kind);
  }
  if (error instanceof ScimError) {
    // SCIM rules applied from the CLI (a bad --filter, say) read as usage errors.
    write(`${red('error:')} ${error.detail}`);
    return error.status === 404 ? 1 : 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${red('error:')} unexpected: ${message}`);
  if (debug && error instanceof Error) write(`${error.stack}`);
  else write('Run again with --debug for the stack trace.');
  return 1;
}

function reportJson(error: unknown, io: CliIo, withDb: (text: string) => string): number {
  if (error instanceof CliError) {
    writeJsonError(io, error.kind, error.message, error.hint && withDb(error.hint));
    return exitCodeFor(error.kind);
  }
  if (error instanceof ScimError) {
    writeJsonError(io, error.status === 404 ? 'not-found' : 'usage', error.detail);
    return error.status === 404 ? 1 : 2;
  }
  writeJsonError(io, 'internal', `unexpected: ${error instanceof Error ? error.message : String(error)}`, 'Run again with --debug for the stack trace');
  return 1;
}
