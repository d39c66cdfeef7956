import { ConflictError, NotFoundError } from './errors.js';
import type { EventRepository } from './events.js';
import type { OrganizationsTable } from './schema.js';
import type { Sql } from './sql.js';

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
  /** Already trimmed and non-empty. */
  name: string;
  externalId?: string | null | undefined;
  domains: string[];
  /** Its id, when it must keep one it had (a seed of an exported organization); a new one otherwise. */
  id?: string | undefined;
}

/**
 * Organizations (the app's customers) and their domains. External ids and domains are unique per
 * environment.
 */
export class OrganizationRepository {
  constructor(
    private readonly sql: Sql,
    private readonly events: EventRepository,
  ) {}

  create(input: NewOrganization, now = new Date().toISOString()): Organization {
    const externalId = input.externalId || null;
    const domains = [...new Set(input.domains)];
    return this.sql.transaction(() => {
      if (externalId) {
        const clash = this.findByExternalId(input.environmentId, externalId);
        if (clash) {
          throw new ConflictError('organization', 'externalId', externalId, `external id "${externalId}" is already used by ${clash.id} in this environment`, clash.id);
        }
      }
      const id = input.id ?? this.sql.ids.next('org');
      this.sql
        .prepare('INSERT INTO organizations (id, environment_id, display_name, external_id, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, input.environmentId, input.name, externalId, now);
      for (const domain of domains) this.addDomain(input.environmentId, id, domain);
      return { id, environmentId: input.environmentId, name: input.name, externalId, domains, createdAt: now };
    });
  }

  /**
   * All organizations, or those of one environment, oldest first; those made in one instant (a seed)
   * in the order they were made (rowid), whatever their ids (a seed may keep an exported one).
   */
  list(environmentId?: string): Organization[] {
    const rows = this.sql
      .prepare('SELECT * FROM organizations WHERE @environmentId IS NULL OR environment_id = @environmentId ORDER BY created_at, rowid')
      .all({ environmentId: environmentId ?? null }) as OrganizationsTable[];
    return this.withDomains(rows);
  }

  findById(id: string): Organization | undefined {
    const row = this.sql.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as OrganizationsTable | undefined;
    return row && this.withDomains([row])[0];
  }

  findByExternalId(environmentId: string, externalId: string): Organization | undefined {
    const row = this.sql.prepare('SELECT * FROM organizations WHERE environment_id = ? AND external_id = ?').get(environmentId, externalId) as
      | OrganizationsTable
      | undefined;
    return row && this.withDomains([row])[0];
  }

  /** Every organization (of any environment) with this external id. */
  withExternalId(externalId: string): Organization[] {
    const rows = this.sql.prepare('SELECT * FROM organizations WHERE external_id = ? ORDER BY created_at, rowid').all(externalId) as OrganizationsTable[];
    return this.withDomains(rows);
  }

  /** By id. */
  get(id: string): Organization {
    const found = this.findById(id);
    if (!found) throw new NotFoundError('organization', id);
    return found;
  }

  rename(id: string, name: string): void {
    this.sql.prepare('UPDATE organizations SET display_name = ? WHERE id = ?').run(name, id);
  }

  /** External ids are unique per environment; null removes it. */
  setExternalId(id: string, externalId: string | null): void {
    this.sql.transaction(() => {
      const org = this.get(id);
      const clash = externalId ? this.findByExternalId(org.environmentId, externalId) : undefined;
      if (clash && clash.id !== id) {
        throw new ConflictError('organization', 'externalId', externalId!, `external id "${externalId}" is already used by ${clash.id} in this environment`, clash.id);
      }
      this.sql.prepare('UPDATE organizations SET external_id = ? WHERE id = ?').run(externalId, id);
    });
  }

  /**
   * Replace name, external id and domains at once (the app API's PATCH, which like SSOReady's sends
   * the whole organization); the same uniqueness rules as create, all or nothing.
   */
  replace(id: string, input: { name: string; externalId: string | null; domains: string[] }): Organization {
    return this.sql.transaction(() => {
      const org = this.get(id);
      this.setExternalId(id, input.externalId || null);
      this.rename(id, input.name);
      const wanted = new Set(input.domains);
      for (const domain of org.domains) if (!wanted.has(domain)) this.removeDomain(id, domain);
      for (const domain of wanted) this.addDomain(org.environmentId, id, domain);
      return this.get(id);
    });
  }

  /** Every domain of the environment with the organization that holds it. */
  domainsIn(environmentId: string): { organizationId: string; domain: string }[] {
    return this.sql
      .prepare(
        `SELECT d.organization_id AS organizationId, d.domain FROM organization_domains d JOIN organizations o ON o.id = d.organization_id
         WHERE o.environment_id = ? ORDER BY d.domain`,
      )
      .all(environmentId) as { organizationId: string; domain: string }[];
  }

  /** Domains are unique per environment: a domain another organization holds is a conflict. */
  addDomain(environmentId: string, organizationId: string, domain: string): void {
    const owner = this.sql
      .prepare(
        `SELECT o.id FROM organization_domains d JOIN organizations o ON o.id = d.organization_id
         WHERE o.environment_id = ? AND d.domain = ?`,
      )
      .pluck()
      .get(environmentId, domain) as string | undefined;
    if (owner === organizationId) return;
    if (owner) throw new ConflictError('organization', 'domain', domain, `domain ${domain} already belongs to ${owner} in this environment`, owner);
    this.sql.prepare('INSERT INTO organization_domains (organization_id, domain) VALUES (?, ?)').run(organizationId, domain);
  }

  removeDomain(organizationId: string, domain: string): void {
    this.sql.prepare('DELETE FROM organization_domains WHERE organization_id = ? AND domain = ?').run(organizationId, domain);
  }

  /**
   * Deletes its directories, users, groups and logged requests with it; the users and groups first
   * get their deleted events.
   */
  delete(id: string, now = new Date().toISOString()): void {
    this.sql.transaction(() => {
      const directoryIds = this.sql.prepare('SELECT id FROM scim_directories WHERE organization_id = ?').pluck().all(id) as string[];
      this.events.retireDirectories(directoryIds, now);
      this.sql.prepare('DELETE FROM organizations WHERE id = ?').run(id);
    });
  }

  private withDomains(rows: OrganizationsTable[]): Organization[] {
    const domains = rows.length
      ? (this.sql
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
}
