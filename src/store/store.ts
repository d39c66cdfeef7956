import { Kysely, SqliteDialect } from 'kysely';
import type { Statement } from 'better-sqlite3';
import { openDatabase, type Sqlite } from './open.js';
import type { Database } from './schema.js';

/**
 * One open scimctl database. Management code uses `kysely` (typed, composable); hot SCIM paths use
 * `prepare`, which caches better-sqlite3 statements by SQL text so a request never re-parses SQL.
 */
export class Store {
  readonly db: Sqlite;
  private cachedKysely: Kysely<Database> | undefined;
  private readonly statements = new Map<string, Statement>();

  constructor(readonly path: string, db?: Sqlite) {
    this.db = db ?? openDatabase(path);
  }

  get kysely(): Kysely<Database> {
    this.cachedKysely ??= new Kysely<Database>({ dialect: new SqliteDialect({ database: this.db }) });
    return this.cachedKysely;
  }

  /** A cached prepared statement. Filter SQL is cached too: it carries values only as parameters. */
  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 500) this.statements.delete(this.statements.keys().next().value!);
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Run `fn` in one IMMEDIATE transaction: all of it lands or none of it. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (!this.db.open) return;
    this.statements.clear();
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another process may hold the database; its own close checkpoints.
    }
    this.db.close();
  }
}

export function openStore(path: string): Store {
  return new Store(path);
}
