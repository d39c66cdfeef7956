import type { Command } from 'commander';
import { action } from './action.js';
import { usageError } from '../core/errors.js';
import type { ApiKey } from '../store/index.js';
import { soleEnvironment } from './pickers.js';

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description("manage API keys for the app API (one environment each; shown once, stored as a hash)");
  for (const register of [registerApiKeyCreate, registerApiKeyList, registerApiKeyRevoke]) register(apikey);
}

function registerApiKeyCreate(apikey: Command): void {
  apikey
    .command('create')
    .option('--env <env>', 'environment id or name (default: the only one)')
    .option('--name <name>', 'a label, e.g. "ci"')
    .option('--management', 'may also manage organizations and directories through the app API')
    .description('make an API key for the app API and print it once')
    .action(
      action(async (ctx, opts: { env?: string; name?: string; management?: boolean }) => {
        const name = opts.name?.trim();
        if (opts.name !== undefined && !name) throw usageError('--name must not be empty');
        const env = await soleEnvironment(ctx, opts.env);
        const { apiKey, key } = ctx.store.apiKeys.create({ environmentId: env.id, name: name ?? null, management: opts.management ?? false });
        ctx.result({ id: apiKey.id, name: apiKey.name, environmentId: apiKey.environmentId, management: apiKey.management, key, createdAt: apiKey.createdAt }, () => `${ctx.color.bold('API key:')} ${key}`);
        if (ctx.json) return;
        const c = ctx.errColor;
        ctx.notice(c.yellow('This API key is shown only this once; scimctl stores just its hash.'));
        ctx.notice(c.dim(`Lost it? Make another with \`scimctl apikey create --env ${env.name}\` and revoke this one with \`scimctl apikey revoke ${apiKey.id}\`.`));
        ctx.notice(c.green(`Created API key ${apiKey.id}${apiKey.name ? ` (${apiKey.name})` : ''} for ${env.name}${apiKey.management ? ', with management' : ''}`));
      }),
    );
}

function registerApiKeyList(apikey: Command): void {
  apikey
    .command('list')
    .option('--env <env>', 'only this environment (id or name)')
    .description('list API keys (never the keys themselves)')
    .action(
      action(async (ctx, opts: { env?: string }) => {
        const env = opts.env ? ctx.store.environments.get(opts.env) : undefined;
        const keys = ctx.store.apiKeys.list(env?.id);
        const envNames = new Map(ctx.store.environments.list().map((e) => [e.id, e.name]));
        ctx.list(keys, 'No API keys. Create one with `scimctl apikey create --env <env>`.', () =>
          ctx.table(['ID', 'NAME', 'ENVIRONMENT', 'MANAGEMENT', 'CREATED'], keys.map((k: ApiKey) => [ctx.color.cyan(k.id), k.name ?? '', envNames.get(k.environmentId) ?? k.environmentId, k.management ? 'yes' : 'no', k.createdAt])),
        );
      }),
    );
}

function registerApiKeyRevoke(apikey: Command): void {
  apikey
    .command('revoke')
    .argument('<id>', 'API key id (api_key_…)')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('revoke an API key; requests that present it are refused from then on')
    .action(
      action(async (ctx, id: string, opts: { yes?: boolean }) => {
        const k = ctx.store.apiKeys.get(id);
        await ctx.confirm(`Revoke API key ${k.id}${k.name ? ` (${k.name})` : ''} (it stops working at once)`, opts.yes);
        ctx.store.apiKeys.revoke(k.id);
        ctx.result({ id: k.id, revoked: true }, () => '');
        if (!ctx.json) ctx.notice(`Revoked API key ${k.id}`);
      }),
    );
}
