import { Command, CommanderError, Option } from 'commander';
import { CliError, exitCodeFor } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { fromStoreError } from './store-errors.js';
import { ScimError } from '../scim/errors.js';
import { currentContext } from './action.js';
import { registerConfig } from './config.js';
import { registerDirectory } from './directory.js';
import { registerEnv } from './env.js';
import { registerGroup } from './group.js';
import { registerLog } from './log.js';
import { registerOrg } from './org.js';
import { registerServe } from './serve.js';
import { registerSeed } from './seed.js';
import { registerExport } from './export.js';
import { registerToken } from './token.js';
import { registerUser } from './user.js';

export function buildProgram(): Command {
  const program = new Command('scimctl')
    .description('A local SCIM 2.0 server and toolkit for testing provisioning from Microsoft Entra ID and Okta')
    .version(VERSION)
    .addOption(new Option('--db <path>', 'SQLite database file (default: $SCIMCTL_DB, else $XDG_DATA_HOME/scimctl/scimctl.db, else ~/.local/share/scimctl/scimctl.db)'))
    .option('--json', 'print one JSON document on stdout, for scripts')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const nouns = [registerEnv, registerOrg, registerDirectory, registerToken, registerUser, registerGroup, registerLog, registerSeed, registerExport, registerServe, registerConfig];
  for (const register of nouns) register(program);
  program.commands.forEach(function inherit(cmd: Command) {
    cmd.exitOverride();
    cmd.commands.forEach(inherit);
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; help and version exit 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    return report(error, argv.includes('--debug'));
  }
}

function report(raw: unknown, debug: boolean): number {
  const current = currentContext();
  const error = current ? fromStoreError(raw, current.dbPath) : raw;
  const red = current?.errColor.red ?? ((s: string) => s);
  if (error instanceof CliError) {
    process.stderr.write(`${red('error:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${error.hint}\n`);
    if (debug && error.cause instanceof Error) process.stderr.write(`${error.cause.stack}\n`);
    return exitCodeFor(error.kind);
  }
  if (error instanceof ScimError) {
    // SCIM rules applied from the CLI (a bad --filter, say) read as usage errors.
    process.stderr.write(`${red('error:')} ${error.detail}\n`);
    return error.status === 404 ? 1 : 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${red('error:')} unexpected: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('Run again with --debug for the stack trace.\n');
  return 1;
}

const code = await main(process.argv);
process.exitCode = code;
