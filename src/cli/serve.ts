import { Option, type Command } from 'commander';
import { action } from './action.js';

export interface ServeOptions {
  port: string;
  host: string;
  publicUrl?: string;
  quiet?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the SCIM 2.0 server for every directory in the database (creates a default one if there is none)')
    .addOption(new Option('-p, --port <port>', 'port to listen on; 0 picks a free one').default('8080'))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the URL clients reach this server at (used in base URLs and meta.location)')
    .option('-q, --quiet', 'do not print a line per request')
    .action(
      action(async (ctx, opts: ServeOptions) => {
        // The server (express) loads only for this command, keeping other commands' start-up fast.
        const { runServe } = await import('./serve-run.js');
        await runServe(ctx, opts);
      }),
    );
}
