import { conflictError, notFoundError, usageError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Store } from './store.js';

export interface Organization {
  id: string;
  environmentId: string;
  name: string;
  externalId: string | null;
  domains: string[];
  createdAt: string;
}

export interface NewOrganization {
  environmentId: string;
  name: string;
  externalId?: string | undefined;
  domains: string[];
}

export async function createOrganization(store: Store, input: NewOrganization): Promise<Organization> {
  const name = input.name.trim();
  if (!name) throw usageError('an organization needs a non-empty --name');
  const externalId = input.externalId?.trim() || null;
  const domains = [...new Set(input.domains)];
  return store.kysely.transaction().execute(async (trx) => {
    if (externalId) {
      const clash = await trx
        .selectFrom('organizations')
        .select('id')
        .where('environment_id', '=', input.environmentId)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      if (clash) throw conflictError(`external id "${externalId}" is already used by ${clash.id} in this environment`);
    }
    if (domains.length > 0) {
      const taken = await trx
        .selectFrom('organization_domains as d')
        .innerJoin('organizations as o', 'o.id', 'd.organization_id')
        .select(['d.domain', 'o.id'])
        .where('o.environment_id', '=', input.environmentId)
        .where('d.domain', 'in', domains)
        .executeTakeFirst();
      if (taken) throw conflictError(`domain ${taken.domain} already belongs to ${taken.id} in this environment`);
    }
    const org: Organization = {
      id: newId('org'),
      environmentId: input.environmentId,
      name,
      externalId,
      domains,
      createdAt: new Date().toISOString(),
    };
    await trx
      .insertInto('organizations')
      .values({ id: org.id, environment_id: org.environmentId, display_name: name, external_id: externalId, created_at: org.createdAt })
      .execute();
    if (domains.length > 0) {
      await trx.insertInto('organization_domains').values(domains.map((domain) => ({ organization_id: org.id, domain }))).execute();
    }
    return org;
  });
}

async function attachDomains(store: Store, rows: { id: string; environment_id: string; display_name: string; external_id: string | null; created_at: string }[]): Promise<Organization[]> {
  const ids = rows.map((r) => r.id);
  const domains = ids.length
    ? await store.kysely.selectFrom('organization_domains').selectAll().where('organization_id', 'in', ids).orderBy('domain').execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    environmentId: r.environment_id,
    name: r.display_name,
    externalId: r.external_id,
    domains: domains.filter((d) => d.organization_id === r.id).map((d) => d.domain),
    createdAt: r.created_at,
  }));
}

export async function listOrganizations(store: Store, environmentId?: string): Promise<Organization[]> {
  let query = store.kysely.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id');
  if (environmentId) query = query.where('environment_id', '=', environmentId);
  return attachDomains(store, await query.execute());
}

/** Find by id, or by external id when exactly one organization has it. */
export async function findOrganization(store: Store, ref: string): Promise<Organization> {
  const rows = await store.kysely
    .selectFrom('organizations')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('external_id', '=', ref)]))
    .execute();
  const exact = rows.find((r) => r.id === ref);
  if (exact) return (await attachDomains(store, [exact]))[0]!;
  if (rows.length > 1) {
    throw usageError(`external id "${ref}" names ${rows.length} organizations (${rows.map((r) => r.id).join(', ')})`, 'Use the organization id');
  }
  if (rows.length === 0) throw notFoundError(`no organization "${ref}"`, 'See `scimctl org list`');
  return (await attachDomains(store, rows))[0]!;
}

export async function deleteOrganization(store: Store, id: string): Promise<void> {
  await store.kysely.deleteFrom('organizations').where('id', '=', id).execute();
}
