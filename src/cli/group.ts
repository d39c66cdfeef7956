import type { Command } from 'commander';
import { action } from './action.js';
import { safeJson } from './text.js';
import { deletedNotice, listRendered, showRendered } from './resources.js';
import { pickReadDirectory } from './pickers.js';
import { parseListLimit } from './options.js';

export function registerGroup(program: Command): void {
  const group = program.command('group').description('read the groups IdPs have provisioned');

  group
    .command('list')
    .option('--directory <dir>', 'directory id')
    .option('--filter <filter>', 'a SCIM filter, e.g. \'displayName sw "Sales"\'')
    .option('--limit <n>', 'at most this many groups; 0 for all', '1000')
    .option('--include-deleted', 'also groups the IdP deleted (SCIM clients no longer see them; the app API does)')
    .description('list the groups of a directory (--json leaves members out; see group show)')
    .action(
      action(async (ctx, opts: { directory?: string; filter?: string; limit: string; includeDeleted?: boolean }) => {
        const dir = await pickReadDirectory(ctx, opts.directory);
        const { total, resources } = await listRendered(ctx, 'Group', dir.id, opts.filter, parseListLimit(opts.limit), opts.includeDeleted);
        const name = (g: Record<string, unknown>) => String(g.displayName) + (typeof g.deletedAt === 'string' ? ` ${ctx.color.red('(deleted)')}` : '');
        const counts = ctx.store.groups.memberCounts(resources.map((g) => String(g.id)));
        ctx.list(resources, opts.filter ? 'No groups match.' : 'No groups yet.', () =>
          ctx.table(
            ['ID', 'DISPLAY NAME', 'EXTERNAL ID', 'MEMBERS'],
            resources.map((g) => [ctx.color.cyan(String(g.id)), name(g), String(g.externalId ?? ''), String(counts.get(String(g.id)) ?? 0)]),
          ),
        );
        if (total > resources.length) ctx.notice(ctx.errColor.yellow(`Showing ${resources.length} of ${total} groups; pass --limit 0 for all, or a larger --limit.`));
      }),
    );

  group
    .command('show')
    .argument('<group>', 'group id (scim_group_…), or its displayName')
    .option('--directory <dir>', 'where to look the displayName up (needed when there are several directories)')
    .description('show one group with its members')
    .action(
      action(async (ctx, ref: string, opts: { directory?: string }) => {
        const resource = await showRendered(ctx, 'Group', ref, opts.directory);
        ctx.result(resource, () => safeJson(JSON.stringify(resource, null, 2)));
        deletedNotice(ctx, resource);
      }),
    );
}
