import { Option, type Command } from 'commander';
import { action } from './action.js';
import { usageError } from '../core/errors.js';
import { USAGE_HINT } from './options.js';

/** The choices of --profile; the simulator's registry is loaded only when the command runs. */
const PROFILE_CHOICES = ['entra', 'entra-2020', 'okta', 'rfc', 'all'];

export interface TestOptions {
  token?: string;
  profile: string[];
  keep?: boolean;
  timeout: string;
  junit?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerTest(program: Command): void {
  program
    .command('test')
    .argument('<base-url>', 'the SCIM base URL to test, as you would paste it into Entra (e.g. https://app.example.com/scim/v2)')
    .option('--token <token>', 'the bearer token the server expects (default: $SCIMCTL_TEST_TOKEN)')
    .addOption(new Option('--profile <name>', `which client to play (repeatable, or comma-separated): ${PROFILE_CHOICES.join(', ')}`).argParser(collect))
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

/** --profile values: `all` (the default) is every profile; anything else must be one of them. */
export function parseProfiles(values: string[] | undefined): string[] {
  const names = values?.length ? values : ['all'];
  const unknown = names.find((n) => !PROFILE_CHOICES.includes(n));
  if (unknown !== undefined) throw usageError(`invalid --profile "${unknown}": give one of ${PROFILE_CHOICES.join(', ')}`, USAGE_HINT);
  return names.includes('all') ? PROFILE_CHOICES.filter((n) => n !== 'all') : [...new Set(names)];
}
