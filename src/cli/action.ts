import { Command } from 'commander';
import { Context, type CommandTraits, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

export type Action<A extends unknown[]> = (ctx: Context, ...args: A) => Promise<void>;

/**
 * The root command of one run. It carries that run's io to every action, and the Context of the
 * command that ran, so the top-level handler can name its database in errors.
 */
export class ScimctlProgram extends Command {
  context: Context | undefined;

  constructor(readonly io: CliIo) {
    super('scimctl');
  }
}

/** The run a (sub)command belongs to. */
export function programOf(command: Command): ScimctlProgram {
  let root = command;
  while (root.parent) root = root.parent;
  if (!(root instanceof ScimctlProgram)) throw new Error(`command "${command.name()}" is not part of a scimctl program`);
  return root;
}

/** Wraps a command action: builds the Context from the global options and always closes the database. */
export function action<A extends unknown[]>(fn: Action<A>, traits: CommandTraits = {}) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const program = programOf(command);
    const ctx = new Context(command.optsWithGlobals<GlobalOptions>(), program.io, traits);
    program.context = ctx;
    try {
      await fn(ctx, ...(args.slice(0, -1) as A));
    } finally {
      ctx.close();
    }
  };
}
