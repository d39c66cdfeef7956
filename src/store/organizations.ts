import { conflictError, notFoundError, usageError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Store } from './store.js';
import type { OrganizationsTable } from './schema.js';

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
  return (await store.kysely()).transaction().execute(async (trx) => {
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

function attachDomains(store: Store, rows: OrganizationsTable[]): Organization[] {
  const domains = rows.length
    ? (store
        .prepare('SELECT organization_id, domain FROM organization_domains WHERE organization_id IN (SELECT value FROM json_each(?)) ORDER BY domain')
        .all(JSON.stringify(rows.map((r) => r.id))) as { organization_id: string; domain: string }[])
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
  const rows = store
    .prepare('SELECT * FROM organizations WHERE @environmentId IS NULL OR environment_id = @environmentId ORDER BY created_at, id')
    .all({ environmentId: environmentId ?? null }) as OrganizationsTable[];
  return attachDomains(store, rows);
}

/** Find by id, or by external id when exactly one organization has it. */
export async function findOrganization(store: Store, ref: string): Promise<Organization> {
  const rows = store.prepare('SELECT * FROM organizations WHERE id = @ref OR external_id = @ref').all({ ref }) as OrganizationsTable[];
  const exact = rows.find((r) => r.id === ref);
  if (exact) return attachDomains(store, [exact])[0]!;
  if (rows.length > 1) {
    throw usageError(`external id "${ref}" names ${rows.length} organizations (${rows.map((r) => r.id).join(', ')})`, 'Use the organization id');
  }
  if (rows.length === 0) throw notFoundError(`no organization "${ref}"`, 'See `scimctl org list`');
  return attachDomains(store, rows)[0]!;
}

export async function deleteOrganization(store: Store, id: string): Promise<void> {
  await (await store.kysely()).deleteFrom('organizations').where('id', '=', id).execute();
}
