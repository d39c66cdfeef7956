import type { Command } from 'commander';
import { action } from './action.js';
import { pasteIntoEntra, tokenShownOnce } from './entra-hint.js';
import { pickDirectory } from './pickers.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('manage bearer tokens');

  token
    .command('rotate')
    .argument('[dir]', 'directory id')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('make a new bearer token for a directory; the old one stops working at once')
    .action(
      action(async (ctx, ref: string | undefined, opts: { yes?: boolean }) => {
        const d = await pickDirectory(ctx, ref, 'argument <dir>');
        await ctx.confirm(`Rotate the token of ${d.id} (the current token stops working at once)`, opts.yes);
        const rotated = ctx.store.directories.rotateToken(d.id);
        ctx.result({ id: d.id, baseUrl: d.baseUrl, token: rotated.token, tokenCreatedAt: rotated.tokenCreatedAt }, () =>
          pasteIntoEntra(ctx, d.baseUrl, rotated.token),
        );
        tokenShownOnce(ctx);
        if (!ctx.json) ctx.notice(ctx.errColor.green(`Rotated the token of ${d.id}; update the Secret token in your IdP`));
      }),
    );
}
