import { Option, type Command } from 'commander';
import { action } from './action.js';
import type { ServeOptions } from './serve-flags.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the SCIM 2.0 server for every directory in the database, or those of --env/--directory (creates a default one if there is none)')
    .addOption(new Option('-p, --port <port>', 'port to listen on; 0 picks a free one').default('8080'))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the URL clients reach this server at (used in base URLs and meta.location)')
    .option('--tunnel', 'also serve the SCIM routes on a public https URL through ngrok, so a real Entra tenant can reach them')
    .option('--public-api', 'with --tunnel: also serve the app API (/v1, SSOReady-compatible) on the public URL; by default it is local only')
    .option('--domain <domain>', 'with --tunnel: a domain reserved in your ngrok account, for a Tenant URL that survives restarts')
    .option('--allow-cidr <cidr>', 'with --tunnel: accept public traffic only from this IP range (repeatable)', collect)
    .option('--env <env>', 'serve only the directories of this environment (repeatable); the others answer 401 like unknown ones', collect)
    .option('--directory <dir>', 'serve only this directory, by id or name (repeatable; adds to --env)', collect)
    .option('--rotate-token', 'print a new bearer token for every served directory at start (the old tokens stop working at once)')
    .option('--forward-to <url>', 'deliver every change (user, group, membership events) to this URL as signed webhooks, at least once and in order; starts with new events')
    .option('--signing-secret <secret>', 'with --forward-to: sign with this whsec_… secret (stored for every served environment); default: each environment\'s own ($SCIMCTL_WEBHOOK_SECRET works too)')
    .option('--no-inspector', 'do not serve the web inspector (the live request log, replay, users and groups) at http://127.0.0.1:<port>/')
    .option('-q, --quiet', 'do not print a line per request or webhook delivery')
    .option('--log-max-rows <n>', 'keep at most this many requests in the request log (the oldest go first)', '100000')
    .option('--log-max-size <size>', 'keep at most this much request and response body in the request log, e.g. 256MB or 1GB', '256MB')
    .option('--event-max-rows <n>', 'keep at most this many events from now on, in every command that writes them (the oldest go first, never one a webhook URL has not acknowledged); default 100000, or what was set last')
    .option('--max-connections <n>', 'connections the local server holds open at once; more are closed as they arrive', '1000')
    .option('--shutdown-timeout <seconds>', 'on Ctrl-C or SIGTERM, how long in-flight requests get before every connection is closed (a second signal stops at once)', '5')
    .action(
      action(async (ctx, opts: ServeOptions) => {
        // The server (express) loads only for this command, keeping other commands' start-up fast.
        const { runServe } = await import('./serve-run.js');
        try {
          await runServe(ctx, opts);
        } finally {
          // @ngrok/ngrok cannot cancel a connect in progress (a timed-out or interrupted start), and
          // the pending native call keeps the event loop alive after the command is done.
          if (opts.tunnel) ctx.io.exitWhenIdle?.();
        }
      }, { createsDatabase: true }),
    );
}
