import type { Command } from 'commander';
import { action } from './action.js';
import type { TriggerOptions } from './trigger-run.js';

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .argument('[scenario]', 'a scenario (see --list), or a recording file (.json) to play')
    .option('--directory <dir>', 'the directory to play it into, by id or name (needed when there are several)')
    .option('--count <n>', 'user-churn: how many users to create, update and deactivate (default 10)')
    .option('--list', 'list the scenarios')
    .description('play IdP provisioning traffic (Entra, Okta, churn, or a recording) into a local directory through the real SCIM server, so the request log, events and webhooks see it')
    .action(
      action(async (ctx, scenario: string | undefined, opts: TriggerOptions) => {
        // The server (express) and the scenarios load only for this command, keeping other commands' start-up fast.
        const { runTrigger } = await import('./trigger-run.js');
        await runTrigger(ctx, scenario, opts);
      }),
    );
}
