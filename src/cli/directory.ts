import type { Command } from 'commander';
import { action } from './action.js';
import type { Context } from './context.js';
import { warnIfServing } from './delete-impact.js';
import { renderFields } from './table.js';
import { pasteIntoEntra, tokenShownOnce } from './entra-hint.js';
import { findOrganization, pickDirectory, pickOrganization } from './pickers.js';

export function registerDirectory(program: Command): void {
  const directory = program.command('directory').alias('dir').description('manage SCIM directories (one IdP connection each)');
  for (const register of [registerDirectoryCreate, registerDirectoryList, registerDirectoryShow, registerDirectoryRename, registerDirectorySetPrimary, registerDirectoryDelete]) register(directory);
}

/** Base URLs follow a running serve; without one, say that nothing answers at them yet. */
function noServeNotice(ctx: Context): void {
  if (!ctx.json && ctx.store.servers.live().length === 0) ctx.notice(ctx.errColor.dim('No serve is running on this database; `scimctl serve` serves these base URLs.'));
}

function registerDirectoryCreate(directory: Command): void {
  directory
    .command('create')
    .option('--org <org>', 'organization id or external id')
    .option('--name <name>', 'a label, e.g. "Entra production"')
    .description('create a SCIM directory and print its base URL and bearer token')
    .action(
      action(async (ctx, opts: { org?: string; name?: string }) => {
        const org = await pickOrganization(ctx, opts.org);
        const { directory: dir, token } = ctx.store.directories.create({ organizationId: org.id, name: opts.name });
        ctx.result({ ...dir, token }, () => pasteIntoEntra(ctx, dir.baseUrl, token));
        tokenShownOnce(ctx);
        if (!ctx.json) ctx.notice(ctx.errColor.green(`Created SCIM directory ${dir.id} for ${org.name}`));
      }),
    );
}

function registerDirectoryList(directory: Command): void {
  directory
    .command('list')
    .option('--org <org>', 'only this organization (id or external id)')
    .description('list SCIM directories with their base URLs')
    .action(
      action(async (ctx, opts: { org?: string }) => {
        const org = opts.org ? findOrganization(ctx.store, opts.org) : undefined;
        const dirs = ctx.store.directories.list({ organizationId: org?.id });
        // People read names; --json keeps the ids, for scripts.
        const orgNames = new Map(ctx.store.organizations.list().map((o) => [o.id, o.name]));
        ctx.list(dirs, 'No SCIM directories. Create one with `scimctl directory create --org <org>`.', () =>
          ctx.table(
            ['ID', 'NAME', 'ORGANIZATION', 'PRIMARY', 'BASE URL'],
            dirs.map((d) => [ctx.color.cyan(d.id), d.name ?? '', orgNames.get(d.organizationId) ?? d.organizationId, d.primary ? 'yes' : '', d.baseUrl]),
            [4],
          ),
        );
        if (dirs.length) noServeNotice(ctx);
      }),
    );
}

function registerDirectoryShow(directory: Command): void {
  directory
    .command('show')
    .argument('[dir]', 'directory id')
    .description('show a directory: base URL, token status, user and group counts (never the token)')
    .action(
      action(async (ctx, ref: string | undefined) => {
        const picked = await pickDirectory(ctx, ref, 'argument <dir>');
        const d = ctx.store.directories.details(picked.id);
        ctx.result(d, () => {
          const org = ctx.store.organizations.findById(d.organizationId);
          const env = ctx.store.environments.findById(d.environmentId);
          return renderFields([
            ['ID', d.id],
            ['Name', d.name ?? '-'],
            ['Organization', org ? `${org.name} (${org.id})` : d.organizationId],
            ['Primary', d.primary ? "yes (the app API's organizationId selector reads this one)" : `no (\`scimctl directory set-primary ${d.id}\` makes it so)`],
            ['Environment', env ? `${env.name} (${env.id})` : d.environmentId],
            ['Base URL', d.baseUrl],
            ['Token', d.hasToken ? `set ${d.tokenCreatedAt} (shown only at creation; \`scimctl token rotate ${d.id}\` for a new one)` : 'none'],
            ['Users', String(d.userCount)],
            ['Groups', String(d.groupCount)],
            ['Created', d.createdAt],
          ]);
        });
        noServeNotice(ctx);
      }),
    );
}

function registerDirectoryRename(directory: Command): void {
  directory
    .command('rename')
    .argument('<dir>', 'directory id')
    .argument('<name>', 'the new name, unique within its organization')
    .description('rename a directory (export and seed match directories by name)')
    .action(
      action(async (ctx, ref: string, name: string) => {
        const d = await pickDirectory(ctx, ref, 'argument <dir>');
        ctx.store.directories.rename(d.id, name);
        ctx.result(ctx.store.directories.get(d.id), () => '');
        if (!ctx.json) ctx.notice(`Renamed SCIM directory ${d.id} to "${name}"`);
      }),
    );
}

function registerDirectorySetPrimary(directory: Command): void {
  directory
    .command('set-primary')
    .argument('<dir>', 'directory id or name')
    .description("make a directory its organization's primary one (the app API reads it by organization)")
    .action(
      action(async (ctx, ref: string) => {
        const d = await pickDirectory(ctx, ref, 'argument <dir>');
        ctx.store.directories.makePrimary(d.id);
        ctx.result(ctx.store.directories.get(d.id), () => '');
        if (!ctx.json) ctx.notice(d.primary ? `SCIM directory ${d.id} already is the primary one of ${d.organizationId}` : `SCIM directory ${d.id} is now the primary one of ${d.organizationId}`);
      }),
    );
}

function registerDirectoryDelete(directory: Command): void {
  directory
    .command('delete')
    .argument('[dir]', 'directory id')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('delete a directory with its users, groups and request log')
    .action(
      action(async (ctx, ref: string | undefined, opts: { yes?: boolean }) => {
        const d = await pickDirectory(ctx, ref, 'argument <dir>');
        const details = ctx.store.directories.details(d.id);
        warnIfServing(ctx, [d]);
        await ctx.confirm(`Delete SCIM directory ${d.id}${d.name ? ` (${d.name})` : ''} with its ${details.userCount} users, ${details.groupCount} groups and request log`, opts.yes);
        ctx.store.directories.delete(d.id);
        ctx.result({ id: d.id, deleted: true }, () => '');
        if (!ctx.json) ctx.notice(`Deleted SCIM directory ${d.id}`);
      }),
    );
}
