import type { Command } from 'commander';
import { action } from './action.js';
import { safeJson } from './text.js';
import { deletedNotice, listRendered, showRendered } from './resources.js';
import { pickReadDirectory } from './pickers.js';
import { parseListLimit } from './options.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function registerUser(program: Command): void {
  const user = program.command('user').description('read the users IdPs have provisioned');

  user
    .command('list')
    .option('--directory <dir>', 'directory id')
    .option('--filter <filter>', 'a SCIM filter, e.g. \'userName sw "a"\' or \'active eq false\'')
    .option('--limit <n>', 'at most this many users; 0 for all', '1000')
    .option('--include-deleted', 'also users the IdP deleted (SCIM clients no longer see them; the app API does)')
    .description('list the users of a directory')
    .action(
      action(async (ctx, opts: { directory?: string; filter?: string; limit: string; includeDeleted?: boolean }) => {
        const dir = await pickReadDirectory(ctx, opts.directory);
        const { total, resources } = await listRendered(ctx, 'User', dir.id, opts.filter, parseListLimit(opts.limit), opts.includeDeleted);
        const status = (u: Record<string, unknown>) => (typeof u.deletedAt === 'string' ? ctx.color.red('(deleted)') : u.active === false ? ctx.color.yellow('inactive') : 'active');
        ctx.list(resources, opts.filter ? 'No users match.' : 'No users yet.', () => {
          const rows = resources.map((u) => {
            const ext = (u[ENTERPRISE] ?? {}) as Record<string, unknown>;
            return [ctx.color.cyan(String(u.id)), String(u.userName), String(u.displayName ?? ''), status(u), String(ext.department ?? '')];
          });
          return ctx.table(['ID', 'USERNAME', 'DISPLAY NAME', 'STATUS', 'DEPARTMENT'], rows, [3]);
        });
        // Under --json too: a script must not mistake the first page for all of them.
        if (total > resources.length) ctx.notice(ctx.errColor.yellow(`Showing ${resources.length} of ${total} users; pass --limit 0 for all, or a larger --limit.`));
      }),
    );

  user
    .command('show')
    .argument('<user>', 'user id (scim_user_…), or its userName')
    .option('--directory <dir>', 'where to look the userName up (needed when there are several directories)')
    .description('show one user as the SCIM server returns it')
    .action(
      action(async (ctx, ref: string, opts: { directory?: string }) => {
        const resource = await showRendered(ctx, 'User', ref, opts.directory);
        ctx.result(resource, () => safeJson(JSON.stringify(resource, null, 2)));
        deletedNotice(ctx, resource);
      }),
    );
}
