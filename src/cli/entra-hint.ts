import type { Context } from './context.js';

/**
 * The two values an admin pastes into Entra (or Okta), for stdout; the token's one-time warning goes
 * to stderr with the other notices.
 */
export function pasteIntoEntra(ctx: Context, baseUrl: string, token: string): string {
  const c = ctx.color;
  return [`${c.bold('Tenant URL:  ')} ${baseUrl}`, `${c.bold('Secret token:')} ${token}`].join('\n');
}

export function tokenShownOnce(ctx: Context): void {
  if (ctx.json) return;
  const c = ctx.errColor;
  ctx.notice(c.yellow('This token is shown only this once; scimctl stores just its hash.'));
  ctx.notice(c.dim('Lost it? `scimctl token rotate <directory>` makes a new one (the old one stops working).'));
}
