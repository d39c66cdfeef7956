import type { Command } from 'commander';
import { action } from './action.js';
import { renderFields } from './table.js';
import { DEFAULT_PUBLIC_URL, normalizePublicUrl } from '../core/urls.js';
import { validateEnvironmentName } from '../core/names.js';
import { pickEnvironment } from './pickers.js';
import { flagValue } from './options.js';
import { warnIfServing, whatGoes } from './delete-impact.js';

export function registerEnv(program: Command): void {
  const env = program.command('env').description('manage environments (namespaces such as "development" or "ci")');
  for (const register of [registerEnvCreate, registerEnvList, registerEnvShow, registerEnvUpdate, registerEnvDelete]) register(env);
}

function registerEnvCreate(env: Command): void {
  env
    .command('create')
    .argument('[name]', 'a short name, e.g. development')
    .option('--public-url <url>', 'the URL the SCIM server is reached at, used in base URLs', DEFAULT_PUBLIC_URL)
    .description('create an environment')
    .action(
      action(async (ctx, nameArg: string | undefined, opts: { publicUrl: string }) => {
        // Check the flags before prompting or opening (and so creating) the database.
        const publicUrl = flagValue('--public-url', opts.publicUrl, normalizePublicUrl);
        if (nameArg !== undefined) validateEnvironmentName(nameArg);
        const name = await ctx.need(nameArg, 'argument <name>', () =>
          ctx.input('Environment name', (v) => {
            try {
              validateEnvironmentName(v);
              return true;
            } catch (e) {
              return (e as Error).message;
            }
          }),
        );
        const created = ctx.store.environments.create({ name, publicUrl });
        ctx.result(created, () => created.id);
        if (!ctx.json) ctx.notice(ctx.errColor.green(`Created environment ${created.name} (${created.id})`));
      }, { createsDatabase: true }),
    );
}

function registerEnvList(env: Command): void {
  env
    .command('list')
    .description('list environments')
    .action(
      action(async (ctx) => {
        const envs = ctx.store.environments.list();
        ctx.list(envs, 'No environments. Create one with `scimctl env create <name>`.', () =>
          ctx.table(['ID', 'NAME', 'PUBLIC URL', 'CREATED'], envs.map((e) => [ctx.color.cyan(e.id), e.name, e.publicUrl, e.createdAt]), [2, 3]),
        );
      }),
    );
}

function registerEnvShow(env: Command): void {
  env
    .command('show')
    .argument('[env]', 'environment id or name')
    .description('show one environment')
    .action(
      action(async (ctx, ref: string | undefined) => {
        const e = await pickEnvironment(ctx, ref, 'argument <env>');
        ctx.result(e, () => renderFields([['ID', e.id], ['Name', e.name], ['Public URL', e.publicUrl], ['Created', e.createdAt]]));
      }),
    );
}

function registerEnvUpdate(env: Command): void {
  env
    .command('update')
    .argument('<env>', 'environment id or name')
    .requiredOption('--public-url <url>', 'the URL the SCIM server is reached at, used in base URLs')
    .description("change an environment's public URL")
    .action(
      action(async (ctx, ref: string, opts: { publicUrl: string }) => {
        const publicUrl = flagValue('--public-url', opts.publicUrl, normalizePublicUrl);
        const e = await pickEnvironment(ctx, ref, 'argument <env>');
        ctx.store.environments.setPublicUrl(e.id, publicUrl);
        const updated = ctx.store.environments.get(e.id);
        ctx.result(updated, () => '');
        if (!ctx.json) ctx.notice(`Updated environment ${e.name}: public URL ${publicUrl}`);
      }),
    );
}

function registerEnvDelete(env: Command): void {
  env
    .command('delete')
    .argument('[env]', 'environment id or name')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('delete an environment with all its organizations, directories, users and groups')
    .action(
      action(async (ctx, ref: string | undefined, opts: { yes?: boolean }) => {
        const e = await pickEnvironment(ctx, ref, 'argument <env>');
        const directories = ctx.store.directories.list({ environmentId: e.id });
        const orgs = ctx.store.organizations.list(e.id).length;
        warnIfServing(ctx, directories);
        await ctx.confirm(`Delete environment ${e.name} (${e.id}) with its ${whatGoes(ctx, directories, [`${orgs} organization${orgs === 1 ? '' : 's'}`])}`, opts.yes);
        ctx.store.environments.delete(e.id);
        ctx.result({ id: e.id, deleted: true }, () => '');
        if (!ctx.json) ctx.notice(`Deleted environment ${e.name} (${e.id})`);
      }),
    );
}
