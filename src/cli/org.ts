import type { Command } from 'commander';
import { action } from './action.js';
import type { Context } from './context.js';
import { renderFields } from './table.js';
import { normalizeDomain } from '../core/urls.js';
import { usageError } from '../core/errors.js';
import { looksLikeId } from '../core/ids.js';
import type { Organization } from '../store/index.js';
import { pickEnvironment, pickOrganization } from './pickers.js';
import { flagValue } from './options.js';
import { warnIfServing, whatGoes } from './delete-impact.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerOrg(program: Command): void {
  const org = program.command('org').description('manage organizations (your app\'s customers)');
  for (const register of [registerOrgCreate, registerOrgList, registerOrgShow, registerOrgUpdate, registerOrgDelete]) register(org);
}

function registerOrgCreate(org: Command): void {
  org
    .command('create')
    .option('--env <env>', 'environment id or name')
    .option('--name <name>', 'display name')
    .option('--external-id <id>', 'your app\'s own id for this customer')
    .option('--domain <domain>', 'a domain of the organization (repeatable)', collect, [])
    .description('create an organization')
    .action(
      action(async (ctx, opts: { env?: string; name?: string; externalId?: string; domain: string[] }) => {
        // Check the flags before prompting or opening (and so creating) the database.
        const domains = opts.domain.map((d) => flagValue('--domain', d, normalizeDomain));
        const externalId = opts.externalId?.trim();
        // Every lookup tries ids first: an external id shaped like one could never be looked up by.
        if (externalId && looksLikeId(externalId)) throw usageError(`invalid --external-id "${externalId}": it has the shape of a scimctl id, so it could never be looked up`, 'Use your app\'s own id for this customer');
        const env = await pickEnvironment(ctx, opts.env);
        const name = await ctx.need(opts.name, '--name <name>', () => ctx.input('Organization name'));
        const trimmed = name.trim();
        if (!trimmed) throw usageError('an organization needs a non-empty --name');
        const created = ctx.store.organizations.create({ environmentId: env.id, name: trimmed, externalId, domains });
        ctx.result(created, () => created.id);
        if (!ctx.json) ctx.notice(ctx.errColor.green(`Created organization ${created.name} (${created.id}) in ${env.name}`));
      }),
    );
}

function registerOrgList(org: Command): void {
  org
    .command('list')
    .option('--env <env>', 'only this environment (id or name)')
    .description('list organizations')
    .action(
      action(async (ctx, opts: { env?: string }) => {
        const env = opts.env ? ctx.store.environments.get(opts.env) : undefined;
        const orgs = ctx.store.organizations.list(env?.id);
        // People read names; --json keeps the ids, for scripts.
        const envNames = new Map(ctx.store.environments.list().map((e) => [e.id, e.name]));
        ctx.list(orgs, 'No organizations. Create one with `scimctl org create --env <env> --name <name>`.', () =>
          ctx.table(
            ['ID', 'NAME', 'EXTERNAL ID', 'DOMAINS', 'ENVIRONMENT'],
            orgs.map((o) => [ctx.color.cyan(o.id), o.name, o.externalId ?? '', o.domains.join(', '), envNames.get(o.environmentId) ?? o.environmentId]),
          ),
        );
      }),
    );
}

function registerOrgShow(org: Command): void {
  org
    .command('show')
    .argument('[org]', 'organization id or external id')
    .description('show one organization')
    .action(
      action(async (ctx, ref: string | undefined) => {
        const o = await pickOrganization(ctx, ref, 'argument <org>');
        ctx.result(o, () => describeOrganization(ctx, o));
      }),
    );
}

interface OrgUpdate {
  name?: string;
  externalId?: string;
  addDomain: string[];
  removeDomain: string[];
}

function registerOrgUpdate(org: Command): void {
  org
    .command('update')
    .argument('<org>', 'organization id or external id')
    .option('--name <name>', 'a new display name')
    .option('--external-id <id>', 'a new external id ("" removes it)')
    .option('--add-domain <domain>', 'add a domain (repeatable)', collect, [])
    .option('--remove-domain <domain>', 'remove a domain (repeatable)', collect, [])
    .description("change an organization's name, external id or domains (all or nothing)")
    .action(
      action(async (ctx, ref: string, opts: OrgUpdate) => {
        const add = opts.addDomain.map((d) => flagValue('--add-domain', d, normalizeDomain));
        const remove = opts.removeDomain.map((d) => flagValue('--remove-domain', d, normalizeDomain));
        const name = opts.name?.trim();
        const externalId = opts.externalId?.trim();
        if (opts.name !== undefined && !name) throw usageError('an organization needs a non-empty --name');
        if (externalId && looksLikeId(externalId)) throw usageError(`invalid --external-id "${externalId}": it has the shape of a scimctl id, so it could never be looked up`);
        if (name === undefined && externalId === undefined && !add.length && !remove.length) throw usageError('nothing to change', 'Pass --name, --external-id, --add-domain or --remove-domain');
        const o = await pickOrganization(ctx, ref, 'argument <org>');
        const store = ctx.store;
        store.transaction(() => {
          if (name !== undefined) store.organizations.rename(o.id, name);
          if (externalId !== undefined) store.organizations.setExternalId(o.id, externalId || null);
          for (const domain of remove) store.organizations.removeDomain(o.id, domain);
          for (const domain of add) store.organizations.addDomain(o.environmentId, o.id, domain);
        });
        const updated = store.organizations.get(o.id);
        ctx.result(updated, () => describeOrganization(ctx, updated));
        if (!ctx.json) ctx.notice(`Updated organization ${updated.name} (${updated.id})`);
      }),
    );
}

function registerOrgDelete(org: Command): void {
  org
    .command('delete')
    .argument('[org]', 'organization id or external id')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('delete an organization with its directories, users and groups')
    .action(
      action(async (ctx, ref: string | undefined, opts: { yes?: boolean }) => {
        const o = await pickOrganization(ctx, ref, 'argument <org>');
        const directories = ctx.store.directories.list({ organizationId: o.id });
        warnIfServing(ctx, directories);
        await ctx.confirm(`Delete organization ${o.name} (${o.id}) with its ${whatGoes(ctx, directories)}`, opts.yes);
        ctx.store.organizations.delete(o.id);
        ctx.result({ id: o.id, deleted: true }, () => '');
        if (!ctx.json) ctx.notice(`Deleted organization ${o.name} (${o.id})`);
      }),
    );
}

function describeOrganization(ctx: Context, o: Organization): string {
  const env = ctx.store.environments.findById(o.environmentId);
  return renderFields([
    ['ID', o.id],
    ['Name', o.name],
    ['External ID', o.externalId ?? '-'],
    ['Domains', o.domains.join(', ') || '-'],
    ['Environment', env ? `${env.name} (${env.id})` : o.environmentId],
    ['Created', o.createdAt],
  ]);
}
