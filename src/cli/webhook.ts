import type { Command } from 'commander';
import { action } from './action.js';
import { soleEnvironment } from './pickers.js';

export function registerWebhook(program: Command): void {
  const webhook = program.command('webhook').description('webhook settings');

  webhook
    .command('secret')
    .option('--env <env>', 'environment id or name (default: the only one)')
    .option('--rotate', 'make a new signing secret; deliveries are signed with it from now on')
    .option('-y, --yes', 'with --rotate: do not ask for confirmation')
    .description("print the environment's webhook signing secret (whsec_…; made on first use), which apps use to verify deliveries")
    .action(
      action(async (ctx, opts: { env?: string; rotate?: boolean; yes?: boolean }) => {
        const env = await soleEnvironment(ctx, opts.env);
        if (opts.rotate) await ctx.confirm(`Rotate the webhook signing secret of ${env.name} (apps must verify with the new one from the next delivery)`, opts.yes);
        const secret = opts.rotate ? ctx.store.webhooks.rotateSigningSecret(env.id) : ctx.store.webhooks.signingSecret(env.id);
        ctx.result({ environmentId: env.id, signingSecret: secret }, () => `${ctx.color.bold('Signing secret:')} ${secret}`);
        if (ctx.json) return;
        const c = ctx.errColor;
        ctx.notice(c.dim('Unlike bearer tokens and API keys, scimctl stores this secret (it signs every delivery); this command shows it again.'));
        if (opts.rotate) ctx.notice(c.green(`Rotated the webhook signing secret of ${env.name}; a running \`scimctl serve\` signs its next delivery with the new one`));
      }),
    );
}
