import { ConflictError, NotFoundError } from './errors.js';
import type { EnvironmentsTable } from './schema.js';
import type { Sql } from './sql.js';

export interface Environment {
  id: string;
  name: string;
  publicUrl: string;
  createdAt: string;
}

const toEnvironment = (row: EnvironmentsTable): Environment => ({
  id: row.id,
  name: row.name,
  publicUrl: row.public_url,
  createdAt: row.created_at,
});

/** Environments: namespaces such as "development" or "ci", each with the public URL its base URLs use. */
export class EnvironmentRepository {
  constructor(private readonly sql: Sql) {}

  /** A new environment; `name` must already be valid (core/names.ts). */
  create(input: { name: string; publicUrl: string }, now = new Date().toISOString()): Environment {
    return this.sql.transaction(() => {
      const existing = this.findByName(input.name);
      if (existing) throw new ConflictError('environment', 'name', input.name, `an environment named "${input.name}" already exists (${existing.id})`, existing.id);
      const row: EnvironmentsTable = { id: this.sql.ids.next('env'), name: input.name, public_url: input.publicUrl, created_at: now };
      this.sql.prepare('INSERT INTO environments (id, name, public_url, created_at) VALUES (?, ?, ?, ?)').run(row.id, row.name, row.public_url, row.created_at);
      return toEnvironment(row);
    });
  }

  list(): Environment[] {
    return (this.sql.prepare('SELECT * FROM environments ORDER BY created_at, id').all() as EnvironmentsTable[]).map(toEnvironment);
  }

  findById(id: string): Environment | undefined {
    const row = this.sql.prepare('SELECT * FROM environments WHERE id = ?').get(id) as EnvironmentsTable | undefined;
    return row && toEnvironment(row);
  }

  findByName(name: string): Environment | undefined {
    const row = this.sql.prepare('SELECT * FROM environments WHERE name = ?').get(name) as EnvironmentsTable | undefined;
    return row && toEnvironment(row);
  }

  /** By id, or by name. */
  get(ref: string): Environment {
    const found = this.findById(ref) ?? this.findByName(ref);
    if (!found) throw new NotFoundError('environment', ref);
    return found;
  }

  setPublicUrl(id: string, publicUrl: string): void {
    if (this.sql.prepare('UPDATE environments SET public_url = ? WHERE id = ?').run(publicUrl, id).changes === 0) throw new NotFoundError('environment', id);
  }

  /**
   * Deletes everything in it (organizations, directories, users, groups, logged requests), and with
   * them its API keys and webhook signing secret. It writes no deleted events: nothing could read or
   * receive them, as no key or secret of the environment is left (a directory or organization delete
   * does write them).
   */
  delete(id: string): void {
    this.sql.prepare('DELETE FROM environments WHERE id = ?').run(id);
  }
}
