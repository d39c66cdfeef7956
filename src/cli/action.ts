import type { Command } from 'commander';
import { Context, type GlobalOptions } from './context.js';

export type Action<A extends unknown[]> = (ctx: Context, ...args: A) => Promise<void>;

let current: Context | undefined;

/** The context of the running command, so the top-level handler can name its database in errors. */
export const currentContext = () => current;

/**
 * A reader that goes away early (`scimctl org list --json | head -1`) is not our error: without a
 * listener, Node turns EPIPE into an uncaught exception with a stack trace.
 */
function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

/** Wraps a command action: builds the Context from the global options and always closes the database. */
export function action<A extends unknown[]>(fn: Action<A>) {
  return async (...args: unknown[]) => {
    if (!process.stdout.listeners('error').includes(ignoreBrokenPipe)) process.stdout.on('error', ignoreBrokenPipe);
    const command = args[args.length - 1] as Command;
    const ctx = new Context(command.optsWithGlobals<GlobalOptions>());
    current = ctx;
    try {
      await fn(ctx, ...(args.slice(0, -1) as A));
    } finally {
      ctx.close();
    }
  };
}
