import type { Command } from 'commander';

/** One example per command, shown at the end of its --help (as gh does). */
const EXAMPLES: Record<string, string> = {
  'env create': 'scimctl env create development --public-url http://localhost:8080',
  'env list': 'scimctl env ls --json',
  'env show': 'scimctl env show development',
  'env update': 'scimctl env update development --public-url https://scim.example.test',
  'env delete': 'scimctl env rm development --yes',
  'org create': 'scimctl org create --env development --name "Acme" --external-id acme --domain acme.test',
  'org list': 'scimctl org ls --env development',
  'org show': 'scimctl org show acme',
  'org update': 'scimctl org update acme --name "Acme Corp" --add-domain acme.example',
  'org delete': 'scimctl org rm acme --yes',
  'directory create': 'scimctl directory create --org acme --name "Entra ID"',
  'directory list': 'scimctl directory ls --org acme',
  'directory show': 'scimctl directory show "Entra ID"',
  'directory rename': 'scimctl directory rename scim_directory_… "Entra production"',
  'directory set-primary': 'scimctl directory set-primary "Entra production"',
  'directory delete': 'scimctl directory rm "Entra ID" --yes',
  'token rotate': 'scimctl token rotate "Entra ID" --yes',
  'apikey create': 'scimctl apikey create --env development --name ci --management',
  'apikey list': 'scimctl apikey ls --env development',
  'apikey revoke': 'scimctl apikey revoke api_key_… --yes',
  'user list': 'scimctl user ls --filter \'userName sw "a"\' --limit 0 --include-deleted',
  'user show': 'scimctl user show alice@acme.test --directory "Entra ID"',
  'group list': 'scimctl group ls --directory "Entra ID"',
  'group show': 'scimctl group show Engineering',
  'log list': 'scimctl log ls --status 4xx --follow',
  'log show': 'scimctl log show req_42',
  'events list': 'scimctl events ls --type user.created --type user.deleted --follow',
  'events show': 'scimctl events show evt_000000000042',
  'events resend': 'scimctl events resend evt_000000000042 --to http://localhost:3000/webhooks/scim',
  'webhook secret': 'scimctl webhook secret --env development',
  seed: 'scimctl seed fixtures/acme.json --prune --dry-run',
  export: 'scimctl export acme --out acme.json',
  serve: 'scimctl serve --port 8080 --tunnel',
  trigger: 'scimctl trigger entra-provision --directory "Entra ID"',
  status: 'scimctl status --json',
  test: 'scimctl test http://localhost:3000/scim/v2 --token "$SCIM_TOKEN" --profile entra --junit scim-report.xml',
  'config set': 'echo "$NGROK_AUTHTOKEN" | scimctl config set ngrok-authtoken',
  'config get': 'scimctl config get ngrok-authtoken',
  'config unset': 'scimctl config unset ngrok-authtoken',
  'config list': 'scimctl config ls',
  completion: 'scimctl completion bash > ~/.local/share/bash-completion/completions/scimctl',
};

/** `ls` for every list and `rm` for every delete, as in gh and docker. */
const ALIASES: Record<string, string> = { list: 'ls', delete: 'rm' };

/** Gives `command` (a subcommand under the root) its alias and its example. */
export function finishCommand(command: Command): void {
  const path = command.parent?.parent ? `${command.parent.name()} ${command.name()}` : command.name();
  const alias = ALIASES[command.name()];
  if (alias && command.parent?.parent) command.alias(alias);
  const example = EXAMPLES[path];
  if (example) command.addHelpText('after', `\nExample:\n  ${example}`);
}
