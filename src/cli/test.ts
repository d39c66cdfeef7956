import { Option, type Command } from 'commander';
import { action } from './action.js';
import { collectProfiles, PROFILE_CHOICES, type TestOptions } from './test-flags.js';

export function registerTest(program: Command): void {
  program
    .command('test')
    .argument('<base-url>', 'the SCIM base URL to test, as you would paste it into Entra (e.g. https://app.example.com/scim/v2)')
    .option('--token <token>', 'the bearer token the server expects (default: $SCIMCTL_TEST_TOKEN)')
    .addOption(new Option('--profile <name>', `which client to play (repeatable, or comma-separated): ${PROFILE_CHOICES.join(', ')}`).argParser(collectProfiles))
    .option('--keep', 'leave the users and groups the run creates on the server (by default they are deleted at the end)')
    .option('--timeout <seconds>', 'how long to wait for each answer', '10')
    .option('--junit <file>', 'also write the results as JUnit XML (for CI test reports)')
    .description('play what Microsoft Entra ID and Okta send against any SCIM server, and judge every answer as they do')
    .action(
      action(async (ctx, baseUrl: string, opts: TestOptions) => {
        const { runTest } = await import('./test-run.js');
        await runTest(ctx, baseUrl, opts);
      }),
    );
}
