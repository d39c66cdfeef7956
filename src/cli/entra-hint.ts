import type { Context } from './context.js';

/** The two values an admin pastes into Entra (or Okta), with the token's one-time warning. */
export function pasteIntoEntra(ctx: Context, baseUrl: string, token: string): string {
  const c = ctx.color;
  return [
    `${c.bold('Tenant URL:  ')} ${baseUrl}`,
    `${c.bold('Secret token:')} ${token}`,
    '',
    c.yellow('This token is shown only this once; scimctl stores just its hash.'),
    c.dim('Lost it? `scimctl token rotate <directory>` makes a new one (the old one stops working).'),
  ].join('\n');
}
